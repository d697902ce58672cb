package cluster

import (
	"errors"
)

// LockState is a lock as the store shows it now.
type LockState struct {
	// Lease is the current lease; when the lock is free it is zero apart
	// from Name.
	Lease
	// Held reports whether a live lease is stored.
	Held bool
}

// InspectLock reads the current state of a lock name from the store with
// one KVGet. A lock held by the widely used implementation (whose stored
// value names nobody) shows as held by HolderName "unknown (legacy)".
func InspectLock(pluginAPI JobPluginAPI, name string) (LockState, error) {
	if name == "" {
		return LockState{}, errors.New("cluster: lock name must not be empty")
	}
	cur, appErr := pluginAPI.KVGet(lockKey(name))
	if appErr != nil {
		return LockState{}, appErr
	}
	if cur == nil {
		return LockState{Lease: Lease{Name: name}}, nil
	}
	rec, err := decodeRecord(cur)
	if err == errLegacyValue {
		return LockState{Lease: Lease{Name: name, HolderName: "unknown (legacy)"}, Held: true}, nil
	}
	if err != nil {
		return LockState{Lease: Lease{Name: name}, Held: true}, errors.New("cluster: unreadable lease for " + name + ": " + err.Error())
	}
	l := rec.lease()
	l.Name = name
	return LockState{Lease: l, Held: true}, nil
}
