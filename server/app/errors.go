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
	// ErrStressCooldown refuses a stress run within StressCooldown of the
	// end of the last one; the wrapping error says when the next may start.
	ErrStressCooldown = errors.New("the last stress run ended too recently")
	// ErrDemoActionsOff refuses every change of demo state while the
	// DemoActions setting is off.
	ErrDemoActionsOff = errors.New("demo actions are switched off in the plugin settings (Demo actions): taking and releasing demo locks, running jobs on demand, stress runs and reminders are refused on this server; the status stays readable")
	// ErrOverLimit refuses a request past one of this node's bounds on
	// demo state; the wrapping error names the bound.
	ErrOverLimit = errors.New("over this node's limit")
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
