package cluster

import (
	"testing"
	"time"
)

// Node clocks differ by less than the margin: a holder that can no longer
// refresh says its lease is lost before a node whose clock runs ahead can
// see the lease lapse and take the lock.
func TestLostIsSignalledBeforeASkewedNodeCanAcquire(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	_, ins := newCluster(2, false)
	a := NewMutexWithConfig(ins[0], "skew", MutexConfig{TTL: 2 * time.Second})
	a.Lock()
	defer a.Unlock()
	ins[0].SetDown(true) // a can no longer refresh
	ins[1].SetClockOffset(200 * time.Millisecond)

	b := NewMutex(ins[1], "skew")
	acquired := make(chan time.Time, 1)
	go func() {
		b.Lock()
		acquired <- time.Now()
		b.Unlock()
	}()
	var lostAt time.Time
	select {
	case <-a.Lost():
		lostAt = time.Now()
	case <-time.After(10 * time.Second):
		t.Fatal("a was never told its lease was lost")
	}
	select {
	case got := <-acquired:
		if got.Before(lostAt) {
			t.Fatalf("b acquired %v before a was told it lost the lease", lostAt.Sub(got))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("b never acquired the lapsed lock")
	}
	ins[0].SetDown(false)
}

// A store that stops answering must not keep a holder believing it holds
// the lock: the loss is signalled on time even while a refresh hangs.
func TestLostIsSignalledWhileRefreshHangs(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	_, ins := newCluster(1, false)
	m := NewMutexWithConfig(ins[0], "hang", MutexConfig{TTL: time.Second})
	m.Lock()
	locked := time.Now()
	ins[0].SetLatency(3 * time.Second) // the next refresh will hang
	select {
	case <-m.Lost():
		// TTL less the margin is 750 ms; allow the race detector slack.
		if d := time.Since(locked); d > 3*time.Second {
			t.Fatalf("lost signalled only after %v", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no lost signal while the refresh hangs")
	}
	ins[0].SetLatency(0)
	done := make(chan struct{})
	go func() { m.Unlock(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("Unlock hung")
	}
}
