package cluster

import (
	"sync"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// JobOnceMetadata is a pending one-shot job (Key and RunAt, as in v0.0.19,
// plus server/cluster's fields).
type JobOnceMetadata = cluster.JobOnceMetadata

// JobOnceScheduler runs one-shot jobs, with v0.0.19's methods.
type JobOnceScheduler struct {
	s   *cluster.JobOnceScheduler
	api JobPluginAPI
}

// JobOnce is a scheduled one-shot job.
type JobOnce struct {
	j   *cluster.JobOnce
	api JobPluginAPI
}

var wrappers = struct {
	sync.Mutex
	of map[*cluster.JobOnceScheduler]*JobOnceScheduler
}{of: map[*cluster.JobOnceScheduler]*JobOnceScheduler{}}

// GetJobOnceScheduler returns the scheduler for pluginAPI; repeated calls
// with the same value return the same scheduler.
func GetJobOnceScheduler(pluginAPI JobPluginAPI) *JobOnceScheduler {
	s := cluster.GetJobOnceScheduler(pluginAPI)
	wrappers.Lock()
	defer wrappers.Unlock()
	if w, ok := wrappers.of[s]; ok {
		return w
	}
	w := &JobOnceScheduler{s: s, api: pluginAPI}
	wrappers.of[s] = w
	return w
}

// Start finds the jobs in the store and keeps looking for new ones.
func (s *JobOnceScheduler) Start() error { return s.s.Start() }

// SetCallback sets the function called with a job's key when it runs.
func (s *JobOnceScheduler) SetCallback(callback func(string)) error { return s.s.SetCallback(callback) }

// ListScheduledJobs lists the pending jobs.
func (s *JobOnceScheduler) ListScheduledJobs() ([]JobOnceMetadata, error) {
	return s.s.ListScheduledJobs()
}

// ScheduleOnce schedules key to run once at runAt; an error if key is
// pending.
func (s *JobOnceScheduler) ScheduleOnce(key string, runAt time.Time) (*JobOnce, error) {
	j, err := s.s.ScheduleOnce(key, runAt)
	if err != nil {
		return nil, err
	}
	return &JobOnce{j: j, api: s.api}, nil
}

// Cancel cancels the pending job key everywhere. v0.0.19's Cancel returns
// nothing, so a failure is logged.
func (s *JobOnceScheduler) Cancel(key string) {
	if err := s.s.Cancel(key); err != nil {
		s.api.LogError("cluster: could not cancel one-shot job", "job", key, "err", err.Error())
	}
}

// Cancel cancels the job everywhere; a failure is logged.
func (j *JobOnce) Cancel() {
	if err := j.j.Cancel(); err != nil {
		j.api.LogError("cluster: could not cancel one-shot job", "job", j.j.Key(), "err", err.Error())
	}
}
