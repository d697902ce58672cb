package app

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// The demo jobs. Every node schedules all three; the cluster package makes
// sure each runs on one node at a time, once per interval.
const (
	JobQuick  = "quick"
	JobSlow   = "slow"
	JobDigest = "digest"

	// quickRunTime is how long the quick job works: short, but long enough
	// to be seen as a run.
	quickRunTime = 100 * time.Millisecond
)

// DemoJobNames are the demo jobs, sorted.
var DemoJobNames = []string{JobDigest, JobQuick, JobSlow}

// isJobLock reports whether name is the lock of a demo job.
func isJobLock(name string) bool {
	for _, job := range DemoJobNames {
		if cluster.JobLockName(job) == name {
			return true
		}
	}
	return false
}

// IsDemoJob reports whether name is one of the demo jobs.
func IsDemoJob(name string) bool {
	i := sort.SearchStrings(DemoJobNames, name)
	return i < len(DemoJobNames) && DemoJobNames[i] == name
}

// Run history: the last RunHistoryLength runs of each job, newest first,
// kept in the KV store so every node's panel shows the same strip.
const (
	RunHistoryLength    = 20
	runHistoryKeyPrefix = keyPrefix + "runs_"
)

type runRecord struct {
	Node      cluster.Node  `json:"node"`
	StartedAt time.Time     `json:"started_at"`
	Duration  time.Duration `json:"duration"`
	Err       string        `json:"error"`
	// Finished is false while the run is in progress, and for a run whose
	// node died or lost the lease before it could record the end.
	Finished bool `json:"finished"`
	// Summary is what the digest job counted; empty for the other jobs.
	Summary string `json:"summary,omitempty"`
}

func runHistoryKey(job string) string { return runHistoryKeyPrefix + job }

// jobWork is what a demo job does in one run; summary, when not empty, is
// kept in the run's history record.
type jobWork func(ctx context.Context) (summary string, err error)

// demoJobs owns this node's scheduled jobs.
type demoJobs struct {
	api     PluginAPI
	publish func(kind, name string)
	work    map[string]jobWork

	applyMu   sync.Mutex // one Apply or CloseAll at a time
	closed    bool       // set by CloseAll, under applyMu: nothing is scheduled after
	mu        sync.Mutex
	jobs      map[string]*cluster.Job
	intervals map[string]time.Duration
	// summaries carries the digest's summary from its run to the history
	// record written when the run finishes, on this same node.
	summaries map[string]string
}

func newDemoJobs(api PluginAPI, publish func(kind, name string), work map[string]jobWork) *demoJobs {
	return &demoJobs{
		api:       api,
		publish:   publish,
		work:      work,
		jobs:      map[string]*cluster.Job{},
		intervals: map[string]time.Duration{},
		summaries: map[string]string{},
	}
}

// Apply schedules, reschedules or closes the jobs to match cfg. Jobs are
// closed outside d.mu: Close waits for a run in progress, and a run's
// callbacks take d.mu.
func (d *demoJobs) Apply(cfg *Configuration) error {
	d.applyMu.Lock()
	defer d.applyMu.Unlock()
	if d.closed {
		// A configuration change that raced with deactivation must not
		// schedule jobs on a stopped plugin.
		return nil
	}

	d.mu.Lock()
	toClose := map[string]*cluster.Job{}
	var toSchedule []string
	for _, name := range DemoJobNames {
		job, scheduled := d.jobs[name]
		if scheduled && cfg.DemoWorkload && d.intervals[name] == cfg.interval(name) {
			continue
		}
		if scheduled {
			toClose[name] = job
			delete(d.jobs, name)
		}
		if cfg.DemoWorkload {
			toSchedule = append(toSchedule, name)
		}
	}
	d.mu.Unlock()

	for name, job := range toClose {
		if err := job.Close(); err != nil {
			d.api.LogError("clusterdemo: closing job failed", "job", name, "err", err.Error())
		}
	}
	var firstErr error
	for _, name := range toSchedule {
		job, err := d.schedule(name, cfg.interval(name))
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		d.mu.Lock()
		d.jobs[name] = job
		d.intervals[name] = cfg.interval(name)
		d.mu.Unlock()
	}
	return firstErr
}

func (d *demoJobs) schedule(name string, interval time.Duration) (*cluster.Job, error) {
	work := d.work[name]
	config := cluster.JobConfig{
		Interval:      interval,
		OnRunStarted:  d.recordStart,
		OnRunFinished: d.recordRun,
	}
	job, err := cluster.ScheduleContext(d.api, name, config, func(ctx context.Context) error {
		summary, err := work(ctx)
		if summary != "" {
			d.setSummary(name, summary)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("scheduling job %s: %w", name, err)
	}
	return job, nil
}

// setSummary keeps a run's summary until recordRun writes it into the
// run's history record.
func (d *demoJobs) setSummary(job, summary string) {
	d.mu.Lock()
	d.summaries[job] = summary
	d.mu.Unlock()
}

// lostRunError marks a run that never recorded its end: its node died or
// lost the lease mid-run. The next run to start finds it so.
const lostRunError = "lost: its node stopped or lost the job lock before the run finished"

// recordStart prepends a run in progress to the job's history. Only one run
// of a job is in progress at a time (it holds the job lock), so any earlier
// run still unfinished was lost.
func (d *demoJobs) recordStart(run cluster.Run) {
	err := kvUpdateJSON(d.api, runHistoryKey(run.Job), 0, func(history *[]runRecord) {
		for i := range *history {
			if r := &(*history)[i]; !r.Finished && r.Err == "" {
				r.Err = lostRunError
			}
		}
		*history = append([]runRecord{{Node: run.Node, StartedAt: run.StartedAt}}, *history...)
		if len(*history) > RunHistoryLength {
			*history = (*history)[:RunHistoryLength]
		}
	})
	if err != nil {
		d.api.LogError("clusterdemo: recording job start failed", "job", run.Job, "err", err.Error())
	}
	d.publish(changeJob, run.Job)
}

// recordRun records the end of a run in the job's history.
func (d *demoJobs) recordRun(run cluster.Run) {
	d.mu.Lock()
	summary := d.summaries[run.Job]
	delete(d.summaries, run.Job)
	d.mu.Unlock()
	finished := runRecord{Node: run.Node, StartedAt: run.StartedAt, Duration: run.Duration, Err: run.Err, Finished: true, Summary: summary}
	err := kvUpdateJSON(d.api, runHistoryKey(run.Job), 0, func(history *[]runRecord) {
		for i, r := range *history {
			if r.Node.ID == run.Node.ID && r.StartedAt.Equal(run.StartedAt) {
				(*history)[i] = finished
				return
			}
		}
		// The start was not recorded (the store failed then): add the run.
		*history = append([]runRecord{finished}, *history...)
		if len(*history) > RunHistoryLength {
			*history = (*history)[:RunHistoryLength]
		}
	})
	if err != nil {
		d.api.LogError("clusterdemo: recording job run failed", "job", run.Job, "err", err.Error())
	}
	d.publish(changeJob, run.Job)
}

// History returns the job's last runs, newest first.
func (d *demoJobs) History(name string) ([]runRecord, error) {
	var history []runRecord
	if _, err := kvGetJSON(d.api, runHistoryKey(name), &history); err != nil {
		return nil, err
	}
	return history, nil
}

// RunNow asks for an immediate run of name; it runs on whichever node wins
// the job lock. scheduled is false when the job is not scheduled on this
// node (the demo workload is off here).
func (d *demoJobs) RunNow(name string) (scheduled bool, err error) {
	d.mu.Lock()
	job, ok := d.jobs[name]
	d.mu.Unlock()
	if !ok {
		return false, nil
	}
	return true, job.RunNow()
}

// CloseAll closes every job; Close returns once a run in progress here has
// stopped and the job's lock is released.
func (d *demoJobs) CloseAll() {
	d.applyMu.Lock()
	defer d.applyMu.Unlock()
	d.closed = true
	d.mu.Lock()
	jobs := d.jobs
	d.jobs = map[string]*cluster.Job{}
	d.mu.Unlock()
	for name, job := range jobs {
		if err := job.Close(); err != nil {
			d.api.LogError("clusterdemo: closing job failed", "job", name, "err", err.Error())
		}
	}
}

// sleepWork is a job that works for d, stopping early (with the reason as
// the run's outcome) when the run is cancelled.
func sleepWork(d func() time.Duration) jobWork {
	return func(ctx context.Context) (string, error) {
		timer := time.NewTimer(d())
		defer timer.Stop()
		select {
		case <-timer.C:
			return "", nil
		case <-ctx.Done():
			return "", fmt.Errorf("run cancelled: %w", ctx.Err())
		}
	}
}
