package main

import (
	"encoding/json"
	"reflect"
	"time"
)

// plan is every size and duration of one run. The full plan is the
// README's workload list; the quick plan only checks that the harness works and its
// figures mean nothing.
type plan struct {
	KVSamples           int           `json:"kv_samples"`
	UncontendedSamples  int           `json:"uncontended_samples"`
	LocalHandoffSamples int           `json:"same_node_handoff_samples"`
	CrossHandoffSamples int           `json:"cross_node_handoff_samples"`
	HandoffMinHold      time.Duration `json:"handoff_min_hold"`
	HandoffMaxHold      time.Duration `json:"handoff_max_hold"`
	ContentionWorkers   int           `json:"contention_workers_per_node"`
	ContentionCritical  time.Duration `json:"contention_critical_section"`
	ContentionDuration  time.Duration `json:"contention_duration"`
	WaitingDuration     time.Duration `json:"waiting_duration"`
	WaitingGoroutines   int           `json:"waiting_goroutines"`
	JobInterval         time.Duration `json:"job_interval"`
	JobBody             time.Duration `json:"job_body"`
	JobDuration         time.Duration `json:"job_duration"`
	StatusLocks         int           `json:"status_locks"`
	StatusJobs          int           `json:"status_jobs"`
	StatusSamples       int           `json:"status_samples"`
	Settle              time.Duration `json:"settle"`
}

var fullPlan = plan{
	KVSamples:           500,
	UncontendedSamples:  300,
	LocalHandoffSamples: 60,
	CrossHandoffSamples: 60,
	// The holder keeps the lock a random 300-800 ms while the other waits,
	// so the release falls at a random point of any poll period.
	HandoffMinHold:     300 * time.Millisecond,
	HandoffMaxHold:     800 * time.Millisecond,
	ContentionWorkers:  4,
	ContentionCritical: time.Millisecond,
	ContentionDuration: 30 * time.Second,
	WaitingDuration:    60 * time.Second,
	// As many waiting goroutines on node 2 as contention workers per node.
	WaitingGoroutines: 4,
	JobInterval:       2 * time.Second,
	// Each run works 100 ms (like the demo's quick job), so two runs at
	// once would show as an overlap.
	JobBody:       100 * time.Millisecond,
	JobDuration:   120 * time.Second,
	StatusLocks:   50,
	StatusJobs:    10,
	StatusSamples: 300,
	Settle:        10 * time.Second,
}

var quickPlan = plan{
	KVSamples:           20,
	UncontendedSamples:  20,
	LocalHandoffSamples: 4,
	CrossHandoffSamples: 4,
	HandoffMinHold:      300 * time.Millisecond,
	HandoffMaxHold:      800 * time.Millisecond,
	ContentionWorkers:   4,
	ContentionCritical:  time.Millisecond,
	ContentionDuration:  4 * time.Second,
	WaitingDuration:     5 * time.Second,
	WaitingGoroutines:   4,
	JobInterval:         2 * time.Second,
	JobBody:             100 * time.Millisecond,
	JobDuration:         10 * time.Second,
	StatusLocks:         50,
	StatusJobs:          10,
	StatusSamples:       20,
	Settle:              2 * time.Second,
}

// MarshalJSON writes durations as "30s" rather than nanoseconds, for people
// reading the results file.
func (p plan) MarshalJSON() ([]byte, error) {
	out := map[string]any{}
	v := reflect.ValueOf(p)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("json")
		if d, ok := v.Field(i).Interface().(time.Duration); ok {
			out[name] = d.String()
		} else {
			out[name] = v.Field(i).Interface()
		}
	}
	return json.Marshal(out)
}
