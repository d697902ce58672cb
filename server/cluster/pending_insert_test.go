package cluster

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// An insert whose reply was an error, though it took effect, is adopted
// when the instance later finds its own bytes stored. Other instances began
// watching those bytes when the write landed, so the adopted lease is valid
// only until a TTL (less the margin) from the insert's send, however late
// the adoption comes. Here the instance's next call stalls for most of a
// TTL, and the refreshes it makes from adoption on fail: another instance takes
// the lease over a TTL after it first saw it, and at that moment the
// adopting instance must know its lease is lost. (The refreshes keep
// failing: one that succeeded would change the bytes and restart the
// other's watch.)
//
// Catches: an adoption that dates the lease from the adoption (or from any
// time after the send), which lets both instances believe they hold the
// lock until the adopted deadline.
func TestAdoptedLeaseIsValidOnlyFromItsInsertsSend(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	s, ins := newCluster(2, false)
	a, b := ins[0], ins[1]
	name := "adopted-pending-insert"
	key := lockKey(name)

	var mu sync.Mutex
	var sentAt time.Time // when a's insert (applied, reported failed) was made
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if c.Instance != a.ID || c.Key != key && c.Key != fenceKey(name) {
			return kvtest.Outcome{}
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case sentAt.IsZero() && c.Op == kvtest.OpSet && c.Key == key && c.Options.Atomic && c.Options.OldValue == nil && c.Value != nil:
			sentAt = time.Now()
			return kvtest.Outcome{Err: kvtest.InjectedError("insert"), Applied: true}
		case sentAt.IsZero():
			return kvtest.Outcome{}
		case time.Since(sentAt) < 9*ttl/10:
			// Stall a's next calls (a full connection pool) until most of
			// a TTL has passed since the insert.
			until := sentAt.Add(9 * ttl / 10)
			mu.Unlock()
			time.Sleep(time.Until(until))
			mu.Lock()
			return kvtest.Outcome{}
		case c.Op == kvtest.OpSet && c.Key == key && c.Options.OldValue != nil && c.Value != nil:
			// a's refreshes fail from then on: nothing moves its deadline.
			return kvtest.Outcome{Err: kvtest.InjectedError("refresh")}
		}
		return kvtest.Outcome{}
	})

	ma := NewMutexWithConfig(a, name, MutexConfig{TTL: ttl})
	mb := NewMutexWithConfig(b, name, MutexConfig{TTL: ttl})

	aHolds := make(chan struct{})
	aDone := make(chan struct{})
	go func() {
		defer close(aDone)
		ctx, cancel := context.WithTimeout(context.Background(), 10*ttl)
		defer cancel()
		if err := ma.LockWithContext(ctx); err != nil {
			t.Errorf("a: %v", err)
			return
		}
		close(aHolds)
		time.Sleep(2 * ttl) // b may take the lock over meanwhile: a's lease was in doubt
		ma.Unlock()
	}()

	// b starts waiting once a's insert has landed, and so watches a's bytes.
	for {
		mu.Lock()
		landed := !sentAt.IsZero()
		mu.Unlock()
		if landed {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*ttl)
	defer cancel()
	if err := mb.LockWithContext(ctx); err != nil {
		t.Fatalf("b: %v", err)
	}
	select {
	case <-aHolds:
		select {
		case <-aDone:
		default:
			if !ma.lostNow() {
				mu.Lock()
				since := time.Since(sentAt)
				mu.Unlock()
				t.Errorf("b took the lock %v after a's insert was sent, while a, which adopted that insert's lease, still believes it holds it", since.Round(time.Millisecond))
			}
		}
	default:
	}
	mb.Unlock()
	<-aDone
}
