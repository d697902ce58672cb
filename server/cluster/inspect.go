package cluster

import (
	"errors"
	"sync"
)

// LockState is a lock as the store shows it now.
type LockState struct {
	// Lease is the current lease; when the lock is free it is zero apart
	// from Name.
	Lease
	// Held reports whether a live lease is stored.
	Held bool
}

// Holder names for leases that name nobody.
const (
	// LegacyHolder is the HolderName of a lock held by the widely used
	// implementation, whose stored value names nobody.
	LegacyHolder = "unknown (legacy)"
	// UnreadableHolder is the HolderName of a lock whose stored value is
	// not a lease this package can read.
	UnreadableHolder = "unknown (unreadable lease)"
)

// InspectLock reads the current state of a lock name from the store with
// one KVGet. Its error is a KV error (or an empty name).
func InspectLock(pluginAPI JobPluginAPI, name string) (LockState, error) {
	if name == "" {
		return LockState{}, errors.New("cluster: lock name must not be empty")
	}
	cur, err := newKV(pluginAPI).read(lockKey(name))
	if err != nil {
		return LockState{}, err
	}
	return lockState(name, cur), nil
}

// InspectLocks is InspectLock for many names, reading up to 8 at a time so
// that a status page listing every lock stays fast. The states are in the
// order of names; the error is the first KV error met (or an empty name),
// in which case no states are returned.
func InspectLocks(pluginAPI JobPluginAPI, names []string) ([]LockState, error) {
	for _, n := range names {
		if n == "" {
			return nil, errors.New("cluster: lock name must not be empty")
		}
	}
	out := make([]LockState, len(names))
	errs := make([]error, len(names))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, n string) {
			defer wg.Done()
			defer func() { <-sem }()
			out[i], errs[i] = InspectLock(pluginAPI, n)
		}(i, n)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func lockState(name string, cur []byte) LockState {
	if cur == nil {
		return LockState{Lease: Lease{Name: name}}
	}
	rec, err := decodeRecord(cur)
	switch {
	case err == errLegacyValue:
		return LockState{Lease: Lease{Name: name, HolderName: LegacyHolder}, Held: true}
	case err != nil:
		return LockState{Lease: Lease{Name: name, HolderName: UnreadableHolder}, Held: true}
	}
	l := rec.lease()
	l.Name = name
	return LockState{Lease: l, Held: true}
}
