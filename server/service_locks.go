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
	demoNames, err := s.locks.Names()
	if err != nil {
		return nil, err
	}
	demo := map[string]bool{}
	names := map[string]bool{}
	for _, n := range demoNames {
		demo[n] = true
		names[n] = true
	}
	for _, n := range demoJobNames {
		names[cluster.JobLockName(n)] = true
	}
	names[stressLockName] = true
	for _, n := range cluster.KnownLocks(s.api) {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	states, err := cluster.InspectLocks(s.api, sorted)
	if err != nil {
		return nil, err
	}
	out := make([]lockJSON, 0, len(sorted))
	for i, state := range states {
		state.Name = sorted[i]
		out = append(out, lockJSONFrom(state, lockKind(sorted[i], demo[sorted[i]])))
	}
	return out, nil
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
