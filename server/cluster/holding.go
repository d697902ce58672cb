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
// a slow KV call. A third, claiming, serialises the token's claim with a
// handoff. Lock order: claiming, then mu, then state.
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

	// The fencing token is claimed on demand (claim): until then rec.Fence
	// is a guess, made from the counter value fenceFrom (if
	// fenceFromKnown). Both are set before the holding is shared; claiming
	// serialises claims and handoffs.
	fenceFrom      uint64
	fenceFromKnown bool
	claiming       sync.Mutex

	state      sync.Mutex
	rec        record
	validUntil time.Time   // by our clock: the last confirmed write's send time + TTL - margin
	deadline   *time.Timer // closes lost at validUntil unless a refresh moved it
	lost       chan struct{}
	lostClosed bool
	// lostByDeadline: lost because validUntil passed (tests read it).
	lostByDeadline bool
	claimed        bool // the token is final (see claim)
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

// lease is the lease as held, with its final fencing token (claimed now
// if it was not yet).
func (h *holding) lease() Lease {
	h.claim()
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
// single round trip: the lease is replaced (new nonce, new acquired-at) by
// compare-and-set. Its token guess is the next one when ours was claimed,
// and ours again when it was not (nobody used it). It returns nil if the
// lease was lost or the outcome is unknown; the caller then goes through the
// store.
func (h *holding) handoff(cfg MutexConfig) *holding {
	h.claiming.Lock() // a claim in flight decides the next guess
	defer h.claiming.Unlock()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done || h.gone || h.isLost() {
		return nil
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
		Fence:      prev.Fence,
	}
	from, fromKnown := h.fenceFrom, h.fenceFromKnown
	if h.isClaimed() && prev.Fence > 0 {
		from, fromKnown = prev.Fence, true
		rec.Fence = nextToken(prev.Fence)
	}
	value := rec.encode()
	ok, err := h.casLocked(value, leaseStoreSeconds)
	if err != nil || !ok {
		if err == nil {
			h.gone = true
			h.markLost("lease gone at handoff")
		} else {
			// Resume refreshing: release() will clean up the value in doubt.
			h.scheduleLocked(h.cfg.RefreshInterval)
		}
		return nil
	}
	h.done = true
	h.ended() // the old holder unlocked; its lease has ended
	nh := newHolding(h.q, cfg, rec, value, now)
	nh.fenceFrom, nh.fenceFromKnown = from, fromKnown
	return nh
}

// claim makes the lease's fencing token final, once, when the holder asks
// for it (Lease): a plain Lock+Unlock never pays for a token. The fast path
// moves the counter from the value the guess was made from to the guess,
// one round trip; if the counter moved meanwhile (another holder claimed),
// or the guess was made without knowing it, confirmFence takes the next
// token and rewrites the lease. A token is only ours if the lease was held
// when the counter reached it: a lease near its deadline by then is proved
// still ours by a refresh.
func (h *holding) claim() {
	h.claiming.Lock()
	defer h.claiming.Unlock()
	if h.isClaimed() {
		return
	}
	defer func() {
		h.state.Lock()
		h.claimed = true
		h.state.Unlock()
	}()
	if h.isLost() {
		// A token reached after the lease ended would not be ours; the
		// guess may be the next holder's. Report none.
		h.unfence()
		return
	}
	rec := h.record()
	if rec.Fence > 0 && h.fenceFromKnown && h.hasTimeFor(0) {
		if ok, _ := advanceCounter(h.q.inst.kv, h.q.fkey, h.fenceFrom, rec.Fence); ok {
			h.q.mu.Lock()
			h.q.view.setFence(rec.Fence)
			h.q.mu.Unlock()
			if !h.hasTimeFor(0) {
				h.refreshNow()
			}
			return
		}
	}
	h.confirmFence()
}

// unfence makes the lease report token 0: unfenced.
func (h *holding) unfence() {
	h.state.Lock()
	h.rec.Fence = 0
	h.state.Unlock()
}

func (h *holding) isClaimed() bool {
	h.state.Lock()
	defer h.state.Unlock()
	return h.claimed
}

// counterFloor is a value the fencing counter has reached, as far as this
// lease tells: its token once claimed, else the value its guess was made
// from (0: nothing known).
func (h *holding) counterFloor() uint64 {
	rec := h.record()
	switch {
	case h.isClaimed():
		return rec.Fence
	case h.fenceFromKnown:
		return h.fenceFrom
	}
	return 0
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
		h.unfence() // a lease no longer held has no token
		return
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
			h.unfence()
			return
		}
		if failures >= maxTokenTries || !h.hasTimeFor(backoff(failures+1)) {
			// The store may still show the guessed token; report none,
			// the only value certain not to overstate it.
			h.unfence()
			return
		}
		time.Sleep(backoff(failures + 1))
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

// release replaces the lease by a free marker (or, for an API without
// KVGet, which could not read markers, deletes it), by compare-and-set
// against the exact stored bytes, so it can only ever end our own lease. It
// returns the marker when it was stored. It is skipped only when a compare
// already proved the lease gone: a lease reported lost because it could not
// be refreshed in time may still be stored, and ending it lets the next
// holder in at once instead of after the TTL. An error leaves the lease to
// lapse; one retry is made.
func (h *holding) release() (free []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done {
		return nil
	}
	h.done = true
	if h.refresh != nil {
		h.refresh.Stop()
	}
	defer h.ended()
	if h.gone {
		return nil
	}
	var expire int64
	if h.q.inst.kv.canRead() {
		free = freeMarker(h.q.name, h.q.inst.nodeNow(), h.counterFloor(), time.Now()).encode()
		expire = freeMarkerSeconds
	}
	ok, err := h.casLocked(free, expire)
	if err != nil {
		h.q.inst.api.LogError("cluster: failed to release lock, retrying once", "lock", h.q.name, "err", err.Error())
		if ok, err = h.casLocked(free, expire); err != nil {
			h.q.inst.api.LogError("cluster: failed to release lock; it will lapse", "lock", h.q.name, "err", err.Error(), "ttl", h.cfg.TTL.String())
		}
	}
	if !ok {
		return nil
	}
	return free
}
