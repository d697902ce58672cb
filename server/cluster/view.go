package cluster

import "time"

// clusterView is what one instance believes about one lock in the store.
// Beliefs only steer cost (whether to look before inserting, when to poll,
// whether to keep handing off locally); safety never rests on them, because
// every write is a compare-and-set the store decides.
type clusterView struct {
	// optimistic: the lock is believed free, so the next attempt inserts
	// without looking first. Set only by another instance's release event;
	// cleared by any sign of another holder. Never after this instance's
	// own release: another instance may have taken the lock since, and a
	// failed insert is an ERROR line in the PostgreSQL log.
	optimistic bool

	// remembered outlives the queue: recentNames keeps it for the name's
	// next Lock.
	remembered

	// observed is the other holder's lease as last read, and observedAt when
	// this instance first read those exact bytes, by its own clock.
	observed   []byte
	observedAt time.Time
	// holderNode and holderSeen are the node and nonce of the other
	// holder's lease as last seen; watchUntil is when this instance stops
	// looking often for the hand-over (see observeHeld).
	holderNode, holderSeen string
	watchUntil             time.Time

	// remoteWaiters are other instances known to wait for the lock, by node
	// id, from "waiting" events or the waiting marker.
	remoteWaiters map[string]remoteWaiter

	batchStart    time.Time // this instance took the lease from the store
	yieldUntil    time.Time // local waiters hold back until then
	lastRelease   time.Time
	holderNonce   string    // the other holder's lease we last announced waiting for
	lastAnnounce  time.Time // last "waiting" event sent
	markerFor     string    // the holder's lease nonce our waiting marker was written for; "" if none
	markerChecked time.Time // last read of the waiting marker
	markerReading bool
	announced     bool // a "waiting" event was sent since this instance last got the lock

	// pendingNonce is the nonce of an insert whose outcome is unknown (the
	// call failed); finding it stored later means the insert did happen.
	pendingNonce string
	pendingValue []byte
	pendingSent  time.Time // when that insert was sent
}

// remembered is what an instance keeps of a lock name between its uses
// (recentNames): what lets the next Lock skip round trips.
type remembered struct {
	// fence is the fencing counter as last seen or set; fenceKnown says
	// whether there is a value at all.
	fence      uint64
	fenceKnown bool
	// free is a free marker (see freeMarker) believed stored until
	// freeUntil by this instance's clock: left by its own release or named
	// by another instance's release event. The next attempt replaces it by
	// compare-and-set without looking; if the compare fails (someone took
	// the lock, or the marker expired) nothing happened and it looks.
	free      []byte
	freeUntil time.Time
}

// noteFree records the free marker stored at about now.
func (v *remembered) noteFree(marker []byte, now time.Time) {
	if marker == nil {
		return
	}
	v.free, v.freeUntil = marker, now.Add(freeMarkerSeconds*time.Second)
}

// dropLapsedFree forgets the free marker once the store has expired it.
func (v *remembered) dropLapsedFree(now time.Time) {
	if v.free != nil && !now.Before(v.freeUntil) {
		v.free = nil
	}
}

// freeLocked returns the free marker believed stored now, if any.
func (v *remembered) freeLocked(now time.Time) []byte {
	v.dropLapsedFree(now)
	return v.free
}

type remoteWaiter struct {
	since, until time.Time
}

// noteRemoteWaiter records that node waits, until the given time.
func (v *clusterView) noteRemoteWaiter(node string, now, until time.Time) {
	w, ok := v.remoteWaiters[node]
	if !ok || now.After(w.until) {
		w.since = now
	}
	w.until = until
	v.remoteWaiters[node] = w
}

func (v *clusterView) remoteWaitingLocked(now time.Time) bool {
	for node, w := range v.remoteWaiters {
		if now.Before(w.until) {
			return true
		}
		delete(v.remoteWaiters, node)
	}
	return false
}

// releaseLocked updates the view for a release to the store and returns the
// instance that should take the lock next (the longest-waiting one), if any.
// fair says local goroutines still wait but give way to another instance.
func (v *clusterView) releaseLocked(fair, events bool) (designated string) {
	now := time.Now()
	var oldest time.Time
	for node, w := range v.remoteWaiters {
		if !now.Before(w.until) {
			delete(v.remoteWaiters, node)
			continue
		}
		if designated == "" || w.since.Before(oldest) {
			designated, oldest = node, w.since
		}
	}
	if designated != "" {
		// It will take the lock; if it waits again it will say so again.
		delete(v.remoteWaiters, designated)
	}
	v.lastRelease = now
	v.optimistic, v.free = false, nil
	if fair {
		if events {
			v.yieldUntil = now.Add(tuning().yieldWithEvents)
		} else {
			v.yieldUntil = now.Add(tuning().yieldWithoutEvents)
		}
	}
	return designated
}

// learnFence raises the cached fencing counter to f. The cache only ever
// steers the guess the next acquisition makes; the counter's CAS decides.
func (v *remembered) learnFence(f uint64) {
	if f == 0 {
		return
	}
	if !v.fenceKnown || f > v.fence {
		v.fence, v.fenceKnown = f, true
	}
}

// setFence records an authoritative counter value (read, or set by our CAS).
func (v *remembered) setFence(f uint64) {
	v.fence, v.fenceKnown = f, true
}
