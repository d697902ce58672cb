package cluster

import (
	"context"
	"sync"
)

// Mutex is similar to sync.Mutex, except usable by multiple plugin
// instances across a cluster.
//
// Lock blocks until the mutex is free on every plugin instance, this one
// included. Goroutines of one instance waiting on the same name (through the
// same pluginAPI value, whether through one Mutex or several) get it in FIFO
// order. A locked Mutex is not tied to a goroutine: one may lock it and
// another unlock it.
//
// Mutexes with different names are unrelated, and so are mutexes with the
// same name in different plugins (the KV store is per plugin).
//
// A Mutex must not be copied after first use.
type Mutex struct {
	inst *instance
	name string
	cfg  MutexConfig

	mu   sync.Mutex
	held *holding
}

// NewMutex creates a mutex with the given name, with the default TTL (15 s)
// and refresh interval (TTL/2). Names of any length work: one whose key
// would pass the store's 50-character limit is stored under a digest.
//
// It panics if name is empty, as a programming error.
func NewMutex(pluginAPI MutexPluginAPI, name string) *Mutex {
	return NewMutexWithConfig(pluginAPI, name, MutexConfig{})
}

// NewMutexWithConfig is NewMutex with a non-default lease configuration.
func NewMutexWithConfig(pluginAPI MutexPluginAPI, name string, config MutexConfig) *Mutex {
	if name == "" {
		panic("cluster: mutex name must not be empty")
	}
	return &Mutex{inst: instanceFor(pluginAPI), name: name, cfg: config.withDefaults()}
}

// Lock locks m. If the mutex is locked by any plugin instance, this one
// included, Lock blocks until it is free. KV errors are logged and retried
// with backoff; Lock never gives up.
func (m *Mutex) Lock() {
	_ = m.LockWithContext(context.Background())
}

// LockWithContext locks m unless ctx ends first. The mutex is locked only
// if it returns nil; otherwise it returns ctx.Err().
func (m *Mutex) LockWithContext(ctx context.Context) error {
	q := m.inst.use(m.name)
	h, err := q.lock(ctx, m.cfg)
	if err != nil {
		m.inst.put(q)
		return err
	}
	m.set(h)
	return nil
}

// TryLock makes one attempt to lock m and does not wait. It reports false
// when the mutex is held on any instance, or awaited on this one (jumping
// the local queue would break its FIFO order). A non-nil error is a KV
// error; the mutex is then not locked, and nothing is left in the store.
func (m *Mutex) TryLock() (bool, error) {
	q := m.inst.use(m.name)
	h, err := q.tryLock(m.cfg)
	if h == nil {
		m.inst.put(q)
		return false, err
	}
	m.set(h)
	return true, nil
}

func (m *Mutex) set(h *holding) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held != nil {
		// Two holders of one Mutex would mean the cluster lock was granted
		// twice; that is a bug in this package, not a usage error.
		panic("cluster: mutex granted while already held")
	}
	m.held = h
}

// Unlock unlocks m. It is a run-time error (a panic) if m is not locked, as
// with sync.Mutex. If the lease was proved lost meanwhile (see Lost), Unlock
// writes nothing: the store no longer holds anything of ours to end.
func (m *Mutex) Unlock() {
	m.mu.Lock()
	h := m.held
	m.held = nil
	m.mu.Unlock()
	if h == nil {
		panic("cluster: unlock of unlocked mutex")
	}
	h.q.unlock(h)
	m.inst.put(h.q)
}

// Lost returns a channel that is closed when the lease m currently holds is
// lost: a refresh failed until the lease lapsed, or found it gone or
// replaced. Work protected by m should stop when it closes. When m is not
// locked the channel is already closed.
func (m *Mutex) Lost() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held == nil {
		return closedChan
	}
	m.held.isLost() // closes it now if the deadline passed unnoticed
	return m.held.lost
}

// Lease returns the lease m holds now, and false when m is not locked. Its
// FencingToken is final: the first call in a hold claims it from the lock's
// fencing counter, one KV round trip (a plain Lock+Unlock pays nothing for
// tokens). A lease lost before its token was claimed reports 0: unfenced.
func (m *Mutex) Lease() (Lease, bool) {
	m.mu.Lock()
	h := m.held
	m.mu.Unlock()
	if h == nil {
		return Lease{}, false
	}
	return h.lease(), true
}

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// lostNow is the synchronous form of Lost: true when m holds no lease, or
// the lease it holds is lost or past its deadline by this instance's clock
// (which a timer may not have noticed yet after a pause).
func (m *Mutex) lostNow() bool {
	m.mu.Lock()
	h := m.held
	m.mu.Unlock()
	return h == nil || h.isLost()
}
