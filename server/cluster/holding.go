package cluster

import (
	"bytes"
	"errors"
	"sync"
	"time"
)

// holding is one lease held by this instance: the exact bytes stored for
// it, the timer that refreshes it, and the channel closed when it is lost.
//
// Two locks: mu serialises every write of the lease (refresh, handoff,
// release), so they never race each other, and is held across KV calls;
// state guards what readers and the lost signal need, so neither waits for
// a slow KV call. Lock order: mu before state.
type holding struct {
	q   *queue
	cfg MutexConfig

	mu     sync.Mutex
	stored []byte
	// inDoubt are values that may be stored instead of stored, after a write
	// whose reply was an error (it may or may not have happened).
	inDoubt [][]byte
	refresh *time.Timer
	done    bool // released or handed off; no more writes
	gone    bool // a compare-and-set proved the lease is no longer ours

	// settled, when not nil, is closed once the fencing token is final
	// (see settleFence). It is set before the holding is shared.
	settled chan struct{}

	state      sync.Mutex
	rec        record
	validUntil time.Time   // by our clock: the last confirmed write's send time + TTL - margin
	deadline   *time.Timer // closes lost at validUntil unless a refresh moved it
	lost       chan struct{}
	lostClosed bool
	// lostByDeadline: lost because validUntil passed (tests read it).
	lostByDeadline bool
}

func newHolding(q *queue, cfg MutexConfig, rec record, stored []byte, sentAt time.Time) *holding {
	h := &holding{
		q:          q,
		cfg:        cfg,
		rec:        rec,
		stored:     stored,
		validUntil: sentAt.Add(cfg.TTL - margin(cfg)),
		lost:       make(chan struct{}),
	}
	h.state.Lock()
	h.deadline = time.AfterFunc(time.Until(h.validUntil), h.checkDeadline)
	h.state.Unlock()
	h.mu.Lock()
	h.scheduleLocked(cfg.RefreshInterval)
	h.mu.Unlock()
	return h
}

// margin is how much earlier than a waiting instance may take the lease
// over its holder gives it up: the allowance for clock rates and timer
// slack, at most a quarter TTL.
func margin(cfg MutexConfig) time.Duration {
	if m := cfg.TTL / 4; m < tuning().rateMargin {
		return m
	}
	return tuning().rateMargin
}

func (h *holding) scheduleLocked(d time.Duration) {
	if h.refresh != nil {
		h.refresh.Stop()
	}
	h.refresh = time.AfterFunc(d, h.refreshNow)
}

// checkDeadline runs when the lease would lapse (less the margin) unless
// refreshed. It signals the loss without waiting for any KV call in flight:
// a store that hangs must not keep a holder believing it holds the lock.
func (h *holding) checkDeadline() {
	h.state.Lock()
	if h.lostClosed {
		h.state.Unlock()
		return
	}
	if left := time.Until(h.validUntil); left > 0 {
		h.deadline.Reset(left)
		h.state.Unlock()
		return
	}
	h.lostClosed, h.lostByDeadline = true, true
	close(h.lost)
	h.state.Unlock()
	h.q.inst.api.LogError("cluster: lock lease lost", "lock", h.q.name, "reason", "not refreshed before it would lapse")
}

// confirmed records a successful write of rec sent at sent: the lease is
// valid for another TTL (less the margin) from then.
func (h *holding) confirmed(rec record, sent time.Time) {
	h.state.Lock()
	defer h.state.Unlock()
	h.rec = rec
	if until := sent.Add(h.cfg.TTL - margin(h.cfg)); until.After(h.validUntil) {
		h.validUntil = until
	}
}

// markLost closes the lost channel once. The holder still has to Unlock.
func (h *holding) markLost(why string) {
	h.state.Lock()
	if h.lostClosed {
		h.state.Unlock()
		return
	}
	// Past its deadline the lease ended there, whatever was found since
	// (a timer delayed by a pause may not have said so yet).
	h.noteDeadlineLocked()
	if !h.lostClosed {
		h.lostClosed = true
		close(h.lost)
	}
	h.deadline.Stop()
	h.state.Unlock()
	h.q.inst.api.LogError("cluster: lock lease lost", "lock", h.q.name, "reason", why)
}

// ended closes the lost channel quietly: the holder let go of the lease.
func (h *holding) ended() {
	h.state.Lock()
	defer h.state.Unlock()
	h.deadline.Stop()
	h.noteDeadlineLocked() // a lease released after its deadline ended there
	if !h.lostClosed {
		h.lostClosed = true
		close(h.lost)
	}
}

// isLost is the synchronous "still mine?" check: the deadline timer may not
// have fired yet after a process pause, so it compares the clock with
// validUntil itself.
func (h *holding) isLost() bool {
	h.state.Lock()
	defer h.state.Unlock()
	h.noteDeadlineLocked()
	return h.lostClosed
}

// noteDeadlineLocked closes lost when validUntil has passed, without
// waiting for the deadline timer, which a pause may have delayed: every
// reader of the lease's state then agrees that it ended at its deadline.
// Called with h.state held.
func (h *holding) noteDeadlineLocked() {
	if !h.lostClosed && !time.Now().Before(h.validUntil) {
		h.lostClosed, h.lostByDeadline = true, true
		close(h.lost)
	}
}

func (h *holding) fence() uint64 {
	h.state.Lock()
	defer h.state.Unlock()
	return h.rec.Fence
}

// lease is the lease as held, with its final fencing token: it waits for
// the counter to settle if that is still in flight.
func (h *holding) lease() Lease {
	h.waitSettled()
	h.state.Lock()
	defer h.state.Unlock()
	return h.rec.lease()
}

func (h *holding) record() record {
	h.state.Lock()
	defer h.state.Unlock()
	return h.rec
}

// casLocked replaces the stored lease with next (nil deletes it). It
// compares against the exact bytes we stored; after an earlier ambiguous
// write it also tries the values that may be stored instead.
func (h *holding) casLocked(next []byte, expireInSeconds int64) (bool, error) {
	olds := h.candidatesLocked()
	for _, old := range olds {
		var ok bool
		var err error
		if next == nil {
			ok, err = h.q.inst.kv.cad(h.q.key, old)
		} else {
			ok, err = h.q.inst.kv.cas(h.q.key, old, next, expireInSeconds)
		}
		if err != nil {
			if next != nil {
				h.inDoubt = append(h.inDoubt, next)
			}
			return false, err
		}
		if ok {
			h.stored, h.inDoubt = next, nil
			return true, nil
		}
	}
	return false, nil
}

// candidatesLocked lists the values our lease may be stored as. With KVGet
// and values in doubt it reads the store instead of spending a failing CAS
// on each.
func (h *holding) candidatesLocked() [][]byte {
	if len(h.inDoubt) == 0 {
		return [][]byte{h.stored}
	}
	if h.q.inst.kv.canRead() {
		if cur, err := h.q.inst.kv.read(h.q.key); err == nil {
			for _, c := range append([][]byte{h.stored}, h.inDoubt...) {
				if bytes.Equal(c, cur) {
					return [][]byte{c}
				}
			}
			return nil // neither: the lease is gone
		}
	}
	return append([][]byte{h.stored}, h.inDoubt...)
}

// refreshNow runs on the refresh timer: it moves the lease's expiry forward
// by a compare-and-set against the exact stored bytes.
func (h *holding) refreshNow() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done || h.gone || h.isLost() {
		return
	}
	rec := h.record()
	rec.ExpiresAt = time.Now().Add(h.cfg.TTL)
	rec.Seq++ // new bytes: waiters see the holder is alive
	next := rec.encode()
	sent := time.Now()
	ok, err := h.casLocked(next, leaseStoreSeconds)
	switch {
	case err != nil:
		h.q.inst.api.LogError("cluster: failed to refresh lock lease, will retry", "lock", h.q.name, "err", err.Error())
		h.state.Lock()
		retry := time.Until(h.validUntil) / 4
		h.state.Unlock()
		if retry < 50*time.Millisecond {
			retry = 50 * time.Millisecond
		}
		h.scheduleLocked(retry)
	case !ok:
		h.gone = true
		h.markLost("lease gone or replaced")
	default:
		h.confirmed(rec, sent)
		h.scheduleLocked(h.cfg.RefreshInterval)
	}
}

// handoff turns this lease into a new one for the next local goroutine in a
// single round trip: the lease is replaced (new nonce, new acquired-at, next
// fencing token) by compare-and-set while, in parallel, the fencing counter
// is advanced. Both writes are ours to make: we hold the lease, and only a
// lease holder advances the counter past a confirmed token. It returns nil
// if the lease was lost or the outcome is unknown; the caller then goes
// through the store. confirmed reports whether the counter moved as
// guessed; if not, the caller must run confirmFence on the new holding.
func (h *holding) handoff(cfg MutexConfig) (next *holding, confirmed bool) {
	h.waitSettled() // the next token is counted from ours
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done || h.gone || h.isLost() {
		return nil, false
	}
	h.refresh.Stop()
	prev := h.record()

	now := time.Now()
	rec := record{
		Nonce:      randomID(12),
		Name:       prev.Name,
		Node:       h.q.inst.nodeNow(),
		AcquiredAt: now,
		ExpiresAt:  now.Add(cfg.TTL),
		TTLMillis:  cfg.TTL.Milliseconds(),
	}
	var counter chan fenceResult
	if prev.Fence > 0 {
		rec.Fence = nextToken(prev.Fence)
		counter = make(chan fenceResult, 1)
		from, to := prev.Fence, rec.Fence
		go func() {
			ok, err := advanceCounter(h.q.inst.kv, h.q.fkey, from, to)
			counter <- fenceResult{ok, err}
		}()
	}
	value := rec.encode()
	ok, err := h.casLocked(value, leaseStoreSeconds)
	var fr fenceResult
	if counter != nil {
		fr = <-counter
	}
	if err != nil || !ok {
		if err == nil {
			h.gone = true
			h.markLost("lease gone at handoff")
		} else {
			// Resume refreshing: release() will clean up the value in doubt.
			h.scheduleLocked(h.cfg.RefreshInterval)
		}
		return nil, false
	}
	h.done = true
	h.ended() // the old holder unlocked; its lease has ended
	nh := newHolding(h.q, cfg, rec, value, now)
	if time.Since(now) > cfg.TTL-margin(cfg) {
		// As in insert: a token is only ours if the lease was valid when the
		// counter reached it; after a stall, a refresh proves it.
		go nh.refreshNow()
	}
	return nh, counter != nil && fr.ok
}

type fenceResult struct {
	ok  bool
	err error
}

// confirmFence is the slow path of the fencing token: claim a token from the
// counter, then rewrite the lease to carry it. KV errors are retried while
// the lease lasts (a token is worth a few round trips: an unfenced holder
// cannot protect its writes). If the counter cannot be read at all (no
// KVGet, a corrupt counter, the lease's deadline near) the lease carries
// token 0: "unfenced".
func (h *holding) confirmFence() {
	h.mu.Lock()
	ended := h.done || h.gone
	h.mu.Unlock()
	if ended {
		return // a lease no longer held needs no token
	}
	token, err := h.claimToken()
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		if err != errNoKVGet {
			h.q.inst.api.LogError("cluster: could not take a fencing token", "lock", h.q.name, "err", err.Error())
		}
		token = 0
	}
	rec := h.record()
	if token == rec.Fence {
		return
	}
	rec.Fence = token
	next := rec.encode()
	for failures := 0; !h.done && !h.gone; failures++ {
		sent := time.Now()
		ok, casErr := h.casLocked(next, leaseStoreSeconds)
		switch {
		case casErr == nil && ok:
			h.confirmed(rec, sent)
			return
		case casErr == nil:
			h.gone = true
			h.markLost("lease gone while taking a fencing token")
			return
		}
		if failures >= maxTokenTries || !h.hasTimeFor(backoff(failures+1)) {
			// The store may still show the guessed token; report none,
			// the only value certain not to overstate it.
			h.state.Lock()
			h.rec.Fence = 0
			h.state.Unlock()
			return
		}
		time.Sleep(backoff(failures + 1))
	}
}

// settleFence moves the fencing counter from `from` to the token guessed in
// the lease, in the background: Lock returns once the lease is stored, and
// the counter's round trip overlaps the caller's critical section instead
// of adding to it. Whoever needs the token final waits for h.settled:
// Lease (so a holder never sees a token the counter has not reached while
// it held the lease), a local handoff (the next token is counted from this
// one) and this instance's next insert of the name (its guess starts from
// the counter). Release does not wait: a token nobody read protects nothing,
// and another instance that took the lock meanwhile with the same guess
// loses the counter's compare-and-set to it, or wins it, and either way
// ends with a token of its own (confirmFence).
func (h *holding) settleFence(from uint64, sent time.Time) {
	q := h.q
	to := h.fence()
	h.settled = make(chan struct{})
	q.inst.use(q.name) // keep the queue, and what it learns of the counter
	q.mu.Lock()
	q.settling = h.settled
	q.mu.Unlock()
	go func() {
		defer q.inst.put(q)
		defer func() {
			q.mu.Lock()
			if q.settling == h.settled {
				q.settling = nil
			}
			q.mu.Unlock()
			close(h.settled)
		}()
		if ok, _ := advanceCounter(q.inst.kv, q.fkey, from, to); !ok {
			h.confirmFence()
			return
		}
		q.mu.Lock()
		q.view.setFence(to)
		q.mu.Unlock()
		if time.Since(sent) > h.cfg.TTL-margin(h.cfg) {
			// The counter moved so late that the lease may have lapsed in
			// between; a token is only ours if the lease was held when the
			// counter reached it. A successful refresh proves that.
			h.refreshNow()
		}
	}()
}

func (h *holding) waitSettled() {
	if h.settled != nil {
		<-h.settled
	}
}

// maxTokenTries bounds the KV calls spent on one token; with independent
// failures of probability p, all of them fail with p^maxTokenTries.
const maxTokenTries = 8

// hasTimeFor reports whether the lease stays valid for d more (and a
// margin), so a retry can still finish before it lapses.
func (h *holding) hasTimeFor(d time.Duration) bool {
	h.state.Lock()
	defer h.state.Unlock()
	return !h.lostClosed && time.Until(h.validUntil) > d+margin(h.cfg)
}

// claimToken takes the next token by reading the counter and advancing it,
// retrying when another instance advances it in between or a KV call fails,
// for as long as the lease leaves time.
func (h *holding) claimToken() (uint64, error) {
	q := h.q
	if !q.inst.kv.canRead() {
		return 0, errNoKVGet
	}
	var lastErr error
	for try := 1; try <= maxTokenTries; try++ {
		if try > 1 {
			d := backoff(try)
			if lastErr == nil {
				d = 0 // lost a race: try again at once
			}
			if !h.hasTimeFor(d) {
				break
			}
			time.Sleep(d)
		}
		c, err := readCounter(q.inst.kv, q.fkey)
		if err == errCorruptCounter {
			return 0, err
		}
		if err != nil {
			lastErr = err
			continue
		}
		next := nextToken(c)
		ok, err := advanceCounter(q.inst.kv, q.fkey, c, next)
		if err != nil {
			// It may have happened: the next read shows it, and the token
			// after it is ours to take.
			lastErr = err
			continue
		}
		lastErr = nil
		if ok {
			q.mu.Lock()
			q.view.setFence(next)
			q.mu.Unlock()
			return next, nil
		}
	}
	if lastErr == nil {
		lastErr = errors.New("fencing counter kept moving")
	}
	return 0, lastErr
}

// release deletes the lease by compare-and-delete against the exact stored
// bytes, so it can only ever delete our own lease. It is skipped only when a
// compare already proved the lease gone: a lease reported lost because it
// could not be refreshed in time may still be stored, and deleting it lets
// the next holder in at once instead of after the TTL. An error leaves the
// lease to lapse; one retry is made.
func (h *holding) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		return
	}
	h.done = true
	if h.refresh != nil {
		h.refresh.Stop()
	}
	defer h.ended()
	if h.gone {
		return
	}
	if _, err := h.casLocked(nil, 0); err != nil {
		h.q.inst.api.LogError("cluster: failed to release lock, retrying once", "lock", h.q.name, "err", err.Error())
		if _, err := h.casLocked(nil, 0); err != nil {
			h.q.inst.api.LogError("cluster: failed to release lock; it will lapse", "lock", h.q.name, "err", err.Error(), "ttl", h.cfg.TTL.String())
		}
	}
}
