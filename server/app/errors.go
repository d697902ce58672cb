package app

import "errors"

// The refusals of the application. The HTTP API and the slash command each
// say them in their own words; the texts here are for logs and for the
// refusals that need no more than the reason.
var (
	// ErrLockBusy: the lock is held elsewhere (or, for this node, already
	// held or waited for). Returned inside a *LockError.
	ErrLockBusy = errors.New("lock is held")
	// ErrLockNotHeldHere: a release on a node that does not hold the lock.
	// Returned inside a *LockError.
	ErrLockNotHeldHere = errors.New("lock not held by this node")
	// ErrLockReserved: the name is a demo job's or the stress demo's lock.
	ErrLockReserved = errors.New("reserved lock")
	// ErrStopping: the plugin is deactivating and takes no new locks.
	ErrStopping = errors.New("clusterdemo is stopping on this node")
	// ErrWorkloadOff: the demo jobs are not scheduled on this node.
	ErrWorkloadOff = errors.New("the demo workload is turned off on this node (setting DemoWorkload)")
	// ErrStressRunning refuses a second stress run while one is in progress.
	ErrStressRunning = errors.New("a stress run is already in progress")
)

// LockError is a refused lock operation with the lock as it stood, so a
// refusal can say who holds it. errors.Is finds Err through it.
type LockError struct {
	Err  error
	Lock Lock
}

func (e *LockError) Error() string { return e.Err.Error() + ": " + e.Lock.Name }

func (e *LockError) Unwrap() error { return e.Err }

// ArgumentError is a refused argument (a bad lock name); its text names the
// rule.
type ArgumentError struct{ Message string }

func (e *ArgumentError) Error() string { return e.Message }
