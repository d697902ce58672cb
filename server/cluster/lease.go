package cluster

import (
	"encoding/json"
	"errors"
	"time"
)

// Lease is one acquisition of a lock, as stored in the KV store.
type Lease struct {
	// Name is the lock's name as given to NewMutex (never the digest a long
	// name is stored under).
	Name string `json:"name"`
	// HolderID and HolderName are the Node of the instance holding the lease.
	HolderID   string `json:"holder_id"`
	HolderName string `json:"holder_name"`
	// AcquiredAt is when this acquisition began, by the holder's clock.
	AcquiredAt time.Time `json:"acquired_at"`
	// ExpiresAt is when the lease lapses unless refreshed, by the holder's
	// clock. The store judges expiry by the clock of the Mattermost node
	// serving each call, so treat it as approximate by the cluster's clock
	// skew.
	ExpiresAt time.Time `json:"expires_at"`
	// FencingToken grows with every acquisition of Name; see the package
	// documentation for what it guarantees. Zero means the holder could not
	// learn a token (see "Narrower APIs" in the package documentation).
	FencingToken uint64 `json:"fencing_token"`
}

// record is the stored form of a lease. The nonce makes every acquisition's
// bytes unique, which is what lets refresh and release be compare-and-set
// against the exact stored value: a stale holder's bytes can never match
// another holder's. Seq grows with every refresh, so the bytes also change
// at every refresh: another instance that sees the same bytes for a whole
// TTL (TTLMillis, the holder's) knows, by its own clock alone, that the
// holder stopped refreshing.
type record struct {
	Nonce      string    `json:"nonce"`
	Name       string    `json:"name"`
	Node       Node      `json:"node"`
	AcquiredAt time.Time `json:"acquired_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Fence      uint64    `json:"fence"`
	Seq        uint64    `json:"seq,omitempty"`
	TTLMillis  int64     `json:"ttl_ms,omitempty"`
	// Free marks the value a release leaves (freeMarker): nobody holds the
	// lock, and the next holder replaces it by compare-and-set.
	Free bool `json:"free,omitempty"`
}

// freeMarker is what releasing a lease stores in its place: the releaser,
// and the fencing counter value it knows of, so the next holder can guess
// its token without reading the counter.
func freeMarker(name string, node Node, fence uint64, now time.Time) record {
	return record{
		Nonce:     randomID(12),
		Name:      name,
		Node:      node,
		ExpiresAt: now.Add(freeMarkerSeconds * time.Second),
		Fence:     fence,
		Free:      true,
	}
}

// isFreeMarker reports whether cur is a free marker, and its record.
func isFreeMarker(cur []byte) (record, bool) {
	rec, err := decodeRecord(cur)
	return rec, err == nil && rec.Free
}

// ttl is the holder's lease TTL, zero when the record does not say (a lease
// written by an earlier version of this package): such a lease is never
// taken over by observation, only after the store expires it.
func (r record) ttl() time.Duration { return time.Duration(r.TTLMillis) * time.Millisecond }

// errLegacyValue marks the value the widely used implementation stores
// ([]byte{1}): a lock held by an older version of the plugin, anonymously.
var errLegacyValue = errors.New("lock held by a legacy (anonymous) holder")

func (r record) encode() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		// A struct of strings, times and integers always marshals.
		panic("cluster: encode lease: " + err.Error())
	}
	return b
}

func decodeRecord(b []byte) (record, error) {
	var r record
	if len(b) == 1 && b[0] == 1 {
		return r, errLegacyValue
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, err
	}
	if r.Nonce == "" {
		return r, errors.New("lease record without nonce")
	}
	return r, nil
}

func (r record) lease() Lease {
	return Lease{
		Name:         r.Name,
		HolderID:     r.Node.ID,
		HolderName:   r.Node.Name,
		AcquiredAt:   r.AcquiredAt,
		ExpiresAt:    r.ExpiresAt,
		FencingToken: r.Fence,
	}
}
