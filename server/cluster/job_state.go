package cluster

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Run is one execution of a job's callback.
type Run struct {
	Job       string        // the job's key
	Node      Node          // the instance that ran it
	StartedAt time.Time     // by that instance's clock
	Duration  time.Duration // zero while running
	Err       string        // "" on success; panics and lost leases are recorded here
}

// JobState is a job's persisted metadata, as InspectJob reads it.
type JobState struct {
	Name           string        // the job's key
	Interval       time.Duration // as configured by the last instance that ran it
	Running        bool          // a run has started and not finished (or not yet been found lost)
	RunningOn      Node          // zero when not running
	LastStartedAt  time.Time
	LastFinishedAt time.Time
	LastNode       Node // the instance of the last run
	LastDuration   time.Duration
	LastError      string // "" when the last run succeeded
	Runs           int64  // finished runs, lost ones included
	NextRunAt      time.Time
}

// jobRecord is the stored form. LastFinished keeps the field name of the
// widely used implementation's metadata, so its records are read here and
// ours there.
type jobRecord struct {
	LastFinished time.Time     `json:"LastFinished"`
	LastStarted  time.Time     `json:"last_started,omitempty"`
	LastNode     Node          `json:"last_node"`
	LastDuration time.Duration `json:"last_duration_ns,omitempty"`
	LastError    string        `json:"last_error,omitempty"`
	Runs         int64         `json:"runs"`
	Running      bool          `json:"running,omitempty"`
	RunningOn    Node          `json:"running_on"`
	Interval     time.Duration `json:"interval_ns"`
	NextRun      time.Time     `json:"next_run"`
	// CallbackStarted is when the last finished run's callback began, a
	// record write after LastStarted: the next run is due an Interval after
	// it, so that write's latency never brings two callbacks closer.
	CallbackStarted time.Time `json:"callback_started,omitempty"`
}

// dueAt is when the run after the recorded one is due.
func (r jobRecord) dueAt(interval time.Duration) time.Time {
	from := r.LastStarted
	if r.CallbackStarted.After(from) {
		from = r.CallbackStarted
	}
	return from.Add(interval)
}

func (r jobRecord) state(name string) JobState {
	return JobState{
		Name:           name,
		Interval:       r.Interval,
		Running:        r.Running,
		RunningOn:      r.RunningOn,
		LastStartedAt:  r.LastStarted,
		LastFinishedAt: r.LastFinished,
		LastNode:       r.LastNode,
		LastDuration:   r.LastDuration,
		LastError:      r.LastError,
		Runs:           r.Runs,
		NextRunAt:      r.NextRun,
	}
}

func readJobRecord(api JobPluginAPI, key string) (jobRecord, error) {
	var r jobRecord
	b, appErr := api.KVGet(jobMetaKey(key))
	if appErr != nil {
		return r, appErr
	}
	if b == nil {
		return r, nil
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return jobRecord{}, errCorruptJobRecord
	}
	return r, nil
}

// errCorruptJobRecord: the job's metadata key holds something that is not
// a job record. The job treats it as never run (and overwrites it) rather
// than stop for good.
var errCorruptJobRecord = errors.New("cluster: unreadable job metadata")

// writeJobRecord stores r. Only the holder of the job's lock writes, so a
// plain set is enough.
func writeJobRecord(api JobPluginAPI, key string, r jobRecord) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, appErr := api.KVSetWithOptions(jobMetaKey(key), b, model.PluginKVSetOptions{}); appErr != nil {
		return appErr
	}
	return nil
}

// InspectJob reads a job's persisted metadata from the store (one KVGet). A
// job that never ran has a zero state apart from Name.
func InspectJob(pluginAPI JobPluginAPI, name string) (JobState, error) {
	if name == "" {
		return JobState{}, errors.New("cluster: job name must not be empty")
	}
	r, err := readJobRecord(pluginAPI, name)
	if err != nil {
		return JobState{Name: name}, err
	}
	return r.state(name), nil
}
