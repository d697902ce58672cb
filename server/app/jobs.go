package app

import (
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// Job is a demo job's state in the store.
type Job struct {
	Name     string
	Interval time.Duration
	Running  bool
	// RunningOn is the node running it now, set only while Running.
	RunningOn      string
	LastStartedAt  time.Time
	LastFinishedAt time.Time
	LastNode       string
	// LastDuration is meaningful once LastFinishedAt is set.
	LastDuration time.Duration
	LastError    string
	Runs         int64
	NextRunAt    time.Time
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

// Jobs lists the demo jobs with their state in the store.
func (a *App) Jobs() ([]Job, error) {
	return a.jobList(newKVReads(a.api))
}

// jobList reads the demo jobs in parallel through a request's reads.
func (a *App) jobList(reads *kvReads) ([]Job, error) {
	out := make([]Job, len(DemoJobNames))
	err := inParallel(len(DemoJobNames), func(i int) (err error) {
		out[i], err = a.job(reads, DemoJobNames[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (a *App) job(api cluster.JobPluginAPI, name string) (Job, error) {
	st, err := cluster.InspectJob(api, name)
	if err != nil {
		return Job{}, err
	}
	st.Name = name
	return jobFrom(st, a.config().interval(name)), nil
}

// Job returns one job with its history, newest run first; found is false
// for an unknown name.
func (a *App) Job(name string) (job Job, history []Run, found bool, err error) {
	if !IsDemoJob(name) {
		return Job{}, nil, false, nil
	}
	job, err = a.job(a.api, name)
	if err != nil {
		return Job{}, nil, true, err
	}
	records, err := a.jobs.History(name)
	if err != nil {
		return Job{}, nil, true, err
	}
	history = make([]Run, 0, len(records))
	for _, r := range records {
		history = append(history, Run{Node: r.Node.Name, StartedAt: r.StartedAt, Finished: r.Finished, Duration: r.Duration, Err: r.Err, Summary: r.Summary})
	}
	return job, history, true, nil
}

// RunJob asks for an immediate run of a demo job; it runs on whichever node
// wins the job lock. found is false for an unknown name; ErrWorkloadOff
// when the jobs are not scheduled on this node.
func (a *App) RunJob(name string) (job Job, found bool, err error) {
	if !IsDemoJob(name) {
		return Job{}, false, nil
	}
	scheduled, err := a.jobs.RunNow(name)
	if err != nil {
		return Job{}, true, err
	}
	if !scheduled {
		return Job{}, true, ErrWorkloadOff
	}
	job, err = a.job(a.api, name)
	return job, true, err
}
