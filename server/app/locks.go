package app

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// LockKind says what a lock is for.
type LockKind string

const (
	// LockDemo is a demo lock an admin took by name.
	LockDemo LockKind = "demo"
	// LockJob is the lock of a scheduled job.
	LockJob LockKind = "job"
	// LockOther is any other lock the cluster package knows (the stress
	// demo's, for one).
	LockOther LockKind = "other"
)

// Lock is a lock as the store shows it now. The holder's fields are set
// only while Held.
type Lock struct {
	Name         string
	Kind         LockKind
	Held         bool
	HolderID     string
	HolderName   string
	AcquiredAt   time.Time
	ExpiresAt    time.Time
	FencingToken uint64
}

// lockKind classifies a lock name.
func lockKind(name string, demo bool) LockKind {
	switch {
	case isJobLock(name):
		return LockJob
	case demo:
		return LockDemo
	default:
		return LockOther
	}
}

func lockFrom(state cluster.LockState, kind LockKind) Lock {
	out := Lock{Name: state.Name, Held: state.Held, Kind: kind}
	if state.Held {
		out.HolderID = state.HolderID
		out.HolderName = state.HolderName
		out.AcquiredAt = state.AcquiredAt
		out.ExpiresAt = state.ExpiresAt
		out.FencingToken = state.FencingToken
	}
	return out
}

// Locks lists every lock known cluster-wide (demo locks, job locks, the
// stress demo's lock) and every other lock this node has used, each with
// its state in the store, sorted by name.
func (a *App) Locks() ([]Lock, error) {
	return a.locks.list(newKVReads(a.api))
}

// Lock returns one lock; found is false for a name no one has used.
func (a *App) Lock(name string) (lock Lock, found bool, err error) {
	demo, err := a.locks.Known(name)
	if err != nil {
		return Lock{}, false, err
	}
	if !demo && !isJobLock(name) && name != StressLockName && !a.knownHere(name) {
		return Lock{}, false, nil
	}
	state, err := cluster.InspectLock(a.api, name)
	if err != nil {
		return Lock{}, false, err
	}
	state.Name = name
	return lockFrom(state, lockKind(name, demo)), true, nil
}

func (a *App) knownHere(name string) bool {
	for _, n := range cluster.KnownLocks(a.api) {
		if n == name {
			return true
		}
	}
	return false
}

// AcquireLock takes demo lock name on this node, waiting up to wait, and
// releases it after hold. A lock still held after wait is refused with a
// *LockError wrapping ErrLockBusy that shows who holds it.
func (a *App) AcquireLock(name string, hold, wait time.Duration) (Lock, error) {
	if isJobLock(name) || name == StressLockName {
		return Lock{}, fmt.Errorf("%w: %q is the lock of a demo job or of the stress demo", ErrLockReserved, name)
	}
	lease, err := a.locks.Acquire(a.ctx, name, hold, wait)
	if errors.Is(err, ErrLockBusy) {
		lock, _, lerr := a.Lock(name)
		if lerr != nil {
			return Lock{}, lerr
		}
		return Lock{}, &LockError{Err: err, Lock: lock}
	}
	if err != nil {
		return Lock{}, err
	}
	return lockFrom(cluster.LockState{Lease: lease, Held: true}, LockDemo), nil
}

// ReleaseLock releases demo lock name if this node holds it, and returns
// the lock as it is then; found is false for a name no one has used. A
// node that does not hold it is refused with a *LockError wrapping
// ErrLockNotHeldHere.
func (a *App) ReleaseLock(name string) (lock Lock, found bool, err error) {
	released := a.locks.Release(name)
	lock, found, err = a.Lock(name)
	if err != nil || !found {
		return lock, found, err
	}
	if !released {
		return Lock{}, true, &LockError{Err: ErrLockNotHeldHere, Lock: lock}
	}
	return lock, true, nil
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
