package main

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// The lock side of the service: which locks exist, their state, and taking
// and releasing demo locks.

// lockKind classifies a lock name.
func lockKind(name string, demo bool) string {
	switch {
	case isJobLock(name):
		return lockKindJob
	case demo:
		return lockKindDemo
	default:
		return lockKindOther
	}
}

func lockJSONFrom(state cluster.LockState, kind string) lockJSON {
	out := lockJSON{Name: state.Name, Held: state.Held, Kind: kind}
	if state.Held {
		out.HolderID = wireString(state.HolderID)
		out.HolderName = wireString(state.HolderName)
		out.AcquiredAt = wireTime(state.AcquiredAt)
		out.ExpiresAt = wireTime(state.ExpiresAt)
		token := state.FencingToken
		out.FencingToken = &token
	}
	return out
}

// Locks lists every lock known cluster-wide (demo locks, job locks, the
// stress demo's lock) and every other lock this node has used, each with
// its state in the store.
func (s *service) Locks() ([]lockJSON, error) {
	return s.lockList(newKVReads(s.api))
}

// lockList is Locks through a request's reads. The names known without the
// store (job locks, the stress lock, locks used here) are inspected while
// the demo lock names are read; then the demo locks not among them.
func (s *service) lockList(reads *kvReads) ([]lockJSON, error) {
	local := map[string]bool{stressLockName: true}
	for _, n := range demoJobNames {
		local[cluster.JobLockName(n)] = true
	}
	for _, n := range cluster.KnownLocks(s.api) {
		local[n] = true
	}
	localNames := sortedNames(local)
	var demoNames []string
	var localStates []cluster.LockState
	err := allOf(
		func() (err error) { demoNames, err = s.locks.names(reads); return err },
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
	out := make([]lockJSON, 0, len(localStates)+len(demoStates))
	for _, state := range append(localStates, demoStates...) {
		out = append(out, lockJSONFrom(state, lockKind(state.Name, demo[state.Name])))
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

// Lock returns one lock; found is false for a name no one has used.
func (s *service) Lock(name string) (lock lockJSON, found bool, err error) {
	demo, err := s.locks.Known(name)
	if err != nil {
		return lockJSON{}, false, err
	}
	if !demo && !isJobLock(name) && name != stressLockName && !s.knownHere(name) {
		return lockJSON{}, false, nil
	}
	state, err := cluster.InspectLock(s.api, name)
	if err != nil {
		return lockJSON{}, false, err
	}
	state.Name = name
	return lockJSONFrom(state, lockKind(name, demo)), true, nil
}

func (s *service) knownHere(name string) bool {
	for _, n := range cluster.KnownLocks(s.api) {
		if n == name {
			return true
		}
	}
	return false
}

// Errors of lock operations the API and the command map to 409.
var (
	errReservedLock = errors.New("reserved lock")
	errNotHeldHere  = errors.New("lock not held by this node")
)

// AcquireLock takes demo lock name on this node. On errLockBusy the returned
// lock shows who holds it.
func (s *service) AcquireLock(name string, hold, wait time.Duration) (lockJSON, error) {
	if isJobLock(name) || name == stressLockName {
		return lockJSON{}, fmt.Errorf("%w: %q is the lock of a demo job or of the stress demo", errReservedLock, name)
	}
	lease, err := s.locks.Acquire(s.ctx, name, hold, wait)
	if errors.Is(err, errLockBusy) {
		lock, _, lerr := s.Lock(name)
		if lerr != nil {
			return lockJSON{}, lerr
		}
		return lock, err
	}
	if err != nil {
		return lockJSON{}, err
	}
	return lockJSONFrom(cluster.LockState{Lease: lease, Held: true}, lockKindDemo), nil
}

// ReleaseLock releases demo lock name if this node holds it. On
// errNotHeldHere the returned lock shows its current state.
func (s *service) ReleaseLock(name string) (lock lockJSON, found bool, err error) {
	released := s.locks.Release(name)
	lock, found, err = s.Lock(name)
	if err != nil || !found {
		return lock, found, err
	}
	if !released {
		return lock, true, errNotHeldHere
	}
	return lock, true, nil
}
