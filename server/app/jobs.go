package app

import (
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// Job is a demo job's state in the store.
type Job struct {
	Name string
	// Lock is the cluster lock the job runs under.
	Lock     string
	Interval time.Duration
	Running  bool
	// RunningOn is the node running it now, set only while Running.
	RunningOn      string
	LastStartedAt  time.Time
	LastFinishedAt time.Time
	LastNode       string
	// LastDuration is meaningful once LastFinishedAt is set, and zero when
	// unknown (a run found lost).
	LastDuration time.Duration
	LastError    string
	Runs         int64
	NextRunAt    time.Time
	// RunRequest is the last run someone asked for on demand, within a
	// day; nil if none.
	RunRequest *RunRequest
}

// Run is one run in a job's history.
type Run struct {
	Node      string
	StartedAt time.Time
	// Finished is false while the run is in progress, and for a run whose
	// node died or lost the lease before it could record the end;
	// Duration is meaningful only when it is true.
	Finished bool
	Duration time.Duration
	Err      string
	// Summary is what a digest run counted; empty for the other jobs.
	Summary string
}

// jobFrom is a job's persisted state; interval is the configured one, used
// until the job has recorded its own.
func jobFrom(st cluster.JobState, interval time.Duration) Job {
	if st.Interval > 0 {
		interval = st.Interval
	}
	out := Job{
		Name:           st.Name,
		Lock:           cluster.JobLockName(st.Name),
		Interval:       interval,
		Running:        st.Running,
		LastStartedAt:  st.LastStartedAt,
		LastFinishedAt: st.LastFinishedAt,
		LastNode:       st.LastNode.Name,
		LastDuration:   st.LastDuration,
		LastError:      st.LastError,
		Runs:           st.Runs,
		NextRunAt:      st.NextRunAt,
	}
	if st.Running {
		out.RunningOn = st.RunningOn.Name
	}
	return out
}

// readJob reads one demo job's state through api; cfg gives its interval
// until the job has recorded its own.
func readJob(api cluster.JobPluginAPI, name string, cfg *Configuration) (Job, error) {
	var st cluster.JobState
	var req *RunRequest
	err := allOf(
		func() (err error) { st, err = cluster.InspectJob(api, name); return err },
		func() (err error) { req, err = readRunRequest(api, name); return err },
	)
	if err != nil {
		return Job{}, err
	}
	st.Name = name
	job := jobFrom(st, cfg.interval(name))
	job.RunRequest = req
	return job, nil
}

// readJobs reads the demo jobs in parallel through a request's reads.
func readJobs(reads *kvReads, cfg *Configuration) ([]Job, error) {
	out := make([]Job, len(DemoJobNames))
	err := inParallel(len(DemoJobNames), func(i int) (err error) {
		out[i], err = readJob(reads, DemoJobNames[i], cfg)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
