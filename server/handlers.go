package main

import (
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"
)

// The HTTP handlers translate a request into one service call and its result
// into the contract's JSON; they hold no logic of their own.

func handleStatus(s *service, r *http.Request) (int, interface{}, error) {
	status, err := s.Status()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, status, nil
}

func handleNodes(s *service, r *http.Request) (int, interface{}, error) {
	nodes, err := s.Nodes()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, nodes, nil
}

func handleLocks(s *service, r *http.Request) (int, interface{}, error) {
	locks, err := s.Locks()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, locks, nil
}

// lockName reads and validates the {name} of a lock route.
func lockName(r *http.Request) (string, error) {
	name := mux.Vars(r)["name"]
	if err := validateLockName(name); err != nil {
		return "", err
	}
	return name, nil
}

func handleLock(s *service, r *http.Request) (int, interface{}, error) {
	name, err := lockName(r)
	if err != nil {
		return 0, nil, err
	}
	lock, found, err := s.Lock(name)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, notFound("unknown lock %q", name)
	}
	return http.StatusOK, lock, nil
}

type acquireRequest struct {
	HoldSeconds *int `json:"hold_seconds"`
	WaitSeconds *int `json:"wait_seconds"`
}

func handleAcquire(s *service, r *http.Request) (int, interface{}, error) {
	name, err := lockName(r)
	if err != nil {
		return 0, nil, err
	}
	var req acquireRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	hold, wait := defaultHoldSeconds, 0
	if req.HoldSeconds != nil {
		hold = *req.HoldSeconds
	}
	if req.WaitSeconds != nil {
		wait = *req.WaitSeconds
	}
	if err := validateSeconds("hold_seconds", hold, minHoldSeconds, maxHoldSeconds); err != nil {
		return 0, nil, err
	}
	if err := validateSeconds("wait_seconds", wait, minWaitSeconds, maxWaitSeconds); err != nil {
		return 0, nil, err
	}
	lock, err := s.AcquireLock(name, time.Duration(hold)*time.Second, time.Duration(wait)*time.Second)
	if err != nil {
		return 0, nil, lockConflict(name, lock, err)
	}
	return http.StatusOK, lock, nil
}

// lockConflict maps the service's lock errors to 409s that show the lock.
func lockConflict(name string, lock lockJSON, err error) error {
	switch {
	case errors.Is(err, errLockBusy):
		if lock.Held && lock.HolderName != nil {
			return conflict(&lock, "lock %q is held by node %s", name, *lock.HolderName)
		}
		return conflict(&lock, "lock %q is busy: a request on this or another node is taking or waiting for it", name)
	case errors.Is(err, errNotHeldHere):
		return conflict(&lock, "lock %q is not held by this node", name)
	case errors.Is(err, errReservedLock), errors.Is(err, errStopping):
		return conflict(nil, "%s", err.Error())
	}
	return err
}

func handleRelease(s *service, r *http.Request) (int, interface{}, error) {
	name, err := lockName(r)
	if err != nil {
		return 0, nil, err
	}
	lock, found, err := s.ReleaseLock(name)
	if err != nil {
		return 0, nil, lockConflict(name, lock, err)
	}
	if !found {
		return 0, nil, notFound("unknown lock %q", name)
	}
	return http.StatusOK, lock, nil
}

func handleJobs(s *service, r *http.Request) (int, interface{}, error) {
	jobs, err := s.Jobs()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, jobs, nil
}

func handleJob(s *service, r *http.Request) (int, interface{}, error) {
	name := mux.Vars(r)["name"]
	job, found, err := s.Job(name)
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, notFound("unknown job %q (the jobs are %v)", name, demoJobNames)
	}
	return http.StatusOK, job, nil
}

func handleRunJob(s *service, r *http.Request) (int, interface{}, error) {
	name := mux.Vars(r)["name"]
	job, found, err := s.RunJob(name)
	if !found && err == nil {
		return 0, nil, notFound("unknown job %q (the jobs are %v)", name, demoJobNames)
	}
	if errors.Is(err, errWorkloadOff) {
		return 0, nil, conflict(nil, "cannot run job %q: %s", name, err.Error())
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, job, nil
}

type stressRequest struct {
	Seconds *int `json:"seconds"`
}

func handleStress(s *service, r *http.Request) (int, interface{}, error) {
	var req stressRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	seconds := defaultStressSecs
	if req.Seconds != nil {
		seconds = *req.Seconds
	}
	if err := validateSeconds("seconds", seconds, minStressSeconds, maxStressSeconds); err != nil {
		return 0, nil, err
	}
	stress, err := s.StartStress(seconds)
	if errors.Is(err, errStressRunning) {
		return 0, nil, conflict(nil, "%s", err.Error())
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, stress, nil
}
