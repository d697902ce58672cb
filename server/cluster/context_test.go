package cluster

import (
	"context"
	"testing"
	"time"
)

// ctxLatency is the KV round trip in these tests. A cancelled wait may
// finish the call in flight, then must return within ctxSlack; the bound
// adds ctxHeadroom for scheduling on a loaded machine under -race.
const (
	ctxLatency  = 200 * time.Millisecond
	ctxSlack    = 50 * time.Millisecond
	ctxHeadroom = 100 * time.Millisecond
	ctxBound    = ctxLatency + ctxSlack + ctxHeadroom
)

// lockUntil runs LockWithContext with a context that ends at deadline and
// returns how long after the deadline it returned, and its error.
func lockUntil(m *Mutex, deadline time.Time) (time.Duration, error) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	err := m.LockWithContext(ctx)
	return time.Since(deadline), err
}

// LockWithContext returns within one KV round trip plus 50 ms after its
// context ends, whether it waits for another instance or for a goroutine
// of its own.
func TestLockWithContextReturnsPromptlyWhenItsContextEnds(t *testing.T) {
	for _, remote := range []bool{true, false} {
		remote := remote
		name := "local-holder"
		if remote {
			name = "remote-holder"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, ins := newCluster(2, true)
			s.SetLatency(ctxLatency)
			lock := "ctx-" + name
			holderIn := ins[0]
			if remote {
				holderIn = ins[1]
			}
			holder := NewMutex(holderIn, lock)
			holder.Lock()
			defer holder.Unlock()
			late, err := lockUntil(NewMutex(ins[0], lock), time.Now().Add(700*time.Millisecond))
			if err == nil {
				t.Fatal("locked a held mutex")
			}
			if late > ctxBound {
				t.Fatalf("returned %v after its context ended (bound %v)", late, ctxBound)
			}
		})
	}
}

// The hard path: the holder on the same instance unlocks, the handoff to
// the waiter is in flight (a compare-and-set taking one round trip), the
// holder's lease has lapsed so the handoff fails — and the waiter's
// context ends meanwhile. It still returns within the bound.
func TestLockWithContextReturnsPromptlyWhenAFailingHandoffIsInFlight(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, true)
	s.SetLatency(ctxLatency)
	const lock = "ctx-handoff"
	holder := NewMutex(ins[0], lock)
	holder.Lock()
	deadline := time.Now().Add(ctxLatency * 4)
	type result struct {
		late time.Duration
		err  error
	}
	res := make(chan result, 1)
	waiter := NewMutex(ins[0], lock)
	go func() {
		late, err := lockUntil(waiter, deadline)
		res <- result{late, err}
	}()
	// Half a round trip before the deadline: the handoff's write lands
	// after the lapse and is answered after the deadline.
	time.Sleep(time.Until(deadline.Add(-ctxLatency / 2)))
	if _, ok := s.ExpireNow("mutex_" + lock); !ok {
		t.Fatal("no lease to lapse")
	}
	go holder.Unlock()
	select {
	case r := <-res:
		if r.err == nil {
			// Winning the lock afresh is fine, if in time.
			defer waiter.Unlock()
		}
		if r.late > ctxBound {
			t.Fatalf("returned (err %v) %v after its context ended (bound %v)", r.err, r.late, ctxBound)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("LockWithContext never returned")
	}
}

// Job.Close returns promptly on the same paths: while the job waits for
// its lock held by another instance, and while its acquisition's KV call
// is in flight.
func TestJobCloseReturnsPromptlyWhileWaitingForTheLock(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(2, true)
	s.SetLatency(ctxLatency)
	const key = "ctx-job"
	other := NewMutex(ins[1], JobLockName(key))
	other.Lock()
	defer other.Unlock()
	j, err := Schedule(ins[0], key, JobConfig{Interval: time.Minute}, func() {})
	if err != nil {
		t.Fatal(err)
	}
	closeAfter(t, j, 700*time.Millisecond) // waiting for the lock
	j, err = Schedule(ins[0], key, JobConfig{Interval: time.Minute}, func() {})
	if err != nil {
		t.Fatal(err)
	}
	closeAfter(t, j, ctxLatency/3) // its first KV call in flight
}

func closeAfter(t *testing.T, j *Job, d time.Duration) {
	t.Helper()
	time.Sleep(d)
	start := time.Now()
	done := make(chan struct{})
	go func() { _ = j.Close(); close(done) }()
	select {
	case <-done:
		if took := time.Since(start); took > ctxBound {
			t.Fatalf("Close took %v (bound %v)", took, ctxBound)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Close never returned")
	}
}
