package app

import (
	"context"
	"sort"
	"sync"
	"time"
)

// How fresh a status answer is, and what keeping it fresh costs.
const (
	// StatusMaxAge is the staleness bound: no part of a status answer was
	// read from the store longer ago than this when the answer is made.
	// get enforces it by reading the store itself when the cache is older,
	// so it holds even when the refresher stalls or an event is lost.
	StatusMaxAge = 2 * time.Second
	// statusRefreshEvery is how often the refresher starts a full read while
	// a panel is watching; a read that takes less than StatusMaxAge minus
	// this leaves every answer served from memory.
	statusRefreshEvery = time.Second
	// statusWatchWindow is how long after the last status request the
	// refresher keeps reading: an open panel polls far more often, and a
	// node nobody looks at makes no status reads at all.
	statusWatchWindow = 30 * time.Second
)

// statusCache keeps the last status read from the store, so that a request
// answers from memory instead of making one KV call per lock. A refresher
// re-reads the whole status every statusRefreshEvery while someone asks for
// it; this node's own lock changes are read at once (observe); anything the
// cache misses (another node's change, a lost event) is at most
// StatusMaxAge old because get re-reads a snapshot older than that before
// answering.
type statusCache struct {
	// read reads the whole status from the store; held names the locks
	// the last snapshot showed held, which it must look up whatever the
	// key listing says (see inspectLeased).
	read func(held map[string]bool) (Status, error)
	now  func() time.Time
	// onRead sees every snapshot's locks and nodes, and every lock observed
	// on its own (nodes nil), for the history.
	onRead func(at time.Time, locks []Lock, nodes []Node)

	mu sync.Mutex
	// snap is the last snapshot, its locks patched by observe; have is
	// false until one was read.
	snap Status
	have bool
	// patched holds this node's own observations newer than the snapshot's
	// start, so that a snapshot begun before them does not undo them.
	patched   map[string]Lock
	lastAsked time.Time
	inflight  *statusRead
}

// statusRead is one full read from the store that several callers can wait
// for.
type statusRead struct {
	done chan struct{}
	st   Status
	err  error
}

func newStatusCache(read func(held map[string]bool) (Status, error), now func() time.Time, onRead func(time.Time, []Lock, []Node)) *statusCache {
	return &statusCache{read: read, now: now, onRead: onRead, patched: map[string]Lock{}}
}

// get returns a status no part of which is older than StatusMaxAge at its
// GeneratedAt: the cached one when it is fresh enough, else the result of a
// read from the store (joining one already in progress). Only a read that
// itself takes longer than the bound yields an older answer, and its AsOf
// says so.
func (c *statusCache) get() (Status, error) {
	c.mu.Lock()
	now := c.now()
	c.lastAsked = now
	if c.have && now.Sub(c.snap.AsOf) <= StatusMaxAge {
		st := c.copyLocked()
		st.GeneratedAt = now
		c.mu.Unlock()
		return st, nil
	}
	r := c.startLocked()
	c.mu.Unlock()
	<-r.done
	if r.err != nil {
		return Status{}, r.err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// The read just finished, so the cache holds it or something newer.
	st := c.copyLocked()
	st.GeneratedAt = c.now()
	return st, nil
}

// refresh reads the store once (or waits for the read in progress).
func (c *statusCache) refresh() error {
	c.mu.Lock()
	r := c.startLocked()
	c.mu.Unlock()
	<-r.done
	return r.err
}

// watched reports whether someone asked for the status within the watch
// window.
func (c *statusCache) watched() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.lastAsked.IsZero() && c.now().Sub(c.lastAsked) < statusWatchWindow
}

// run refreshes every statusRefreshEvery while watched, until ctx ends.
func (c *statusCache) run(ctx context.Context) {
	ticker := time.NewTicker(statusRefreshEvery)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if c.watched() {
				// An error leaves the old snapshot, which get stops
				// serving once it is too old.
				_ = c.refresh()
			}
		}
	}
}

// observe records lock as read just now by this node, after a change it
// made itself, so the answer shows it without waiting for the refresher.
func (c *statusCache) observe(lock Lock) {
	c.mu.Lock()
	lock.ObservedAt = c.now()
	c.patched[lock.Name] = lock
	if c.have {
		c.snap.Locks = withLock(c.snap.Locks, lock)
	}
	c.mu.Unlock()
	if c.onRead != nil {
		c.onRead(lock.ObservedAt, []Lock{lock}, nil)
	}
}

// startLocked starts a read unless one is in progress. Called with c.mu
// held.
func (c *statusCache) startLocked() *statusRead {
	if c.inflight != nil {
		return c.inflight
	}
	r := &statusRead{done: make(chan struct{})}
	c.inflight = r
	start := c.now()
	held := heldNames(c.snap.Locks)
	go func() {
		st, err := c.read(held)
		c.mu.Lock()
		c.inflight = nil
		if err == nil {
			st.AsOf = start
			for i := range st.Locks {
				st.Locks[i].ObservedAt = start
			}
			c.storeLocked(st)
		}
		r.st, r.err = st, err
		c.mu.Unlock()
		if err == nil && c.onRead != nil {
			c.onRead(start, st.Locks, st.Nodes)
		}
		close(r.done)
	}()
	return r
}

// storeLocked makes st the snapshot, keeping this node's own observations
// made after st's read began. Called with c.mu held.
func (c *statusCache) storeLocked(st Status) {
	for name, lock := range c.patched {
		if lock.ObservedAt.After(st.AsOf) {
			st.Locks = withLock(st.Locks, lock)
		} else {
			delete(c.patched, name)
		}
	}
	c.snap, c.have = st, true
}

// copyLocked returns the snapshot with its own slices, so callers cannot
// change the cache. Called with c.mu held.
func (c *statusCache) copyLocked() Status {
	st := c.snap
	st.Locks = append([]Lock(nil), st.Locks...)
	st.Nodes = append([]Node(nil), st.Nodes...)
	st.Jobs = append([]Job(nil), st.Jobs...)
	return st
}

// heldNames is the set of names of the held locks among locks.
func heldNames(locks []Lock) map[string]bool {
	out := map[string]bool{}
	for _, l := range locks {
		if l.Held {
			out[l.Name] = true
		}
	}
	return out
}

// withLock returns locks (sorted by name) with lock in place of the entry of
// the same name, or inserted in order.
func withLock(locks []Lock, lock Lock) []Lock {
	i := sort.Search(len(locks), func(i int) bool { return locks[i].Name >= lock.Name })
	if i < len(locks) && locks[i].Name == lock.Name {
		out := append([]Lock(nil), locks...)
		out[i] = lock
		return out
	}
	out := make([]Lock, 0, len(locks)+1)
	out = append(out, locks[:i]...)
	out = append(out, lock)
	return append(out, locks[i:]...)
}
