package main

import (
	"net/http"
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// The job workload: the driver schedules the same job on every node, lets it
// run, then closes it everywhere and merges the runs each node recorded.

type benchJobRequest struct {
	Impl       string `json:"impl"`
	Name       string `json:"name"`
	IntervalMS int64  `json:"interval_ms"`
	// BodyMS is how long each run works, so that two runs at once would
	// show as an overlap.
	BodyMS int64 `json:"body_ms"`
}

type benchRun struct {
	StartedNS  int64 `json:"started_ns"`
	FinishedNS int64 `json:"finished_ns"`
}

type benchJobRuns struct {
	Runs []benchRun `json:"runs"`
}

// benchScheduled is one scheduled bench job and the runs it made here.
type benchScheduled struct {
	job  impls.Job
	mu   sync.Mutex
	runs []benchRun
}

// scheduledJobs is the node's benchmark jobs, by name.
type scheduledJobs struct {
	sync.Mutex
	byName map[string]*benchScheduled
}

func (s *benchNode) handleBenchJobStart(r *http.Request) (int, interface{}, error) {
	var req benchJobRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	impl, err := parseImpl(req.Impl)
	if err != nil {
		return 0, nil, err
	}
	if err := benchLockName(req.Name); err != nil {
		return 0, nil, err
	}
	interval, err := benchDuration("interval_ms", req.IntervalMS, 100*time.Millisecond, time.Hour)
	if err != nil {
		return 0, nil, err
	}
	body, err := benchDuration("body_ms", req.BodyMS, 0, interval)
	if err != nil {
		return 0, nil, err
	}
	s.jobs.Lock()
	defer s.jobs.Unlock()
	if _, taken := s.jobs.byName[req.Name]; taken {
		return 0, nil, httpapi.Errorf(http.StatusConflict, "job %s is already scheduled here", req.Name)
	}
	sj := &benchScheduled{}
	sj.job, err = impl.Schedule(s.api, req.Name, interval, func() {
		started := time.Now()
		time.Sleep(body)
		finished := time.Now()
		sj.mu.Lock()
		sj.runs = append(sj.runs, benchRun{StartedNS: started.UnixNano(), FinishedNS: finished.UnixNano()})
		sj.mu.Unlock()
	})
	if err != nil {
		return 0, nil, err
	}
	s.jobs.byName[req.Name] = sj
	return http.StatusOK, benchJobRuns{Runs: []benchRun{}}, nil
}

// handleBenchJobStop closes the job here (waiting for a running callback)
// and returns the runs this node made.
func (s *benchNode) handleBenchJobStop(r *http.Request) (int, interface{}, error) {
	var req benchJobRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	s.jobs.Lock()
	sj, ok := s.jobs.byName[req.Name]
	delete(s.jobs.byName, req.Name)
	s.jobs.Unlock()
	if !ok {
		return 0, nil, httpapi.Errorf(http.StatusNotFound, "no bench job %q here", req.Name)
	}
	if err := sj.job.Close(); err != nil {
		return 0, nil, err
	}
	sj.mu.Lock()
	defer sj.mu.Unlock()
	return http.StatusOK, benchJobRuns{Runs: append([]benchRun{}, sj.runs...)}, nil
}
