package main

import (
	"errors"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// The job side of the service: the demo jobs' state, history, and runs on
// request.

// jobJSONFrom renders a job's persisted state.
func jobJSONFrom(st cluster.JobState, interval time.Duration) jobJSON {
	if st.Interval > 0 {
		interval = st.Interval
	}
	out := jobJSON{
		Name:           st.Name,
		IntervalMS:     wireMillis(interval),
		Running:        st.Running,
		LastStartedAt:  wireTime(st.LastStartedAt),
		LastFinishedAt: wireTime(st.LastFinishedAt),
		LastNode:       wireString(st.LastNode.Name),
		LastError:      wireString(st.LastError),
		Runs:           st.Runs,
		NextRunAt:      wireTime(st.NextRunAt),
	}
	if st.Running {
		out.RunningOn = wireString(st.RunningOn.Name)
	}
	if !st.LastFinishedAt.IsZero() {
		ms := wireMillis(st.LastDuration)
		out.LastDurationMS = &ms
	}
	return out
}

// Jobs lists the demo jobs with their state in the store.
func (s *service) Jobs() ([]jobJSON, error) {
	return s.jobList(newKVReads(s.api))
}

// jobList is Jobs through a request's reads: the jobs are read in parallel.
func (s *service) jobList(reads *kvReads) ([]jobJSON, error) {
	out := make([]jobJSON, len(demoJobNames))
	err := inParallel(len(demoJobNames), func(i int) (err error) {
		out[i], err = s.jobVia(reads, demoJobNames[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *service) job(name string) (jobJSON, error) {
	return s.jobVia(s.api, name)
}

func (s *service) jobVia(api cluster.JobPluginAPI, name string) (jobJSON, error) {
	st, err := cluster.InspectJob(api, name)
	if err != nil {
		return jobJSON{}, err
	}
	st.Name = name
	return jobJSONFrom(st, s.config().interval(name)), nil
}

// runJSONFrom renders a history entry; the duration is null until the run
// has finished (and stays null for a lost run).
func runJSONFrom(r runRecord) runJSON {
	out := runJSON{Node: r.Node.Name, StartedAt: wireTime(r.StartedAt), Error: wireString(r.Err), Summary: wireString(r.Summary)}
	if r.Finished {
		ms := wireMillis(r.Duration)
		out.DurationMS = &ms
	}
	return out
}

// Job returns one job with its history; found is false for an unknown name.
func (s *service) Job(name string) (job jobJSON, found bool, err error) {
	if !isDemoJob(name) {
		return jobJSON{}, false, nil
	}
	job, err = s.job(name)
	if err != nil {
		return jobJSON{}, true, err
	}
	records, err := s.jobs.History(name)
	if err != nil {
		return jobJSON{}, true, err
	}
	history := make([]runJSON, 0, len(records))
	for _, r := range records {
		history = append(history, runJSONFrom(r))
	}
	job.History = &history
	return job, true, nil
}

// errWorkloadOff: the demo jobs are not scheduled on this node.
var errWorkloadOff = errors.New("the demo workload is turned off on this node (setting DemoWorkload)")

// RunJob asks for an immediate run of a demo job.
func (s *service) RunJob(name string) (job jobJSON, found bool, err error) {
	if !isDemoJob(name) {
		return jobJSON{}, false, nil
	}
	scheduled, err := s.jobs.RunNow(name)
	if err != nil {
		return jobJSON{}, true, err
	}
	if !scheduled {
		return jobJSON{}, true, errWorkloadOff
	}
	job, err = s.job(name)
	return job, true, err
}
