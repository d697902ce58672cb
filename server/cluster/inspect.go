package cluster

import (
	"errors"
	"time"
)

// LockState is a lock as the store shows it now.
type LockState struct {
	// Lease is the current lease; when the lock is free it is zero apart
	// from Name.
	Lease
	// Held reports whether a live lease is stored: one whose stated expiry
	// has not passed by this node's clock. A lease whose holder died stays
	// in the store until LeaseStoreExpiry (nobody may take it over before
	// seeing it unchanged for a whole TTL), but it is shown free once it
	// lapsed. This is a view for people, judged by this node's clock
	// against the holder's; no lock decision reads it.
	Held bool
}

// HolderName of leases that name nobody, as InspectLock shows them.
const (
	// legacyHolder is the HolderName of a lock held by the widely used
	// implementation, whose stored value names nobody.
	legacyHolder = "unknown (legacy)"
	// unreadableHolder is the HolderName of a lock whose stored value is
	// not a lease this package can read.
	unreadableHolder = "unknown (unreadable lease)"
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

func lockState(name string, cur []byte) LockState {
	if cur == nil {
		return LockState{Lease: Lease{Name: name}}
	}
	rec, err := decodeRecord(cur)
	switch {
	case err == errLegacyValue:
		return LockState{Lease: Lease{Name: name, HolderName: legacyHolder}, Held: true}
	case err != nil:
		return LockState{Lease: Lease{Name: name, HolderName: unreadableHolder}, Held: true}
	}
	if rec.Free {
		return LockState{Lease: Lease{Name: name}}
	}
	l := rec.lease()
	l.Name = name
	if !l.ExpiresAt.IsZero() && !time.Now().Before(l.ExpiresAt) {
		return LockState{Lease: Lease{Name: name}}
	}
	return LockState{Lease: l, Held: true}
}
