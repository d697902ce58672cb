package cluster

import (
	"encoding/json"
	"errors"
	"time"
)

// Key prefixes of one-shot jobs. oncePrefix is the widely used
// implementation's, and a pending job's record there is a superset of its
// {"Key","RunAt"}, so during a rolling upgrade each version runs the other's
// jobs (see jobonce.go for why never twice).
const (
	oncePrefix     = "once_"
	onceDonePrefix = "onced_"
)

func onceKey(key string) string     { return kvKey(oncePrefix, key) }
func onceDoneKey(key string) string { return kvKey(onceDonePrefix, key) }

// JobOnceMetadata is a pending one-shot job, as ListScheduledJobs returns it.
type JobOnceMetadata struct {
	Key   string
	RunAt time.Time
	// Props is the payload given to ScheduleOnceWithProps (nil otherwise).
	Props []byte
	// ScheduledBy is the instance that scheduled it (zero when the widely
	// used implementation did).
	ScheduledBy Node
	// Attempts counts runs started and lost (their lease lapsed, or their
	// instance died, before they finished); Running is true while one is
	// recorded as started.
	Attempts int
	Running  bool
}

// JobOnceResult is how a one-shot job ended, as InspectJobOnce reads it.
// It is kept for IdleKeyWindow after the end.
type JobOnceResult struct {
	Key        string
	RunAt      time.Time
	Node       Node      // the instance that ran or cancelled it
	StartedAt  time.Time // zero when cancelled before it ran
	FinishedAt time.Time
	Attempts   int    // runs started, the finished one included
	Err        string // "" on success; a panic or the callback's error otherwise
	Cancelled  bool
}

// onceRecord is a pending job's stored form.
type onceRecord struct {
	Key   string    `json:"Key"`
	RunAt time.Time `json:"RunAt"`
	// ID is unique per ScheduleOnce, so an instance that tracks a job can
	// tell it from a later job of the same key (empty in legacy records).
	ID          string    `json:"id,omitempty"`
	Props       []byte    `json:"props,omitempty"`
	ScheduledBy Node      `json:"scheduled_by"`
	Attempts    int       `json:"attempts,omitempty"`
	Running     bool      `json:"running,omitempty"`
	RunningOn   Node      `json:"running_on"`
	StartedAt   time.Time `json:"started_at,omitempty"`
	// RunID makes every start record's bytes unique (see casHeld).
	RunID     string `json:"run_id,omitempty"`
	LastError string `json:"last_error,omitempty"`
}

// ident tells one scheduling of a key from another.
func (r onceRecord) ident() string { return r.ID + "@" + r.RunAt.UTC().Format(time.RFC3339Nano) }

func (r onceRecord) metadata() JobOnceMetadata {
	return JobOnceMetadata{Key: r.Key, RunAt: r.RunAt, Props: r.Props, ScheduledBy: r.ScheduledBy, Attempts: r.Attempts, Running: r.Running}
}

// errCorruptOnceRecord: a one-shot job's key holds something that is not a
// record. The job is logged and left alone (never run, never deleted).
var errCorruptOnceRecord = errors.New("cluster: unreadable one-shot job record")

// readOnce reads a pending job's record and the exact bytes read; nil bytes
// when nothing is pending under key.
func readOnce(s kv, key string) ([]byte, onceRecord, error) {
	var r onceRecord
	b, err := s.read(onceKey(key))
	if err != nil || b == nil {
		return nil, r, err
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Key == "" {
		return b, onceRecord{}, errCorruptOnceRecord
	}
	return b, r, nil
}

// JobOnceState is what the store says of a one-shot key: pending (with its
// metadata), and how its last run ended, if it ended within IdleKeyWindow.
type JobOnceState struct {
	Pending *JobOnceMetadata
	Last    *JobOnceResult
}

// InspectJobOnce reads the state of a one-shot key (two KVGets).
func InspectJobOnce(pluginAPI JobPluginAPI, key string) (JobOnceState, error) {
	if key == "" {
		return JobOnceState{}, errors.New("cluster: job key must not be empty")
	}
	s := newKV(pluginAPI)
	var st JobOnceState
	raw, rec, err := readOnce(s, key)
	if err != nil {
		return st, err
	}
	if raw != nil {
		m := rec.metadata()
		st.Pending = &m
	}
	b, err := s.read(onceDoneKey(key))
	if err != nil || b == nil {
		return st, err
	}
	var res JobOnceResult
	if err := json.Unmarshal(b, &res); err != nil {
		return st, err
	}
	st.Last = &res
	return st, nil
}
