package cluster

import (
	"bytes"
	"time"
)

// attempt makes one cluster-wide acquisition attempt for the queue. It
// returns the new holding, or how long to wait before the next attempt.
// waiting says the caller will wait (Lock), so the holder may be told;
// TryLock does not wait and must leave no trace.
//
// Waiting must not cost failing INSERTs (each is an ERROR line in the
// PostgreSQL log), so unless the lock is believed free it looks first with
// KVGet and inserts only when the lock is absent. A free marker (left by a
// release) is replaced by compare-and-set from its exact bytes: when this
// instance already knows them, without looking. A present lease is taken
// over only by compare-and-set from the exact bytes that were seen unchanged
// for the holder's whole TTL (see observeHeld).
func (q *queue) attempt(cfg MutexConfig, waiting bool) (*holding, time.Duration, error) {
	q.mu.Lock()
	free := q.view.freeLocked(time.Now())
	q.mu.Unlock()
	if free != nil {
		// A free marker we know of: one compare-and-set. If it fails the
		// marker is gone (taken, or expired and the key empty): look.
		if h, wait, err := q.insert(cfg, free); h != nil || err != nil {
			return h, wait, err
		}
	}

	q.mu.Lock()
	look := !q.view.optimistic && q.inst.kv.canRead()
	readFence := look && !q.view.fenceKnown
	q.mu.Unlock()
	if !look {
		return q.insert(cfg, nil)
	}
	// The first look also reads the fencing counter, in parallel, so the
	// insert that may follow can guess the next token.
	var fence chan error
	if readFence {
		fence = make(chan error, 1)
		go func() {
			c, err := readCounter(q.inst.kv, q.fkey)
			if err == nil {
				q.mu.Lock()
				q.view.setFence(c)
				q.mu.Unlock()
			}
			fence <- err
		}()
	}
	cur, err := q.inst.kv.read(q.key)
	if fence != nil {
		if ferr := <-fence; ferr != nil && ferr != errCorruptCounter && err == nil {
			return nil, 0, ferr
		}
	}
	if err != nil {
		return nil, 0, err
	}
	if cur == nil {
		q.forgetObserved()
		return q.insert(cfg, nil)
	}
	if h := q.adoptPending(cfg, cur); h != nil {
		return h, 0, nil
	}
	if rec, ok := isFreeMarker(cur); ok {
		q.mu.Lock()
		q.view.learnFence(rec.Fence)
		q.mu.Unlock()
		q.forgetObserved()
		return q.insert(cfg, cur)
	}
	wait, takeOver := q.observeHeld(cur, waiting)
	if takeOver {
		return q.insert(cfg, cur)
	}
	return nil, wait, nil
}

// insert tries to store a new lease: an atomic insert when old is nil,
// otherwise a compare-and-set from old (a free marker, or a lease seen
// dead).
// When the fencing counter's value is known it stores its guess of the next
// token in the lease and advances the counter once the lease is held.
func (q *queue) insert(cfg MutexConfig, old []byte) (*holding, time.Duration, error) {
	q.mu.Lock()
	fence, known := q.view.fence, q.view.fenceKnown
	q.mu.Unlock()
	if !known && q.inst.kv.canRead() {
		c, err := readCounter(q.inst.kv, q.fkey)
		switch {
		case err == errCorruptCounter:
			// Go on unfenced; a claim reports it.
		case err != nil:
			return nil, 0, err
		default:
			fence, known = c, true
			q.mu.Lock()
			q.view.setFence(c)
			q.mu.Unlock()
		}
	}

	now := time.Now()
	rec := record{
		Nonce:      randomID(12),
		Name:       q.name,
		Node:       q.inst.nodeNow(),
		AcquiredAt: now,
		ExpiresAt:  now.Add(cfg.TTL),
		TTLMillis:  cfg.TTL.Milliseconds(),
	}
	if known {
		rec.Fence = nextToken(fence)
	}
	value := rec.encode()
	// The lease is valid from before the write took effect.
	sent := time.Now()
	q.mu.Lock()
	q.view.pendingNonce, q.view.pendingValue, q.view.pendingSent = rec.Nonce, value, sent
	q.mu.Unlock()
	ok, err := q.inst.kv.cas(q.key, old, value, leaseStoreSeconds)

	q.mu.Lock()
	q.view.optimistic, q.view.free = false, nil
	if err == nil {
		q.view.pendingNonce, q.view.pendingValue = "", nil
	}
	q.mu.Unlock()

	if err != nil {
		// The write may have happened; the next attempt looks first and
		// adopts the lease if it finds pendingNonce stored, and a waiter
		// that gives up deletes it (dropPending).
		return nil, 0, err
	}
	if !ok {
		// A real race (or a lagging read, or a free marker that expired):
		// someone else got in first, or the next attempt looks again.
		return nil, 0, nil
	}
	q.forgetObserved()

	// The lease carries a guess of its fencing token; the counter moves to
	// it only if the holder asks for the token (claim), so a plain
	// Lock+Unlock costs no write for it.
	h := newHolding(q, cfg, rec, value, sent)
	h.fenceFrom, h.fenceFromKnown = fence, known
	if h.isLost() {
		h.release()
		return nil, 0, nil
	}
	return h, 0, nil
}

// adoptPending recognises a lease this instance inserted by a call that
// reported an error but did happen.
func (q *queue) adoptPending(cfg MutexConfig, cur []byte) *holding {
	q.mu.Lock()
	pending, sent := q.view.pendingNonce, q.view.pendingSent
	q.mu.Unlock()
	if pending == "" {
		return nil
	}
	rec, err := decodeRecord(cur)
	if err != nil || rec.Nonce != pending {
		return nil
	}
	q.mu.Lock()
	q.view.pendingNonce, q.view.pendingValue = "", nil
	q.mu.Unlock()
	// When the write took effect is unknown, but not before it was sent:
	// other instances began watching these bytes after that, so the lease
	// is ours until a TTL (less the margin) from the send, however long ago
	// that was, and no longer. A refresh at once extends it, and proves we
	// still hold it.
	// The counter value its token was guessed from is not known: a claim
	// takes the slow path.
	h := newHolding(q, cfg, rec, cur, sent)
	h.refreshNow()
	if h.isLost() {
		h.release()
		return nil
	}
	return h
}

// observeHeld digests the lease another holder has stored and returns how
// long to wait before looking again, or takeOver when the lease is dead.
//
// Dead is judged without trusting any other node's clock: a live holder
// changes its lease's bytes at every refresh (record.Seq), at least once
// per TTL less its margin by its own clock. This instance remembers when it
// first read the bytes it sees now, by its own monotonic clock; the write
// that stored them happened before that read returned. Once the same bytes
// have been seen for the holder's whole TTL, the holder's own deadline
// (its last successful write's send time + TTL - margin) has passed, and
// the lease may be replaced by compare-and-set from exactly those bytes. The
// compare runs on the master: if the read lagged on a replica and the holder
// did refresh, it fails and nothing happened.
//
// A value without a TTL (the widely used implementation's 0x01, or a lease
// of an earlier version of this package) cannot be seen alive, so it is
// never taken over: only the store's expiry frees it.
func (q *queue) observeHeld(cur []byte, waiting bool) (wait time.Duration, takeOver bool) {
	rec, err := decodeRecord(cur)
	now := time.Now()

	q.mu.Lock()
	q.view.optimistic, q.view.free = false, nil
	if err == nil {
		// Its token may be only a guess its holder never claims; taking it
		// as claimed costs a wrong guess (the slow path of a claim) only
		// then, while holders that read their tokens hand on a right one.
		q.view.learnFence(rec.Fence)
	}
	if !bytes.Equal(q.view.observed, cur) {
		q.view.observed, q.view.observedAt = cur, now
	}
	seen := now.Sub(q.view.observedAt)
	events := q.inst.pub != nil && q.inst.eventsSeen.Load()
	// Without events, a waiter learns of a release only by looking. A
	// holder's instance that hands the lock between its own goroutines
	// (same node, new nonce) will give way within a local batch of learning
	// that we wait: look often until then, so the lock does not sit idle
	// for most of a poll period at every hand-over between instances.
	if err == nil && !events && waiting {
		if rec.Node.ID == q.view.holderNode && rec.Nonce != q.view.holderSeen {
			q.view.watchUntil = now.Add(tuning().handoverWatch)
		}
		q.view.holderNode, q.view.holderSeen = rec.Node.ID, rec.Nonce
	}
	watching := now.Before(q.view.watchUntil)
	q.mu.Unlock()

	ttl := time.Duration(0)
	if err == nil {
		ttl = rec.ttl()
	}
	if ttl > 0 && seen >= ttl {
		return 0, true
	}
	if waiting {
		q.announceWaiting(rec.Nonce, now)
	}

	wait = tuning().pollWithoutEvents
	switch {
	case events:
		wait = tuning().pollWithEvents
	case watching:
		wait = tuning().pollHandover
	}
	// Look again when the lease could be taken over (its holder may have
	// died), if that comes before the next poll.
	if ttl > 0 {
		if until := ttl - seen + time.Millisecond; until < wait {
			return until, false
		}
	}
	return jitter(wait), false
}

// forgetObserved drops the remembered lease bytes once they are gone.
func (q *queue) forgetObserved() {
	q.mu.Lock()
	q.view.observed = nil
	q.mu.Unlock()
}

// dropPending deletes a lease whose insert reported an error, in case it
// happened anyway, so that an attempt that failed leaves nothing behind. It
// is a compare-and-delete of our own bytes: it cannot touch anyone else's.
func (q *queue) dropPending() {
	q.mu.Lock()
	value := q.view.pendingValue
	q.view.pendingNonce, q.view.pendingValue = "", nil
	q.mu.Unlock()
	if value != nil {
		_, _ = q.inst.kv.cad(q.key, value)
	}
}
