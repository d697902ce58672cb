package cluster

import (
	"encoding/json"
	"errors"
	"time"
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
	LastFinishedAt time.Time     // when the last run ended; zero while none has (a first run still going)
	LastNode       Node          // the instance of the last run
	LastDuration   time.Duration // zero when unknown: a lost run's end was never recorded
	LastError      string        // "" when the last run succeeded
	Runs           int64         // finished runs, lost ones included
	NextRunAt      time.Time
}

// jobRecord is the stored form. While a run is in progress LastFinished
// holds its start: the widely used implementation schedules the next run an
// Interval after LastFinished, so a run of ours that dies mid-way must not
// leave the previous finish there. LastFinished keeps the field name of the
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
	// RunID makes every start record's bytes unique, so a start write
	// whose reply was an error can be recognised when read back.
	RunID string `json:"run_id,omitempty"`
	// Ended is when the last run ended (for a lost run: its start, the last
	// moment it is known to have run). Unlike LastFinished it is not moved
	// by a start, so a status shows the finished run, not the running one.
	Ended time.Time `json:"ended,omitempty"`
	// CallbackStarted is when the last finished run's callback began, a
	// record write after LastStarted: the next run is due an Interval after
	// it, so that write's latency never brings two callbacks closer.
	CallbackStarted time.Time `json:"callback_started,omitempty"`
}

// dueAt is when the run after the recorded one is due. A record written by
// the widely used implementation has only LastFinished, and it schedules
// the next run an Interval after that: so do we, or a rolling upgrade would
// run the job twice within an Interval.
func (r jobRecord) dueAt(interval time.Duration) time.Time {
	from := r.LastStarted
	if r.CallbackStarted.After(from) {
		from = r.CallbackStarted
	}
	if from.IsZero() {
		from = r.LastFinished
	}
	return from.Add(interval)
}

func (r jobRecord) state(name string) JobState {
	ended := r.Ended
	if ended.IsZero() && !r.Running {
		ended = r.LastFinished // written by v0.0.19, or by an earlier version of ours
	}
	return JobState{
		Name:           name,
		Interval:       r.Interval,
		Running:        r.Running,
		RunningOn:      r.RunningOn,
		LastStartedAt:  r.LastStarted,
		LastFinishedAt: ended,
		LastNode:       r.LastNode,
		LastDuration:   r.LastDuration,
		LastError:      r.LastError,
		Runs:           r.Runs,
		NextRunAt:      r.NextRun,
	}
}

// readJobRecord reads a job's record and the exact bytes it was read from,
// against which the next write compares.
func readJobRecord(s kv, key string) ([]byte, jobRecord, error) {
	var r jobRecord
	b, err := s.read(jobMetaKey(key))
	if err != nil || b == nil {
		return nil, r, err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return b, jobRecord{}, errCorruptJobRecord
	}
	return b, r, nil
}

// errCorruptJobRecord: the job's metadata key holds something that is not
// a job record. The job treats it as never run (and overwrites it) rather
// than stop for good.
var errCorruptJobRecord = errors.New("cluster: unreadable job metadata")

// InspectJob reads a job's persisted metadata from the store (one KVGet). A
// job that never ran has a zero state apart from Name.
func InspectJob(pluginAPI JobPluginAPI, name string) (JobState, error) {
	if name == "" {
		return JobState{}, errors.New("cluster: job name must not be empty")
	}
	_, r, err := readJobRecord(newKV(pluginAPI), name)
	if err != nil {
		return JobState{Name: name}, err
	}
	return r.state(name), nil
}
