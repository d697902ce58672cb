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

// The status workload's setup: locks used and jobs scheduled through the
// plugin's own API value, so the status route lists them as it would a
// plugin's real ones. The driver then times GET /api/v1/status.

// benchStatusMaxLocks bounds the locks one setup makes known, which is
// also the most names the cluster package remembers after they go idle.
const benchStatusMaxLocks = 1000

// benchStatusSetupParallelism is how many locks setup takes at once, so
// that a thousand take seconds, not a minute, on real nodes.
const benchStatusSetupParallelism = 8

// benchStatusRequest asks for Locks lock names known to this node, the
// first Held of them held until teardown (Held defaults to all of them),
// and Jobs idle jobs.
type benchStatusRequest struct {
	Locks int  `json:"locks"`
	Held  *int `json:"held"`
	Jobs  int  `json:"jobs"`
}

type benchStatusSetup struct {
	Locks int `json:"locks"`
	Held  int `json:"held"`
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
	if err := benchCount("locks", req.Locks, benchStatusMaxLocks); err != nil {
		return 0, nil, err
	}
	held := req.Locks
	if req.Held != nil {
		held = *req.Held
	}
	if err := benchCount("held", held, req.Locks); err != nil {
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
	ctx, cancel := context.WithTimeout(s.ctx, 2*time.Minute)
	defer cancel()
	mutexes, err := takeStatusLocks(ctx, s.api, req.Locks, held)
	s.statusHeld.mutexes = mutexes
	if err != nil {
		s.releaseBenchStatus()
		return 0, nil, err
	}
	for i := 0; i < req.Jobs; i++ {
		job, err := cluster.Schedule(s.api, fmt.Sprintf("bench-status-job-%03d", i), cluster.JobConfig{Interval: benchStatusJobInterval}, func() {})
		if err != nil {
			s.releaseBenchStatus()
			return 0, nil, err
		}
		s.statusHeld.jobs = append(s.statusHeld.jobs, job)
	}
	return http.StatusOK, benchStatusSetup{Locks: req.Locks, Held: len(s.statusHeld.mutexes), Jobs: len(s.statusHeld.jobs)}, nil
}

// takeStatusLocks takes locks names benchStatusSetupParallelism at a time
// and keeps the first held of them; the others are released at once, so
// they stay known to this node but free. It returns the mutexes it holds,
// also on error, for the caller to release.
func takeStatusLocks(ctx context.Context, api pluginAPI, locks, held int) ([]*cluster.Mutex, error) {
	mutexes := make([]*cluster.Mutex, locks)
	errs := make([]error, locks)
	sem := make(chan struct{}, benchStatusSetupParallelism)
	var wg sync.WaitGroup
	for i := 0; i < locks; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			m := cluster.NewMutex(api, fmt.Sprintf("bench-status-lock-%04d", i))
			if errs[i] = m.LockWithContext(ctx); errs[i] != nil {
				return
			}
			if i >= held {
				m.Unlock()
				return
			}
			mutexes[i] = m
		}(i)
	}
	wg.Wait()
	var out []*cluster.Mutex
	for _, m := range mutexes {
		if m != nil {
			out = append(out, m)
		}
	}
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *benchNode) handleBenchStatusTeardown(r *http.Request) (int, interface{}, error) {
	s.statusHeld.Lock()
	defer s.statusHeld.Unlock()
	out := benchStatusSetup{Held: len(s.statusHeld.mutexes), Jobs: len(s.statusHeld.jobs)}
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
