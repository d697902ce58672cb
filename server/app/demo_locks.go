package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// Demo locks: cluster-wide mutexes an admin takes by name, held by the node
// that answered for a chosen time and then released automatically.
//
// Which names are demo locks is itself shared state: a lock taken through
// node 1 must be listed, and known, on node 2. Each name gets its own KV
// record (no shared index to contend on), found again with KVList.
const (
	demoLockKeyPrefix = keyPrefix + "demolock_"
	// A demo lock nobody has taken for an hour is forgotten: its record
	// expires, and so does its place among this node's recent names.
	demoLockRecordTTL = time.Hour
)

// This node's bounds on demo locks, checked before any store access so a
// burst is refused in memory (ErrOverLimit, a 429) rather than queued on
// the store.
const (
	// MaxDemoLockNames bounds the distinct demo lock names this node takes
	// within demoLockRecordTTL, and so the demo locks it holds at once
	// (every held lock was taken within the TTL: holds are shorter) and the
	// demo lock records it adds to the status page. 256 leaves room for
	// the 200-lock status page the performance section measures.
	MaxDemoLockNames = 256
	// MaxLockRequests bounds the acquire requests in progress on this node
	// at once, waiting for a lock or reading who holds it. Each needs KV
	// calls, which queue for maxKVCallsInFlight slots; 64 keeps that queue
	// to about a second on a 2-core node, well inside a lease's renewal
	// margin, while a panel's or script's ordinary use never comes near.
	MaxLockRequests = 64
)

type demoLockRecord struct {
	Name     string    `json:"name"`
	LastUsed time.Time `json:"last_used"`
}

// demoLockKey digests the name: names reach 64 characters and store keys
// only 50.
func demoLockKey(name string) string {
	sum := sha256.Sum256([]byte(name))
	return demoLockKeyPrefix + hex.EncodeToString(sum[:16])
}

// heldLock is a demo lock this node holds, or is waiting for.
type heldLock struct {
	mutex    *cluster.Mutex
	acquired bool          // false while still waiting for the lock; guarded by demoLocks.mu
	release  chan struct{} // closed to release early
	done     chan struct{} // closed once the mutex is unlocked
	once     sync.Once
}

func (h *heldLock) requestRelease() {
	h.once.Do(func() { close(h.release) })
}

type demoLocks struct {
	api     PluginAPI
	now     func() time.Time
	publish func(kind, name string)

	mu   sync.Mutex
	held map[string]*heldLock
	// recent is when this node last admitted each demo lock name, within
	// demoLockRecordTTL: at most MaxDemoLockNames.
	recent map[string]time.Time
	// nameOfKey is the name of each demo lock record key in the last
	// listing (see names).
	nameOfKey map[string]string
	// requests is the acquire requests in progress: at most
	// MaxLockRequests.
	requests int
	closed   bool // set by ReleaseAll: no new lock may be taken
	wg       sync.WaitGroup
}

func newDemoLocks(api PluginAPI, now func() time.Time, publish func(kind, name string)) *demoLocks {
	return &demoLocks{api: api, now: now, publish: publish, held: map[string]*heldLock{}, recent: map[string]time.Time{}}
}

// admit counts a request for name against this node's bounds, before it
// touches the store; done ends the request. A name admitted once keeps its
// place for demoLockRecordTTL, whether or not it was then taken.
func (d *demoLocks) admit(name string) (done func(), err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.requests >= MaxLockRequests {
		return nil, fmt.Errorf("%w: %d lock requests are already in progress on this node (at most %d); try again shortly", ErrOverLimit, d.requests, MaxLockRequests)
	}
	now := d.now()
	if _, known := d.recent[name]; !known {
		for n, at := range d.recent {
			if now.Sub(at) >= demoLockRecordTTL {
				delete(d.recent, n)
			}
		}
		if len(d.recent) >= MaxDemoLockNames {
			return nil, fmt.Errorf("%w: this node has taken %d distinct demo locks in the last %v (at most %d); reuse a name or wait", ErrOverLimit, len(d.recent), demoLockRecordTTL, MaxDemoLockNames)
		}
	}
	d.recent[name] = now
	d.requests++
	return func() {
		d.mu.Lock()
		d.requests--
		d.mu.Unlock()
	}, nil
}

// Acquire takes the demo lock name on this node, waiting up to wait for it,
// and releases it automatically after hold. It returns ErrLockBusy when the
// lock is still held after wait, or when this node already holds or waits
// for it.
func (d *demoLocks) Acquire(ctx context.Context, name string, hold, wait time.Duration) (cluster.Lease, error) {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return cluster.Lease{}, ErrStopping
	}
	if _, busy := d.held[name]; busy {
		d.mu.Unlock()
		return cluster.Lease{}, ErrLockBusy
	}
	h := &heldLock{mutex: cluster.NewMutex(d.api, name), release: make(chan struct{}), done: make(chan struct{})}
	d.held[name] = h // reserved: a second request on this node is refused at once
	d.mu.Unlock()

	acquired, err := d.lock(ctx, h.mutex, wait)
	if err == nil && acquired {
		// Recorded after taking the lock, so a name is only ever listed as a
		// demo lock once someone held it.
		err = kvSetJSON(d.api, demoLockKey(name), demoLockRecord{Name: name, LastUsed: d.now()}, int64(demoLockRecordTTL/time.Second))
		if err != nil {
			h.mutex.Unlock()
		}
	}
	if err != nil || !acquired {
		d.forget(name, h)
		if err != nil {
			return cluster.Lease{}, err
		}
		return cluster.Lease{}, ErrLockBusy
	}

	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		h.mutex.Unlock()
		d.forget(name, h)
		return cluster.Lease{}, ErrStopping
	}
	h.acquired = true
	d.wg.Add(1)
	d.mu.Unlock()

	lease, _ := h.mutex.Lease()
	go d.holdFor(name, h, hold)
	d.publish(changeLock, name)
	return lease, nil
}

// lock tries once when wait is zero, else waits up to wait.
func (d *demoLocks) lock(ctx context.Context, m *cluster.Mutex, wait time.Duration) (bool, error) {
	if wait <= 0 {
		return m.TryLock()
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	err := m.LockWithContext(ctx)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false, nil
	}
	return false, err
}

// holdFor keeps the lock until hold passes, an early release, or the lease
// is lost. Unlock runs in every case: after a loss it writes nothing, but
// it still frees the mutex on this node.
func (d *demoLocks) holdFor(name string, h *heldLock, hold time.Duration) {
	defer d.wg.Done()
	timer := time.NewTimer(hold)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-h.release:
	case <-h.mutex.Lost():
		d.api.LogWarn("clusterdemo: demo lock lease lost before its hold time ended", "lock", name)
	}
	h.mutex.Unlock()
	d.forget(name, h)
	// Told before done, so that a Release that returned has also told the
	// open panels.
	d.publish(changeLock, name)
	close(h.done)
}

func (d *demoLocks) forget(name string, h *heldLock) {
	d.mu.Lock()
	if d.held[name] == h {
		delete(d.held, name)
	}
	d.mu.Unlock()
}

// Release releases the demo lock name if this node holds it, and reports
// whether it did.
func (d *demoLocks) Release(name string) bool {
	d.mu.Lock()
	h, ok := d.held[name]
	ok = ok && h.acquired
	d.mu.Unlock()
	if !ok {
		return false
	}
	h.requestRelease()
	<-h.done
	return true
}

// ReleaseAll releases every demo lock this node holds and waits until each
// is unlocked: deactivation must not leave a lock held for its full TTL.
func (d *demoLocks) ReleaseAll() {
	d.mu.Lock()
	d.closed = true
	for _, h := range d.held {
		if !h.acquired {
			continue // its Acquire sees closed and gives the lock back
		}
		h.requestRelease()
	}
	d.mu.Unlock()
	d.wg.Wait()
}

// names lists every demo lock name known cluster-wide, sorted, through a
// request's reads. A record's key is a digest of its name, so a key read
// once names the same lock for as long as it is listed: only keys new
// since the last listing are read (in parallel), and a status refresh
// with many demo locks costs no read per lock.
func (d *demoLocks) names(reads *kvReads) ([]string, error) {
	keys, err := reads.keysWithPrefix(demoLockKeyPrefix)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	known := make(map[string]string, len(keys))
	var unknown []string
	for _, k := range keys {
		if name, ok := d.nameOfKey[k]; ok {
			known[k] = name
		} else {
			unknown = append(unknown, k)
		}
	}
	d.mu.Unlock()
	records, err := readRecords[demoLockRecord](reads, unknown)
	if err != nil {
		return nil, err
	}
	for _, rec := range records {
		if rec.Name != "" {
			known[demoLockKey(rec.Name)] = rec.Name
		}
	}
	d.mu.Lock()
	// Keys no longer listed are forgotten, so the map stays as small as
	// the listing.
	d.nameOfKey = known
	d.mu.Unlock()
	names := make([]string, 0, len(known))
	for _, name := range known {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// Known reports whether name is a demo lock known cluster-wide.
func (d *demoLocks) Known(name string) (bool, error) {
	var rec demoLockRecord
	found, err := kvGetJSON(d.api, demoLockKey(name), &rec)
	return found && rec.Name == name, err
}

// list reads every lock through a request's reads. The names known without
// the store (job locks, the stress lock, locks used here) are looked up
// while the demo lock names are read; then the demo locks not among them.
// Only a lock that may be held costs a read (see inspectLeased); mayBeHeld
// names the locks the caller last saw held (nil when it saw none).
func (d *demoLocks) list(reads *kvReads, mayBeHeld map[string]bool) ([]Lock, error) {
	local := map[string]bool{StressLockName: true}
	for _, n := range DemoJobNames {
		local[cluster.JobLockName(n)] = true
	}
	for _, n := range cluster.KnownLocks(d.api) {
		local[n] = true
	}
	localNames := sortedNames(local)
	var demoNames []string
	var localStates []cluster.LockState
	err := allOf(
		func() (err error) { demoNames, err = d.names(reads); return err },
		func() (err error) { localStates, err = inspectLeased(reads, localNames, mayBeHeld); return err },
	)
	if err != nil {
		return nil, err
	}
	demo := map[string]bool{}
	var demoOnly []string
	for _, n := range demoNames {
		demo[n] = true
		if !local[n] {
			demoOnly = append(demoOnly, n)
		}
	}
	demoStates, err := inspectLeased(reads, demoOnly, mayBeHeld)
	if err != nil {
		return nil, err
	}
	out := make([]Lock, 0, len(localStates)+len(demoStates))
	for _, state := range append(localStates, demoStates...) {
		out = append(out, lockFrom(state, lockKind(state.Name, demo[state.Name])))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// inspectLeased returns the state of every lock in names, in their order,
// reading only those that may be held: the ones whose lease key is in the
// request's listing of the keys, and those mayBeHeld names. The others had
// no lease when the keys were listed, so they are free, and a thousand
// known names of which a few are held cost a few reads, not a thousand.
// mayBeHeld covers a key the listing missed although it was stored all
// along (KVList pages by offset, so a key deleted before a page boundary
// while the pages are read shifts one key out of the listing; a replica
// behind the master may not have a new key yet): a lock seen held is read
// until it is seen free, so a listing's miss never ends a hold early.
func inspectLeased(reads *kvReads, names []string, mayBeHeld map[string]bool) ([]cluster.LockState, error) {
	keys, err := reads.keysWithPrefix("")
	if err != nil {
		return nil, err
	}
	leased := map[string]bool{}
	for _, n := range cluster.LeasedNames(names, keys) {
		leased[n] = true
	}
	var toRead []string
	for _, n := range names {
		if leased[n] || mayBeHeld[n] {
			toRead = append(toRead, n)
		}
	}
	read, err := inspectLocks(reads, toRead)
	if err != nil {
		return nil, err
	}
	states := make([]cluster.LockState, len(names))
	for i, n := range names {
		if len(read) > 0 && read[0].Name == n {
			states[i], read = read[0], read[1:]
			continue
		}
		states[i] = cluster.LockState{Lease: cluster.Lease{Name: n}}
	}
	return states, nil
}

// inspectLocks reads the state of every lock in names in parallel, within
// the request's bound on calls in flight; the states are in the order of
// names, each named.
func inspectLocks(reads *kvReads, names []string) ([]cluster.LockState, error) {
	states := make([]cluster.LockState, len(names))
	err := inParallel(len(names), func(i int) (err error) {
		states[i], err = cluster.InspectLock(reads, names[i])
		states[i].Name = names[i]
		return err
	})
	if err != nil {
		return nil, err
	}
	return states, nil
}

func sortedNames(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
