package main

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// Lock handles that outlive one request, for the workloads the driver
// coordinates across nodes: node 1 holds a lock, node 2 waits for it, node 1
// releases. Times are wall-clock nanoseconds; the nodes of the local cluster
// share one machine and so one clock.

const benchMaxWait = 10 * time.Minute

// benchHandle is one mutex the driver asked for, held or being waited on.
type benchHandle struct {
	m       impls.Mutex
	started time.Time
	done    chan struct{} // closed when a waiter has acquired and released, or failed
	// Set before done is closed.
	acquiredAt time.Time
	err        error
}

// handleTable is the node's handles, by the driver's id.
type handleTable struct {
	sync.Mutex
	byID map[string]*benchHandle
}

func (s *benchNode) putHandle(id string, h *benchHandle) error {
	s.handles.Lock()
	defer s.handles.Unlock()
	if _, taken := s.handles.byID[id]; taken {
		return httpapi.Errorf(http.StatusConflict, "handle %s is in use", id)
	}
	s.handles.byID[id] = h
	return nil
}

func (s *benchNode) takeHandle(id string) (*benchHandle, error) {
	s.handles.Lock()
	defer s.handles.Unlock()
	h, ok := s.handles.byID[id]
	if !ok {
		return nil, httpapi.Errorf(http.StatusNotFound, "no handle %q", id)
	}
	delete(s.handles.byID, id)
	return h, nil
}

type benchHandleRequest struct {
	Impl      string `json:"impl"`
	Name      string `json:"name"`
	ID        string `json:"id"`
	TimeoutMS int64  `json:"timeout_ms"`
	// HoldMS is how long a waiter keeps the lock once it has it.
	HoldMS int64 `json:"hold_ms"`
}

type benchHandleResult struct {
	StartedNS  int64 `json:"started_ns,omitempty"`
	AcquiredNS int64 `json:"acquired_ns,omitempty"`
	ReleasedNS int64 `json:"released_ns,omitempty"`
}

func (req benchHandleRequest) validate() (impls.Impl, time.Duration, error) {
	impl, err := parseImpl(req.Impl)
	if err != nil {
		return impl, 0, err
	}
	if err := benchLockName(req.Name); err != nil {
		return impl, 0, err
	}
	if err := benchLockName(req.ID); err != nil {
		return impl, 0, err
	}
	timeout, err := benchDuration("timeout_ms", req.TimeoutMS, time.Millisecond, benchMaxWait)
	return impl, timeout, err
}

// handleBenchHold locks name and keeps it under id until release.
func (s *benchNode) handleBenchHold(r *http.Request) (int, interface{}, error) {
	var req benchHandleRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	impl, timeout, err := req.validate()
	if err != nil {
		return 0, nil, err
	}
	m, err := impl.NewMutex(s.api, req.Name)
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	defer cancel()
	started := time.Now()
	if err := m.LockWithContext(ctx); err != nil {
		if ctx.Err() != nil {
			return 0, nil, errBenchTimeout("acquiring "+req.Name, timeout)
		}
		return 0, nil, err
	}
	acquired := time.Now()
	if err := s.putHandle(req.ID, &benchHandle{m: m, started: started, acquiredAt: acquired}); err != nil {
		m.Unlock()
		return 0, nil, err
	}
	return http.StatusOK, benchHandleResult{StartedNS: started.UnixNano(), AcquiredNS: acquired.UnixNano()}, nil
}

// handleBenchRelease unlocks what hold took under id.
func (s *benchNode) handleBenchRelease(r *http.Request) (int, interface{}, error) {
	var req benchHandleRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	h, err := s.takeHandle(req.ID)
	if err != nil {
		return 0, nil, err
	}
	if h.done != nil {
		return 0, nil, badRequest("handle %q is a waiter; ask waited for it", req.ID)
	}
	releasedAt := time.Now()
	h.m.Unlock()
	return http.StatusOK, benchHandleResult{ReleasedNS: releasedAt.UnixNano()}, nil
}

// handleBenchWait starts a goroutine that locks name, keeps it for hold_ms
// and unlocks it; it answers at once. waited collects the outcome.
func (s *benchNode) handleBenchWait(r *http.Request) (int, interface{}, error) {
	var req benchHandleRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	impl, timeout, err := req.validate()
	if err != nil {
		return 0, nil, err
	}
	hold, err := benchDuration("hold_ms", req.HoldMS, 0, time.Minute)
	if err != nil {
		return 0, nil, err
	}
	m, err := impl.NewMutex(s.api, req.Name)
	if err != nil {
		return 0, nil, err
	}
	h := &benchHandle{m: m, started: time.Now(), done: make(chan struct{})}
	if err := s.putHandle(req.ID, h); err != nil {
		return 0, nil, err
	}
	go func() {
		defer close(h.done)
		ctx, cancel := context.WithTimeout(s.ctx, timeout)
		defer cancel()
		if err := m.LockWithContext(ctx); err != nil {
			h.err = err
			return
		}
		h.acquiredAt = time.Now()
		time.Sleep(hold)
		m.Unlock()
	}()
	return http.StatusOK, benchHandleResult{StartedNS: h.started.UnixNano()}, nil
}

// handleBenchWaited waits for the waiter under id to have acquired and
// released the lock, and says when it acquired it.
func (s *benchNode) handleBenchWaited(r *http.Request) (int, interface{}, error) {
	var req benchHandleRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	timeout, err := benchDuration("timeout_ms", req.TimeoutMS, time.Millisecond, benchMaxWait)
	if err != nil {
		return 0, nil, err
	}
	h, err := s.takeHandle(req.ID)
	if err != nil {
		return 0, nil, err
	}
	if h.done == nil {
		_ = s.putHandle(req.ID, h)
		return 0, nil, badRequest("handle %q holds a lock; ask release for it", req.ID)
	}
	select {
	case <-h.done:
	case <-time.After(timeout):
		// Keep the handle: the waiter still runs and may be asked again.
		_ = s.putHandle(req.ID, h)
		return 0, nil, errBenchTimeout("waiter "+req.ID+" acquiring", timeout)
	}
	if h.err != nil {
		return 0, nil, h.err
	}
	return http.StatusOK, benchHandleResult{StartedNS: h.started.UnixNano(), AcquiredNS: h.acquiredAt.UnixNano()}, nil
}
