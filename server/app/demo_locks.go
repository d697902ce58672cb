package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	// A demo lock nobody has touched for a day is forgotten.
	demoLockRecordTTL = 24 * time.Hour
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

	mu     sync.Mutex
	held   map[string]*heldLock
	closed bool // set by ReleaseAll: no new lock may be taken
	wg     sync.WaitGroup
}

func newDemoLocks(api PluginAPI, now func() time.Time, publish func(kind, name string)) *demoLocks {
	return &demoLocks{api: api, now: now, publish: publish, held: map[string]*heldLock{}}
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
	close(h.done)
	d.publish(changeLock, name)
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
// request's reads: the records are read in parallel.
func (d *demoLocks) names(reads *kvReads) ([]string, error) {
	keys, err := reads.keysWithPrefix(demoLockKeyPrefix)
	if err != nil {
		return nil, err
	}
	records, err := readRecords[demoLockRecord](reads, keys)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(records))
	for _, rec := range records {
		if rec.Name != "" {
			names = append(names, rec.Name)
		}
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
// the store (job locks, the stress lock, locks used here) are inspected
// while the demo lock names are read; then the demo locks not among them.
func (d *demoLocks) list(reads *kvReads) ([]Lock, error) {
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
		func() (err error) { localStates, err = inspectLocks(reads, localNames); return err },
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
	demoStates, err := inspectLocks(reads, demoOnly)
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
