package cluster

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// queue is the local side of one lock name on one instance: who holds it
// here, who waits here (FIFO), and what this instance has learnt about the
// lock in the store. At most one goroutine (the acquire loop) talks to the
// store on behalf of the waiters, so N local waiters cost what one does.
type queue struct {
	inst *instance
	name string
	key  string // lock key in the store
	fkey string // fencing counter key
	wkey string // waiting marker key

	// wake nudges the acquire loop (a release event arrived, a waiter left).
	wake chan struct{}

	mu        sync.Mutex
	held      *holding  // the lease a local goroutine holds, nil if none
	waiters   list.List // of *waiter, oldest first
	acquiring bool      // the acquire loop is running

	view clusterView // what this instance knows of the lock in the store
}

// waiter is one goroutine blocked in Lock.
type waiter struct {
	cfg   MutexConfig
	ready chan *holding // receives the lease handed to this waiter
	elem  *list.Element // nil once handed the lease (or removed)
}

func newQueue(in *instance, name string) *queue {
	q := &queue{
		inst: in,
		name: name,
		key:  lockKey(name),
		fkey: fenceKey(name),
		wkey: waitKey(name),
		wake: make(chan struct{}, 1),
	}
	q.view.remoteWaiters = make(map[string]remoteWaiter)
	// Nothing is known yet: the first attempt looks (and reads the fencing
	// counter) before it inserts, so an instance that starts waiting for a
	// held lock never spends a failing insert.
	q.view.optimistic = false
	return q
}

func (q *queue) nudge() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// lock blocks until this goroutine holds the lock cluster-wide or ctx ends.
func (q *queue) lock(ctx context.Context, cfg MutexConfig) (*holding, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := &waiter{cfg: cfg, ready: make(chan *holding, 1)}
	q.mu.Lock()
	w.elem = q.waiters.PushBack(w)
	q.startAcquiringLocked()
	q.mu.Unlock()

	select {
	case h := <-w.ready:
		return h, nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	if w.elem != nil {
		q.waiters.Remove(w.elem)
		w.elem = nil
		q.mu.Unlock()
		q.nudge() // the loop may have nobody left to acquire for
		return nil, ctx.Err()
	}
	q.mu.Unlock()
	// The lease was being handed to us as ctx ended; it is ours now.
	return <-w.ready, nil
}

// startAcquiringLocked starts the acquire loop when there are waiters, the
// lock is not held here, and no loop runs.
func (q *queue) startAcquiringLocked() {
	if q.held == nil && !q.acquiring && q.waiters.Len() > 0 {
		q.acquiring = true
		go q.acquireLoop()
	}
}

// tryLock makes one attempt, without waiting. It fails at once if the lock
// is held or awaited on this instance: jumping the local queue would break
// FIFO order.
func (q *queue) tryLock(cfg MutexConfig) (*holding, error) {
	q.mu.Lock()
	if q.held != nil || q.acquiring || q.waiters.Len() > 0 {
		q.mu.Unlock()
		return nil, nil
	}
	q.acquiring = true
	q.mu.Unlock()

	h, _, err := q.attempt(cfg)
	if err != nil {
		q.dropPending()
	}

	q.mu.Lock()
	q.acquiring = false
	if h != nil {
		q.held = h
		q.view.batchStart = time.Now()
	}
	q.startAcquiringLocked()
	q.mu.Unlock()
	return h, err
}

// acquireLoop acquires the lock for the oldest waiter, again and again, until
// nobody waits. It is the one poller of this instance and name.
func (q *queue) acquireLoop() {
	failures := 0
	for {
		q.mu.Lock()
		front := q.waiters.Front()
		if front == nil {
			q.acquiring = false
			clearMarker := q.view.markerFor != ""
			q.view.markerFor = ""
			q.mu.Unlock()
			if clearMarker {
				q.clearWaitingMarker()
			}
			return
		}
		cfg := front.Value.(*waiter).cfg
		holdBack := time.Until(q.view.yieldUntil)
		q.mu.Unlock()

		if holdBack > 0 {
			q.sleep(holdBack)
			continue
		}

		h, retry, err := q.attempt(cfg)
		if err != nil {
			failures++
			q.inst.api.LogError("cluster: failed to acquire lock", "lock", q.name, "err", err.Error())
			retry = backoff(failures)
		} else {
			failures = 0
		}
		if h != nil {
			q.mu.Lock()
			front := q.waiters.Front()
			if front == nil {
				// Everyone gave up while we acquired: give it back.
				q.acquiring = false
				q.mu.Unlock()
				h.release()
				return
			}
			w := q.waiters.Remove(front).(*waiter)
			w.elem = nil
			q.held = h
			q.acquiring = false
			q.view.batchStart = time.Now()
			clearMarker := q.view.markerFor != ""
			q.view.markerFor = ""
			q.mu.Unlock()
			w.ready <- h
			if clearMarker {
				q.clearWaitingMarker()
			}
			return
		}
		q.sleep(retry)
	}
}

func backoff(failures int) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < failures && d < tuning().maxErrorBackoff; i++ {
		d *= 2
	}
	if d > tuning().maxErrorBackoff {
		d = tuning().maxErrorBackoff
	}
	return jitter(d)
}

// sleep waits d or until nudged.
func (q *queue) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-q.wake:
	}
}

// unlock ends h's hold: it hands the lease to the next local waiter when
// that is fair, and otherwise releases it in the store.
func (q *queue) unlock(h *holding) {
	q.mu.Lock()
	front := q.waiters.Front()
	if front != nil && !h.isLost() && q.mayKeepLocked(time.Now()) {
		w := q.waiters.Remove(front).(*waiter)
		w.elem = nil
		q.mu.Unlock()

		next, confirmed := h.handoff(w.cfg)
		if next != nil && !confirmed && (q.inst.get != nil || next.fence() > 0) {
			next.confirmFence()
		}
		if next != nil && next.isLost() {
			next.release()
			next = nil
		}
		if next != nil {
			q.mu.Lock()
			if confirmed {
				q.view.setFence(next.fence())
			}
			q.held = next
			q.mu.Unlock()
			w.ready <- next
			return
		}
		// The lease was lost (or its state is in doubt): the waiter goes back
		// to the head of the queue and acquires through the store.
		q.mu.Lock()
		w.elem = q.waiters.PushFront(w)
		front = w.elem
	}

	fair := front != nil && q.view.remoteWaitingLocked(time.Now())
	designated := q.view.releaseLocked(fair, q.inst.eventsSeen.Load())
	q.held = nil
	q.mu.Unlock()

	h.release()
	if designated != "" {
		q.announceRelease(h.fence(), designated)
	}

	q.mu.Lock()
	q.startAcquiringLocked()
	q.mu.Unlock()
}

// mayKeepLocked reports whether the lock may pass to another local goroutine
// without going through the store: always, unless another instance is known
// to wait and this instance has kept the lock for localBatch already.
func (q *queue) mayKeepLocked(now time.Time) bool {
	q.checkMarkerLocked(now)
	if !q.view.remoteWaitingLocked(now) {
		return true
	}
	return now.Sub(q.view.batchStart) < tuning().localBatch
}
