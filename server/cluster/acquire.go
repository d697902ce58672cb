package cluster

import (
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// attempt makes one cluster-wide acquisition attempt for the queue. It
// returns the new holding, or how long to wait before the next attempt.
//
// Waiting must not cost failing INSERTs (each is an ERROR line in the
// PostgreSQL log), so unless the lock is believed free it looks first with
// KVGet and inserts only when the lock is absent (or its lease lapsed, which
// the store shows as absent).
func (q *queue) attempt(cfg MutexConfig) (*holding, time.Duration, error) {
	q.mu.Lock()
	look := !q.view.optimistic && q.inst.get != nil
	readFence := look && !q.view.fenceKnown
	q.mu.Unlock()

	if look {
		// The first look also reads the fencing counter, in parallel, so
		// the insert that may follow can guess the next token.
		var fence chan error
		if readFence {
			fence = make(chan error, 1)
			go func() {
				c, err := q.readCounter()
				if err == nil {
					q.mu.Lock()
					q.view.setFence(c)
					q.mu.Unlock()
				}
				fence <- err
			}()
		}
		cur, appErr := q.inst.get.KVGet(q.key)
		if fence != nil {
			if err := <-fence; err != nil && err != errCorruptCounter && appErr == nil {
				return nil, 0, err
			}
		}
		if appErr != nil {
			return nil, 0, appErr
		}
		if cur != nil {
			if h := q.adoptPending(cfg, cur); h != nil {
				return h, 0, nil
			}
			return nil, q.observeHeld(cur), nil
		}
	}
	return q.insert(cfg)
}

// insert tries the atomic insert of a new lease. When the fencing counter's
// value is known it guesses the next token and advances the counter in
// parallel, so an uncontended Lock costs one round trip.
func (q *queue) insert(cfg MutexConfig) (*holding, time.Duration, error) {
	q.mu.Lock()
	fence, known := q.view.fence, q.view.fenceKnown
	q.mu.Unlock()
	if !known && q.inst.get != nil {
		c, err := q.readCounter()
		switch {
		case err == errCorruptCounter:
			// Go on unfenced; confirmFence reports it.
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
	}
	var counter chan fenceResult
	if known {
		rec.Fence = fence + 1
		counter = make(chan fenceResult, 1)
		go func() {
			ok, err := q.advanceCounter(fence, fence+1)
			counter <- fenceResult{ok, err}
		}()
	}
	value := rec.encode()
	q.mu.Lock()
	q.view.pendingNonce, q.view.pendingValue = rec.Nonce, value
	q.mu.Unlock()

	sent := time.Now()
	ok, appErr := q.inst.api.KVSetWithOptions(q.key, value, model.PluginKVSetOptions{
		Atomic:          true,
		OldValue:        nil,
		ExpireInSeconds: cfg.expireInSeconds(),
	})
	var fr fenceResult
	if counter != nil {
		fr = <-counter
	}

	q.mu.Lock()
	if fr.ok {
		q.view.setFence(rec.Fence)
	}
	if appErr != nil || !ok {
		q.view.optimistic = false
	}
	if appErr == nil {
		q.view.pendingNonce, q.view.pendingValue = "", nil
	}
	q.mu.Unlock()

	if appErr != nil {
		// The insert may have happened; the next attempt looks first and
		// adopts the lease if it finds pendingNonce stored.
		return nil, 0, appErr
	}
	if !ok {
		// A real race: someone else got in first. Look next time.
		return nil, 0, nil
	}

	h := newHolding(q, cfg, rec, value, sent)
	if counter == nil || !fr.ok {
		h.confirmFence()
	} else if time.Since(sent) > cfg.TTL-margin(cfg) {
		// The counter moved so late that the lease may have lapsed in
		// between; a token is only ours if the lease was held when the
		// counter reached it. A successful refresh proves that.
		h.refreshNow()
	}
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
	pending := q.view.pendingNonce
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
	// Its expiry is unknown by our clock: treat it as just written and
	// refresh it at once, which also proves we still hold it.
	h := newHolding(q, cfg, rec, cur, time.Now().Add(-cfg.TTL/2))
	h.refreshNow()
	if h.isLost() {
		h.release()
		return nil
	}
	h.confirmFence()
	if h.isLost() {
		h.release()
		return nil
	}
	return h
}

// observeHeld digests the lease another holder has stored and returns how
// long to wait before looking again. It also tells the holder that this
// instance waits.
func (q *queue) observeHeld(cur []byte) time.Duration {
	rec, err := decodeRecord(cur)
	now := time.Now()

	q.mu.Lock()
	q.view.optimistic = false
	if err == nil {
		q.view.learnFence(rec.Fence)
	}
	events := q.inst.pub != nil && q.inst.eventsSeen.Load()
	q.mu.Unlock()

	q.announceWaiting(rec.Nonce, now)

	wait := tuning().pollWithoutEvents
	if events {
		wait = tuning().pollWithEvents
	}
	// A lease that will lapse before the next poll is worth a look when it
	// does (its holder may have died).
	if err == nil {
		if untilLapse := rec.ExpiresAt.Sub(now) + 50*time.Millisecond; untilLapse > 0 && untilLapse < wait {
			return untilLapse
		}
	}
	return jitter(wait)
}

// dropPending deletes a lease whose insert reported an error, in case it
// happened anyway, so that a TryLock that failed leaves nothing behind. It
// is a compare-and-delete of our own bytes: it cannot touch anyone else's.
func (q *queue) dropPending() {
	q.mu.Lock()
	value := q.view.pendingValue
	q.view.pendingNonce, q.view.pendingValue = "", nil
	q.mu.Unlock()
	if value != nil {
		_, _ = q.inst.api.KVSetWithOptions(q.key, nil, model.PluginKVSetOptions{Atomic: true, OldValue: value})
	}
}
