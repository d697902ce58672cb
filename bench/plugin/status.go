package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// The status workload's setup: locks held and jobs scheduled through the
// plugin's own API value, so the status route lists them as it would a
// plugin's real ones. The driver then times GET /api/v1/status.

type benchStatusRequest struct {
	Locks int `json:"locks"`
	Jobs  int `json:"jobs"`
}

type benchStatusSetup struct {
	Locks int `json:"locks"`
	Jobs  int `json:"jobs"`
}

// statusHeld is what the status workload's setup holds until teardown.
type statusHeld struct {
	sync.Mutex
	mutexes []*cluster.Mutex
	jobs    []*cluster.Job
}

// benchStatusJobInterval is long enough that the jobs are idle, as most
// scheduled jobs are, while the status route is timed.
const benchStatusJobInterval = 10 * time.Minute

func (s *benchNode) handleBenchStatusSetup(r *http.Request) (int, interface{}, error) {
	var req benchStatusRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := benchCount("locks", req.Locks, 500); err != nil {
		return 0, nil, err
	}
	if err := benchCount("jobs", req.Jobs, 100); err != nil {
		return 0, nil, err
	}
	s.statusHeld.Lock()
	defer s.statusHeld.Unlock()
	if len(s.statusHeld.mutexes)+len(s.statusHeld.jobs) > 0 {
		return 0, nil, httpapi.Errorf(http.StatusConflict, "status workload already set up; tear it down first")
	}
	ctx, cancel := context.WithTimeout(s.ctx, time.Minute)
	defer cancel()
	for i := 0; i < req.Locks; i++ {
		m := cluster.NewMutex(s.api, fmt.Sprintf("bench-status-lock-%03d", i))
		if err := m.LockWithContext(ctx); err != nil {
			s.releaseBenchStatus()
			return 0, nil, err
		}
		s.statusHeld.mutexes = append(s.statusHeld.mutexes, m)
	}
	for i := 0; i < req.Jobs; i++ {
		job, err := cluster.Schedule(s.api, fmt.Sprintf("bench-status-job-%03d", i), cluster.JobConfig{Interval: benchStatusJobInterval}, func() {})
		if err != nil {
			s.releaseBenchStatus()
			return 0, nil, err
		}
		s.statusHeld.jobs = append(s.statusHeld.jobs, job)
	}
	return http.StatusOK, benchStatusSetup{Locks: len(s.statusHeld.mutexes), Jobs: len(s.statusHeld.jobs)}, nil
}

func (s *benchNode) handleBenchStatusTeardown(r *http.Request) (int, interface{}, error) {
	s.statusHeld.Lock()
	defer s.statusHeld.Unlock()
	out := benchStatusSetup{Locks: len(s.statusHeld.mutexes), Jobs: len(s.statusHeld.jobs)}
	s.releaseBenchStatus()
	return http.StatusOK, out, nil
}

// releaseBenchStatus unlocks and closes what setup made; the caller holds
// s.statusHeld.
func (s *benchNode) releaseBenchStatus() {
	for _, m := range s.statusHeld.mutexes {
		m.Unlock()
	}
	for _, j := range s.statusHeld.jobs {
		_ = j.Close()
	}
	s.statusHeld.mutexes, s.statusHeld.jobs = nil, nil
}
