package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// The handlers translate a request into one application call and its
// result into the contract's JSON; they hold no logic of their own.
type handlers struct {
	app    *app.App
	bundle string
}

func (h *handlers) status(r *http.Request) (int, interface{}, error) {
	st, err := h.app.Status()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, statusJSONFrom(st), nil
}

func (h *handlers) nodes(r *http.Request) (int, interface{}, error) {
	nodes, err := h.app.Nodes()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, nodesJSONFrom(nodes), nil
}

func (h *handlers) locks(r *http.Request) (int, interface{}, error) {
	locks, err := h.app.Locks()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, locksJSONFrom(locks), nil
}

// lockName reads and validates the {name} of a lock route.
func lockName(r *http.Request) (string, error) {
	name := mux.Vars(r)["name"]
	if err := app.ValidateLockName(name); err != nil {
		return "", badRequest("%s", err.Error())
	}
	return name, nil
}

func (h *handlers) lock(r *http.Request) (int, interface{}, error) {
	name, err := lockName(r)
	if err != nil {
		return 0, nil, err
	}
	lock, found, err := h.app.Lock(name)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, notFound("unknown lock %q", name)
	}
	return http.StatusOK, lockJSONFrom(lock), nil
}

type acquireRequest struct {
	HoldSeconds *int `json:"hold_seconds"`
	WaitSeconds *int `json:"wait_seconds"`
}

func (h *handlers) acquire(r *http.Request) (int, interface{}, error) {
	name, err := lockName(r)
	if err != nil {
		return 0, nil, err
	}
	var req acquireRequest
	if err := DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	hold, wait := app.DefaultHoldSeconds, 0
	if req.HoldSeconds != nil {
		hold = *req.HoldSeconds
	}
	if req.WaitSeconds != nil {
		wait = *req.WaitSeconds
	}
	if err := validateSeconds("hold_seconds", hold, app.MinHoldSeconds, app.MaxHoldSeconds); err != nil {
		return 0, nil, err
	}
	if err := validateSeconds("wait_seconds", wait, app.MinWaitSeconds, app.MaxWaitSeconds); err != nil {
		return 0, nil, err
	}
	lock, err := h.app.AcquireLock(name, time.Duration(hold)*time.Second, time.Duration(wait)*time.Second)
	if err != nil {
		return 0, nil, lockRefusal(name, err)
	}
	return http.StatusOK, lockJSONFrom(lock), nil
}

// lockRefusal says the application's lock refusals as 409s that show the
// lock; any other error passes as it is.
func lockRefusal(name string, err error) error {
	var le *app.LockError
	var out *Error
	switch {
	case errors.As(err, &le) && errors.Is(err, app.ErrLockBusy) && le.Lock.Held && le.Lock.HolderName != "":
		out = conflict("lock %q is held by node %s", name, le.Lock.HolderName)
	case errors.As(err, &le) && errors.Is(err, app.ErrLockBusy):
		out = conflict("lock %q is busy: a request on this or another node is taking or waiting for it", name)
	case errors.As(err, &le) && errors.Is(err, app.ErrLockNotHeldHere):
		out = conflict("lock %q is not held by this node", name)
	case errors.Is(err, app.ErrLockReserved), errors.Is(err, app.ErrStopping):
		return conflict("%s", err.Error())
	default:
		return err
	}
	lock := lockJSONFrom(le.Lock)
	out.Lock = &lock
	return out
}

func (h *handlers) release(r *http.Request) (int, interface{}, error) {
	name, err := lockName(r)
	if err != nil {
		return 0, nil, err
	}
	lock, found, err := h.app.ReleaseLock(name)
	if err != nil {
		return 0, nil, lockRefusal(name, err)
	}
	if !found {
		return 0, nil, notFound("unknown lock %q", name)
	}
	return http.StatusOK, lockJSONFrom(lock), nil
}

func (h *handlers) jobs(r *http.Request) (int, interface{}, error) {
	jobs, err := h.app.Jobs()
	if err != nil {
		return 0, nil, err
	}
	out := make([]jobJSON, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, jobJSONFrom(j))
	}
	return http.StatusOK, out, nil
}

func (h *handlers) job(r *http.Request) (int, interface{}, error) {
	name := mux.Vars(r)["name"]
	job, history, found, err := h.app.Job(name)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, notFound("unknown job %q (the jobs are %v)", name, app.DemoJobNames)
	}
	out := jobJSONFrom(job)
	runs := make([]runJSON, 0, len(history))
	for _, run := range history {
		runs = append(runs, runJSONFrom(run))
	}
	out.History = &runs
	return http.StatusOK, out, nil
}

func (h *handlers) runJob(r *http.Request) (int, interface{}, error) {
	name := mux.Vars(r)["name"]
	job, found, err := h.app.RunJob(name)
	if !found && err == nil {
		return 0, nil, notFound("unknown job %q (the jobs are %v)", name, app.DemoJobNames)
	}
	if errors.Is(err, app.ErrWorkloadOff) {
		return 0, nil, conflict("cannot run job %q: %s", name, err.Error())
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, jobJSONFrom(job), nil
}

type stressRequest struct {
	Seconds *int `json:"seconds"`
}

func (h *handlers) stress(r *http.Request) (int, interface{}, error) {
	var req stressRequest
	if err := DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	seconds := app.DefaultStressSeconds
	if req.Seconds != nil {
		seconds = *req.Seconds
	}
	if err := validateSeconds("seconds", seconds, app.MinStressSeconds, app.MaxStressSeconds); err != nil {
		return 0, nil, err
	}
	st, err := h.app.StartStress(seconds)
	if errors.Is(err, app.ErrStressRunning) {
		return 0, nil, conflict("%s", err.Error())
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, stressJSONFrom(st), nil
}

// validateSeconds checks an integer field against its range.
func validateSeconds(field string, v, min, max int) error {
	if v < min || v > max {
		return badRequest("%s must be from %d to %d, got %d", field, min, max, v)
	}
	return nil
}
