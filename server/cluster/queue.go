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
//
// A queue lives while a Lock, TryLock or hold of its name is in progress
// (refs, guarded by the instance's mutex) and is dropped when idle, so a
// plugin that locks a million names keeps only the ones in use.
//
// Lock order: instance.mu, then queue.mu, then holding.mu, then
// holding.state. Nothing holds queue.mu across a KV call.
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

	refs int // guarded by inst.mu: calls and holds using this queue
}

// waiter is one goroutine blocked in Lock.
type waiter struct {
	cfg   MutexConfig
	ready chan *holding // receives the lease handed to this waiter
	elem  *list.Element // nil once handed the lease (or removed)
	gone  bool          // its context ended: a lease handed to it is unlocked at once
}

// deliverLocked hands h to w unless w has given up; the caller unlocks h
// then. Called with q.mu held, as is every change of w.gone.
func (q *queue) deliverLocked(w *waiter, h *holding) bool {
	if w.gone {
		return false
	}
	q.held = h
	w.ready <- h
	return true
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
	// Nothing is known yet (optimistic is false): the first attempt looks
	// (and reads the fencing counter) before it inserts, so an instance that
	// starts waiting for a held lock never spends a failing insert.
	return q
}

func (q *queue) nudge() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// lock blocks until this goroutine holds the lock cluster-wide or ctx ends.
// It returns as soon as ctx ends, even while a local handoff to it is in
// flight: the lease, if it arrives, is then passed on at once.
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
	defer q.mu.Unlock()
	select {
	case h := <-w.ready:
		return h, nil // it arrived as ctx ended: it is ours
	default:
	}
	w.gone = true
	if w.elem != nil {
		q.waiters.Remove(w.elem)
		w.elem = nil
		q.nudge() // the loop may have nobody left to acquire for
	}
	return nil, ctx.Err()
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

	h, _, err := q.attempt(cfg, false)
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
			q.mu.Unlock()
			q.gaveUp()
			q.inst.dropIfIdle(q)
			return
		}
		cfg := front.Value.(*waiter).cfg
		holdBack := time.Until(q.view.yieldUntil)
		q.mu.Unlock()

		if holdBack > 0 {
			q.sleep(holdBack)
			continue
		}

		h, retry, err := q.attempt(cfg, true)
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
				q.gaveUp()
				q.inst.dropIfIdle(q)
				return
			}
			w := q.waiters.Remove(front).(*waiter)
			w.elem = nil
			q.acquiring = false
			q.view.batchStart = time.Now()
			clearMarker := q.view.markerFor != ""
			q.view.markerFor, q.view.announced = "", false
			q.deliverLocked(w, h) // w is in the list, so it has not given up
			q.mu.Unlock()
			if clearMarker {
				q.clearWaitingMarker()
			}
			return
		}
		q.sleep(retry)
	}
}

// gaveUp undoes what waiting left behind once nobody waits here any more
// without having got the lock: a lease insert whose outcome is unknown, the
// waiting marker, and the holder's belief that this instance waits.
func (q *queue) gaveUp() {
	q.dropPending()
	q.mu.Lock()
	clearMarker := q.view.markerFor != ""
	announced := q.view.announced
	q.view.markerFor, q.view.announced = "", false
	q.mu.Unlock()
	if clearMarker {
		q.clearWaitingMarker()
	}
	if announced {
		q.publish(lockEvent{Kind: eventNotWaiting})
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
	for h != nil {
		h = q.unlockOnce(h)
	}
}

// unlockOnce is one step of unlock. It returns a holding to unlock next when
// the lease was handed to a waiter that gave up meanwhile.
func (q *queue) unlockOnce(h *holding) *holding {
	q.mu.Lock()
	front := q.waiters.Front()
	if front != nil && !h.isLost() && q.mayKeepLocked(time.Now()) {
		w := q.waiters.Remove(front).(*waiter)
		w.elem = nil
		q.mu.Unlock()

		next := h.handoff(w.cfg)
		if next != nil && next.isLost() {
			next.release()
			next = nil
		}
		q.mu.Lock()
		if next != nil {
			if q.deliverLocked(w, next) {
				q.mu.Unlock()
				return nil
			}
			// Its context ended during the handoff: pass the lease on.
			q.held = next
			q.mu.Unlock()
			return next
		}
		// The lease was lost (or its state is in doubt): the waiter goes back
		// to the head of the queue and acquires through the store.
		if !w.gone {
			w.elem = q.waiters.PushFront(w)
		}
		front = q.waiters.Front()
	}

	fair := front != nil && q.view.remoteWaitingLocked(time.Now())
	designated := q.view.releaseLocked(fair, q.inst.eventsSeen.Load())
	q.held = nil
	q.mu.Unlock()

	free := h.release()
	if designated != "" {
		q.announceRelease(h.counterFloor(), free, designated)
	}

	q.mu.Lock()
	if q.held == nil && !q.acquiring {
		// The next Lock here replaces the marker without looking.
		q.view.noteFree(free, time.Now())
	}
	q.startAcquiringLocked()
	q.mu.Unlock()
	return nil
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
