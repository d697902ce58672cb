package main

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// The contention workload: workers on this node (and, started by the driver
// for the same instant, on the other nodes) loop Lock, a fixed critical
// section, Unlock, on one name for a fixed time. Each acquisition is returned
// as its interval, so the driver can merge every node's intervals and count
// overlaps on the one clock the local cluster's nodes share.

type benchContentionRequest struct {
	Impl       string `json:"impl"`
	Name       string `json:"name"`
	Workers    int    `json:"workers"`
	CriticalUS int64  `json:"critical_us"`
	StartAtNS  int64  `json:"start_at_ns"`
	DurationMS int64  `json:"duration_ms"`
}

type benchAcquisition struct {
	Worker     int   `json:"worker"`
	AcquiredNS int64 `json:"acquired_ns"`
	ReleasedNS int64 `json:"released_ns"`
	WaitUS     int64 `json:"wait_us"`
}

type benchContentionResult struct {
	Acquisitions []benchAcquisition `json:"acquisitions"`
	// UnfinishedWaitsUS are the waits the end of the run cut short: a
	// worker still waiting when time ran out waited at least this long.
	UnfinishedWaitsUS []int64 `json:"unfinished_waits_us"`
	Errors            int64   `json:"errors"`
	LastError         string  `json:"last_error,omitempty"`
}

func (s *benchNode) handleBenchContention(r *http.Request) (int, interface{}, error) {
	var req benchContentionRequest
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
	if err := benchCount("workers", req.Workers, 64); err != nil {
		return 0, nil, err
	}
	critical := time.Duration(req.CriticalUS) * time.Microsecond
	if critical < 0 || critical > time.Second {
		return 0, nil, badRequest("critical_us must be from 0 to 1000000, not %d", req.CriticalUS)
	}
	duration, err := benchDuration("duration_ms", req.DurationMS, time.Second, 5*time.Minute)
	if err != nil {
		return 0, nil, err
	}
	start := time.Unix(0, req.StartAtNS)
	if wait := time.Until(start); wait < -time.Second || wait > time.Minute {
		return 0, nil, badRequest("start_at_ns must be within a minute from now, and not past")
	}

	mutexes := make([]impls.Mutex, req.Workers)
	for i := range mutexes {
		if mutexes[i], err = impl.NewMutex(s.api, req.Name); err != nil {
			return 0, nil, err
		}
	}
	time.Sleep(time.Until(start))
	ctx, cancel := context.WithDeadline(s.ctx, start.Add(duration))
	defer cancel()

	var mu sync.Mutex
	var res benchContentionResult
	var wg sync.WaitGroup
	for w, m := range mutexes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acqs, unfinished, errs, lastErr := contend(ctx, w, m, critical)
			mu.Lock()
			defer mu.Unlock()
			res.Acquisitions = append(res.Acquisitions, acqs...)
			if unfinished > 0 {
				res.UnfinishedWaitsUS = append(res.UnfinishedWaitsUS, unfinished.Microseconds())
			}
			res.Errors += errs
			if lastErr != nil {
				res.LastError = lastErr.Error()
			}
		}()
	}
	wg.Wait()
	sort.Slice(res.Acquisitions, func(i, j int) bool { return res.Acquisitions[i].AcquiredNS < res.Acquisitions[j].AcquiredNS })
	return http.StatusOK, res, nil
}

// contend is one worker. An error other than the end of the run is counted
// and retried after a short pause, as a plugin would.
func contend(ctx context.Context, worker int, m impls.Mutex, critical time.Duration) (acqs []benchAcquisition, unfinished time.Duration, errs int64, lastErr error) {
	for ctx.Err() == nil {
		began := time.Now()
		if err := m.LockWithContext(ctx); err != nil {
			if ctx.Err() != nil {
				return acqs, time.Since(began), errs, lastErr
			}
			errs++
			lastErr = err
			time.Sleep(10 * time.Millisecond)
			continue
		}
		acquired := time.Now()
		time.Sleep(critical)
		released := time.Now()
		m.Unlock()
		acqs = append(acqs, benchAcquisition{
			Worker:     worker,
			AcquiredNS: acquired.UnixNano(),
			ReleasedNS: released.UnixNano(),
			WaitUS:     acquired.Sub(began).Microseconds(),
		})
	}
	return acqs, 0, errs, lastErr
}
