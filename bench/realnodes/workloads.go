package main

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/bench/report"
)

// bench runs the workloads on the nodes of a started cluster.
type bench struct {
	nodes []*benchNode // nodes[0] is node 1
	plan  plan
	pg    *pgLog
	logf  func(format string, args ...any)
	runID string // makes every lock and job name of this run fresh
	// statusOnly runs only the status route's workloads.
	statusOnly bool
}

const (
	implOurs       = impls.OursName
	implComparator = impls.ComparatorName
)

var implNames = []string{implOurs, implComparator}

// name is a lock or job name unique to this run, workload and implementation.
func (b *bench) name(workload, impl string) string {
	return fmt.Sprintf("bc-%s-%s-%s", workload, impl[:4], b.runID)
}

// checkLogCounts makes one atomic insert fail and checks that the log
// window shows exactly that line, so that zero errors later means zero, not
// a log that records nothing.
func (b *bench) checkLogCounts(ctx context.Context) error {
	window, err := b.pg.open()
	if err != nil {
		return err
	}
	var dup struct {
		Key string `json:"key"`
	}
	if err := b.nodes[0].post(ctx, "/api/v1/bench/duplicate-insert", nil, &dup); err != nil {
		return err
	}
	got, err := window.close()
	if err != nil {
		return err
	}
	if got.Lines != 1 || got.ByKey[dup.Key] != 1 {
		return fmt.Errorf("one failed insert on %s showed as %d duplicate-key lines (by key: %v) in %s; is that the log of the PostgreSQL server the nodes use, logging errors with the default log_line_prefix? (-pglog)",
			dup.Key, got.Lines, got.ByKey, b.pg.path)
	}
	return nil
}

// kvCost times the store itself, the same for both implementations.
func (b *bench) kvCost(ctx context.Context) (kvCostResult, error) {
	var res struct {
		GetUS []int64 `json:"get_us"`
		SetUS []int64 `json:"set_us"`
	}
	if err := b.nodes[0].post(ctx, "/api/v1/bench/kvcost", map[string]any{"samples": b.plan.KVSamples}, &res); err != nil {
		return kvCostResult{}, err
	}
	return kvCostResult{Get: report.Summarize(report.Micros(res.GetUS)), Set: report.Summarize(report.Micros(res.SetUS))}, nil
}

func (b *bench) uncontended(ctx context.Context, impl string) (uncontendedResult, error) {
	var res struct {
		DurationsUS []int64 `json:"durations_us"`
		KVCalls     int64   `json:"kv_calls"`
		Events      int64   `json:"events"`
	}
	err := b.nodes[0].post(ctx, "/api/v1/bench/uncontended", map[string]any{"impl": impl, "samples": b.plan.UncontendedSamples}, &res)
	if err != nil {
		return uncontendedResult{}, err
	}
	n := float64(len(res.DurationsUS))
	return uncontendedResult{
		Time:         report.Summarize(report.Micros(res.DurationsUS)),
		KVCallsPerOp: float64(res.KVCalls) / n,
		EventsPerOp:  float64(res.Events) / n,
	}, nil
}

func (b *bench) localHandoff(ctx context.Context, impl string) (handoffResult, error) {
	var res struct {
		HandoffsUS []int64 `json:"handoffs_us"`
	}
	err := b.nodes[0].post(ctx, "/api/v1/bench/handoff", map[string]any{
		"impl": impl, "samples": b.plan.LocalHandoffSamples,
		"min_hold_ms": b.plan.HandoffMinHold.Milliseconds(), "max_hold_ms": b.plan.HandoffMaxHold.Milliseconds(),
	}, &res)
	if err != nil {
		return handoffResult{}, err
	}
	return newHandoffResult(report.Micros(res.HandoffsUS)), nil
}

type handleResult struct {
	StartedNS  int64 `json:"started_ns"`
	AcquiredNS int64 `json:"acquired_ns"`
	ReleasedNS int64 `json:"released_ns"`
}

// crossHandoff: node 1 holds, node 2 waits, node 1 releases after a random
// hold; a sample is node 1's Unlock call to node 2's Lock returning.
func (b *bench) crossHandoff(ctx context.Context, impl string) (handoffResult, error) {
	holder, waiter := b.nodes[0], b.nodes[1]
	name := b.name("x", impl)
	samples := make([]time.Duration, 0, b.plan.CrossHandoffSamples)
	for i := 0; i < b.plan.CrossHandoffSamples; i++ {
		hold := fmt.Sprintf("h%d-%s", i, b.runID)
		wait := fmt.Sprintf("w%d-%s", i, b.runID)
		req := map[string]any{"impl": impl, "name": name, "id": hold, "timeout_ms": 60000}
		if err := holder.post(ctx, "/api/v1/bench/hold", req, nil); err != nil {
			return handoffResult{}, err
		}
		req = map[string]any{"impl": impl, "name": name, "id": wait, "timeout_ms": 60000, "hold_ms": 0}
		if err := waiter.post(ctx, "/api/v1/bench/wait", req, nil); err != nil {
			return handoffResult{}, err
		}
		time.Sleep(randomBetween(b.plan.HandoffMinHold, b.plan.HandoffMaxHold))
		var released, acquired handleResult
		if err := holder.post(ctx, "/api/v1/bench/release", map[string]any{"id": hold}, &released); err != nil {
			return handoffResult{}, err
		}
		if err := waiter.post(ctx, "/api/v1/bench/waited", map[string]any{"id": wait, "timeout_ms": 60000}, &acquired); err != nil {
			return handoffResult{}, err
		}
		samples = append(samples, time.Duration(acquired.AcquiredNS-released.ReleasedNS))
	}
	return newHandoffResult(samples), nil
}

type acquisition struct {
	Worker     int   `json:"worker"`
	AcquiredNS int64 `json:"acquired_ns"`
	ReleasedNS int64 `json:"released_ns"`
	WaitUS     int64 `json:"wait_us"`
}

type nodeContention struct {
	Acquisitions      []acquisition `json:"acquisitions"`
	UnfinishedWaitsUS []int64       `json:"unfinished_waits_us"`
	Errors            int64         `json:"errors"`
	LastError         string        `json:"last_error"`
}

// contention runs the workers of every node on one name from one instant,
// samples memory and goroutines meanwhile, and counts the database's
// duplicate-key errors of the run's window.
func (b *bench) contention(ctx context.Context, impl string) (contentionResult, error) {
	name := b.name("c", impl)
	start := time.Now().Add(2 * time.Second)
	window, err := b.pg.open()
	if err != nil {
		return contentionResult{}, err
	}
	sampler := b.startSampler(ctx, time.Second)
	results := make([]nodeContention, len(b.nodes))
	err = b.eachNode(func(i int, n *benchNode) error {
		return n.post(ctx, "/api/v1/bench/contention", map[string]any{
			"impl": impl, "name": name, "workers": b.plan.ContentionWorkers,
			"critical_us": b.plan.ContentionCritical.Microseconds(),
			"start_at_ns": start.UnixNano(), "duration_ms": b.plan.ContentionDuration.Milliseconds(),
		}, &results[i])
	})
	memory := sampler.stop()
	if err != nil {
		return contentionResult{}, err
	}
	dbErrors, err := window.close()
	if err != nil {
		return contentionResult{}, err
	}
	return analyzeContention(b.plan, results, dbErrors, memory), nil
}

func analyzeContention(p plan, nodes []nodeContention, dbErrors pgErrors, memory []nodeRuntime) contentionResult {
	res := contentionResult{
		Seconds:        p.ContentionDuration.Seconds(),
		WorkersPerNode: p.ContentionWorkers,
		CriticalMS:     report.Millis(p.ContentionCritical),
		DBErrors:       dbErrors,
		Memory:         memory,
	}
	type interval struct{ from, to int64 }
	var all []interval
	var waits []time.Duration
	for _, n := range nodes {
		res.AcquisitionsPerNode = append(res.AcquisitionsPerNode, len(n.Acquisitions))
		res.Errors += n.Errors
		if n.LastError != "" {
			res.LastError = n.LastError
		}
		for _, a := range n.Acquisitions {
			all = append(all, interval{a.AcquiredNS, a.ReleasedNS})
			waits = append(waits, time.Duration(a.WaitUS)*time.Microsecond)
		}
		for _, u := range n.UnfinishedWaitsUS {
			res.UnfinishedWaits++
			res.MaxUnfinishedWaitMS = max(res.MaxUnfinishedWaitMS, report.Millis(time.Duration(u)*time.Microsecond))
		}
	}
	res.Acquisitions = len(all)
	res.PerSecond = float64(len(all)) / p.ContentionDuration.Seconds()
	res.Wait = report.Summarize(waits)
	res.MaxWaitMS = max(res.Wait.Max, res.MaxUnfinishedWaitMS)
	for _, c := range res.AcquisitionsPerNode {
		share := 0.0
		if len(all) > 0 {
			share = float64(c) / float64(len(all))
		}
		res.SharePerNode = append(res.SharePerNode, share)
	}
	// An overlap is an acquisition made before an earlier one was released,
	// on any node: the nodes share one clock, and a holder takes its release
	// time before it calls Unlock.
	sort.Slice(all, func(i, j int) bool { return all[i].from < all[j].from })
	var releasedBy int64
	for _, iv := range all {
		if iv.from < releasedBy {
			res.Overlaps++
		}
		releasedBy = max(releasedBy, iv.to)
	}
	if len(all) > 0 {
		res.DBErrorsPer100 = float64(dbErrors.Lines) * 100 / float64(len(all))
	}
	return res
}

// waiting: node 1 holds a lock while goroutines on node 2 wait for it; the
// window covers only the waiting, not the handoff after the release.
func (b *bench) waiting(ctx context.Context, impl string) (waitingResult, error) {
	holder, waiter := b.nodes[0], b.nodes[1]
	name := b.name("w", impl)
	holdID := "hold-" + b.runID
	waitID := func(i int) string { return fmt.Sprintf("wait%d-%s", i, b.runID) }
	hold := map[string]any{"impl": impl, "name": name, "id": holdID, "timeout_ms": 60000}
	if err := holder.post(ctx, "/api/v1/bench/hold", hold, nil); err != nil {
		return waitingResult{}, err
	}
	window, err := b.pg.open()
	if err != nil {
		return waitingResult{}, err
	}
	timeout := (b.plan.WaitingDuration + 5*time.Minute).Milliseconds()
	for i := 0; i < b.plan.WaitingGoroutines; i++ {
		req := map[string]any{"impl": impl, "name": name, "id": waitID(i), "timeout_ms": timeout, "hold_ms": 0}
		if err := waiter.post(ctx, "/api/v1/bench/wait", req, nil); err != nil {
			return waitingResult{}, err
		}
	}
	began := time.Now()
	time.Sleep(b.plan.WaitingDuration)
	dbErrors, err := window.close()
	seconds := time.Since(began).Seconds()
	if err != nil {
		return waitingResult{}, err
	}
	if err := holder.post(ctx, "/api/v1/bench/release", map[string]any{"id": holdID}, nil); err != nil {
		return waitingResult{}, err
	}
	for i := 0; i < b.plan.WaitingGoroutines; i++ {
		if err := waiter.post(ctx, "/api/v1/bench/waited", map[string]any{"id": waitID(i), "timeout_ms": 120000}, nil); err != nil {
			return waitingResult{}, err
		}
	}
	return waitingResult{Seconds: seconds, Goroutines: b.plan.WaitingGoroutines, DBErrors: dbErrors}, nil
}

type jobRun struct {
	StartedNS  int64 `json:"started_ns"`
	FinishedNS int64 `json:"finished_ns"`
	node       int
}

// jobs schedules the same job on every node, lets it run, closes it
// everywhere and checks the merged runs.
func (b *bench) jobs(ctx context.Context, impl string) (jobResult, error) {
	name := b.name("j", impl)
	req := map[string]any{"impl": impl, "name": name, "interval_ms": b.plan.JobInterval.Milliseconds(), "body_ms": b.plan.JobBody.Milliseconds()}
	if err := b.eachNode(func(_ int, n *benchNode) error { return n.post(ctx, "/api/v1/bench/jobs/start", req, nil) }); err != nil {
		return jobResult{}, err
	}
	time.Sleep(b.plan.JobDuration)
	perNode := make([]struct {
		Runs []jobRun `json:"runs"`
	}, len(b.nodes))
	if err := b.eachNode(func(i int, n *benchNode) error {
		return n.post(ctx, "/api/v1/bench/jobs/stop", map[string]any{"name": name}, &perNode[i])
	}); err != nil {
		return jobResult{}, err
	}
	var runs []jobRun
	for i, n := range perNode {
		for _, r := range n.Runs {
			r.node = i
			runs = append(runs, r)
		}
	}
	return analyzeJob(b.plan, impl, runs, len(b.nodes)), nil
}

// dueAfterFinish says where each implementation promises the next run: the
// comparator's MakeWaitForInterval waits Interval after the last run
// finished; ours starts a run Interval after the previous one started.
var dueAfterFinish = map[string]bool{implOurs: false, implComparator: true}

// startTolerance absorbs the microseconds between a job recording its start
// and the callback recording it, so that a run exactly on time is not
// counted as early.
const startTolerance = time.Millisecond

func analyzeJob(p plan, impl string, runs []jobRun, nodes int) jobResult {
	sort.Slice(runs, func(i, j int) bool { return runs[i].StartedNS < runs[j].StartedNS })
	res := jobResult{
		Seconds:     p.JobDuration.Seconds(),
		IntervalMS:  report.Millis(p.JobInterval),
		BodyMS:      report.Millis(p.JobBody),
		Runs:        len(runs),
		RunsPerNode: make([]int, nodes),
		DueFrom:     "previous start + interval",
	}
	if dueAfterFinish[impl] {
		res.DueFrom = "previous finish + interval"
	}
	var delays, gaps []time.Duration
	for i, r := range runs {
		res.RunsPerNode[r.node]++
		if i == 0 {
			continue
		}
		prev := runs[i-1]
		if r.StartedNS < prev.FinishedNS {
			res.Overlaps++
		}
		due := prev.StartedNS
		if dueAfterFinish[impl] {
			due = prev.FinishedNS
		}
		due += int64(p.JobInterval)
		delay := time.Duration(r.StartedNS - due)
		switch {
		case delay < -startTolerance:
			res.EarlyStarts++ // a second start within one interval
		case delay >= p.JobInterval:
			res.MissedIntervals++ // an interval went by without a start
		}
		delays = append(delays, delay)
		gaps = append(gaps, time.Duration(r.StartedNS-prev.StartedNS))
	}
	res.Delay = report.Summarize(delays)
	res.Gap = report.Summarize(gaps)
	if len(delays) > 0 {
		sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
		res.MinDelayMS = report.Millis(delays[0])
	}
	res.ExactlyOncePerInterval = len(runs) > 1 && res.EarlyStarts == 0 && res.MissedIntervals == 0 && res.Overlaps == 0
	return res
}

// statusWarmUpBound bounds the wait for a status answer read after the
// workload's setup: the server's staleness bound with room to spare.
const statusWarmUpBound = 10 * time.Second

// status times GET /api/v1/status on node 1 with size's locks known and
// held there, and jobs scheduled, through the plugin's own API. One
// request every plan.StatusPace, from outside, as a browser sees it.
func (b *bench) status(ctx context.Context, size statusSize) (statusResult, error) {
	node := b.nodes[0]
	var setup struct {
		Locks int `json:"locks"`
		Held  int `json:"held"`
		Jobs  int `json:"jobs"`
	}
	if err := node.post(ctx, "/api/v1/bench/status/setup", map[string]any{"locks": size.Locks, "held": size.Held, "jobs": b.plan.StatusJobs}, &setup); err != nil {
		return statusResult{}, err
	}
	defer node.post(context.Background(), "/api/v1/bench/status/teardown", nil, nil)
	res := statusResult{LocksKnown: setup.Locks, LocksHeld: setup.Held, JobsScheduled: setup.Jobs}
	// Until an answer read after the setup comes, the node may still show
	// a snapshot begun during it (fewer locks): those answers are not timed.
	setupDone := time.Now()
	var took []time.Duration
	for i, timed := 0, 0; timed < b.plan.StatusSamples; i++ {
		d, body, err := node.timedGet(ctx, "/api/v1/status")
		if err != nil {
			return statusResult{}, err
		}
		answer, err := readStatusAnswer(body)
		if err != nil {
			return statusResult{}, fmt.Errorf("status answer: %w", err)
		}
		res.MaxAgeMS = max(res.MaxAgeMS, report.Millis(answer.GeneratedAt.Sub(answer.AsOf)))
		switch {
		case i == 0:
			res.FirstMS = report.Millis(d)
		case !answer.AsOf.After(setupDone):
			if time.Since(setupDone) > statusWarmUpBound {
				return statusResult{}, fmt.Errorf("no status answer read after the setup within %v", statusWarmUpBound)
			}
		default:
			took = append(took, d)
			timed++
			res.LocksListed, res.JobsListed, res.ResponseBytes = len(answer.Locks), len(answer.Jobs), len(body)
		}
		time.Sleep(b.plan.StatusPace)
	}
	res.Latency = report.Summarize(took)
	perNode, err := b.panelKVCalls(ctx, node)
	if err != nil {
		return statusResult{}, err
	}
	res.PanelKVCallsPerS = perNode
	return res, nil
}

// panelPoll is how often an open panel asks node 1 for the status (the web
// app's defaultPollMs), and panelWindow how long panelKVCalls watches.
const (
	panelPoll   = 2 * time.Second
	panelWindow = 10 * time.Second
)

// panelKVCalls is what an open panel costs each node in KV calls per
// second: for panelWindow, node 1 is asked for the status every panelPoll
// and nothing else happens, and each node's application counts its calls.
func (b *bench) panelKVCalls(ctx context.Context, panel *benchNode) ([]float64, error) {
	counts := func() ([]int64, error) {
		out := make([]int64, len(b.nodes))
		err := b.eachNode(func(i int, n *benchNode) error {
			var c struct {
				KVCalls int64 `json:"kv_calls"`
			}
			err := n.call(ctx, http.MethodGet, "/api/v1/bench/kvcalls", nil, &c)
			out[i] = c.KVCalls
			return err
		})
		return out, err
	}
	before, err := counts()
	if err != nil {
		return nil, err
	}
	began := time.Now()
	for time.Since(began) < panelWindow {
		if _, _, err := panel.timedGet(ctx, "/api/v1/status"); err != nil {
			return nil, err
		}
		time.Sleep(panelPoll)
	}
	after, err := counts()
	took := time.Since(began).Seconds()
	if err != nil {
		return nil, err
	}
	perS := make([]float64, len(b.nodes))
	for i := range perS {
		perS[i] = float64(after[i]-before[i]) / took
	}
	return perS, nil
}

// runtime reads goroutines and RSS of the plugin on every node.
func (b *bench) runtime(ctx context.Context) ([]nodeRuntime, error) {
	out := make([]nodeRuntime, len(b.nodes))
	err := b.eachNode(func(i int, n *benchNode) error {
		info, err := n.runtime(ctx)
		if err != nil {
			return err
		}
		rss, err := processRSS(info.Pid)
		if err != nil {
			return err
		}
		out[i] = nodeRuntime{Node: n.index, Pid: info.Pid, RSSMiB: rss, Goroutines: info.Goroutines}
		return nil
	})
	return out, err
}

// sampler keeps the highest RSS and goroutine count of each node seen
// while it runs.
type sampler struct {
	stopCh chan struct{}
	done   chan struct{}
	mu     sync.Mutex
	peak   []nodeRuntime
}

func (b *bench) startSampler(ctx context.Context, every time.Duration) *sampler {
	s := &sampler{stopCh: make(chan struct{}), done: make(chan struct{}), peak: make([]nodeRuntime, len(b.nodes))}
	go func() {
		defer close(s.done)
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			select {
			case <-s.stopCh:
				return
			case <-ticker.C:
			}
			now, err := b.runtime(ctx)
			if err != nil {
				b.logf("memory sample failed: %v", err)
				continue
			}
			s.mu.Lock()
			for i, r := range now {
				p := &s.peak[i]
				p.Node, p.Pid = r.Node, r.Pid
				p.RSSMiB = max(p.RSSMiB, r.RSSMiB)
				p.Goroutines = max(p.Goroutines, r.Goroutines)
				p.Samples++
			}
			s.mu.Unlock()
		}
	}()
	return s
}

func (s *sampler) stop() []nodeRuntime {
	close(s.stopCh)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// eachNode runs f for every node at once and returns the first error.
func (b *bench) eachNode(f func(i int, n *benchNode) error) error {
	errs := make([]error, len(b.nodes))
	var wg sync.WaitGroup
	for i, n := range b.nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i, n)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func randomBetween(min, max time.Duration) time.Duration {
	if max <= min {
		return min
	}
	return min + time.Duration(rand.Int63n(int64(max-min)+1))
}
