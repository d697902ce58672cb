package cluster

import (
	"context"
	"testing"
	"time"
)

// The node clock differences mutual exclusion must survive: the store
// judges a lease's expiry by the clock of whichever node serves the call,
// so a holder's clock running behind (or a contender's ahead) by more than
// the lease's remaining life makes the store show a live lease as lapsed.
var clockOffsets = []time.Duration{
	2 * time.Second, -2 * time.Second,
	30 * time.Second, -30 * time.Second,
	10 * time.Minute, -10 * time.Minute,
}

// offsetTTL is the shortest lease the store can express, to keep the tests
// short: exclusion must not depend on it.
const offsetTTL = time.Second

// A holder whose refreshes succeed keeps the lock for as long as it wants,
// whatever the offset between its clock and the contender's; the contender
// gets it after the release.
func TestExclusionHoldsWhateverTheClockOffset(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	for _, off := range clockOffsets {
		off := off
		t.Run(off.String(), func(t *testing.T) {
			t.Parallel()
			_, ins := newCluster(2, true)
			ins[0].SetClockOffset(off)
			holder := NewMutexWithConfig(ins[0], "offset", MutexConfig{TTL: offsetTTL})
			contender := NewMutexWithConfig(ins[1], "offset", MutexConfig{TTL: offsetTTL})
			holder.Lock()
			// Several refreshes: the contender must wait them all out.
			ctx, cancel := context.WithTimeout(context.Background(), 3*offsetTTL)
			err := contender.LockWithContext(ctx)
			cancel()
			if err == nil {
				contender.Unlock()
				t.Fatalf("with the holder's clock %v off, the contender took a lock the holder still refreshes", off)
			}
			select {
			case <-holder.Lost():
				t.Fatalf("with its clock %v off, the holder lost a lease it refreshes", off)
			default:
			}
			holder.Unlock()
			lockWithin(t, contender, 5*time.Second)
			contender.Unlock()
		})
	}
}

// A holder that can no longer refresh (cut off from the store) is told its
// lease is lost before a contender whose clock differs by any offset takes
// the lock; and the contender does take it, within a bound that does not
// grow with the offset.
func TestLostIsSignalledBeforeTakeoverWhateverTheClockOffset(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	for _, off := range clockOffsets {
		off := off
		t.Run(off.String(), func(t *testing.T) {
			t.Parallel()
			_, ins := newCluster(2, true)
			ins[0].SetClockOffset(off)
			holder := NewMutexWithConfig(ins[0], "offset-lost", MutexConfig{TTL: offsetTTL})
			contender := NewMutexWithConfig(ins[1], "offset-lost", MutexConfig{TTL: offsetTTL})
			holder.Lock()
			ins[0].SetDown(true)
			type takeover struct{ holderToldLost bool }
			acquired := make(chan takeover, 1)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				if contender.LockWithContext(ctx) != nil {
					return
				}
				// At the moment of the takeover, the holder must already know.
				select {
				case <-holder.Lost():
					acquired <- takeover{holderToldLost: true}
				default:
					acquired <- takeover{}
				}
				contender.Unlock()
			}()
			// A few lease lifetimes, not the offset, bound the takeover.
			const bound = 10 * offsetTTL
			select {
			case got := <-acquired:
				if !got.holderToldLost {
					t.Errorf("with the holder's clock %v off, the contender took the lock before the holder was told its lease was lost", off)
				}
			case <-time.After(bound):
				t.Errorf("with the holder's clock %v off, no takeover within %v of the holder being cut off", off, bound)
			}
			ins[0].SetDown(false)
			holder.Unlock()
		})
	}
}
