package app

import (
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
