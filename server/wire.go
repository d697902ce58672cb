package main

import "time"

// The JSON shapes of the HTTP API, exactly as the contract in issue 4 names
// them. Times are RFC 3339 UTC strings with millisecond precision, durations
// are whole milliseconds, and an absent value is null (a nil pointer), never
// a zero time or an empty string pretending to be one.

// wireTimeLayout is RFC 3339 with milliseconds, so the panel's countdowns are
// smooth without carrying nanosecond noise.
const wireTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// wireTime formats t for the API, or returns nil for the zero time.
func wireTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(wireTimeLayout)
	return &s
}

// wireMillis returns d in whole milliseconds.
func wireMillis(d time.Duration) int64 {
	return d.Milliseconds()
}

// wireString returns nil for "" so that absent strings are null.
func wireString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type nodeJSON struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	StartedAt  *string `json:"started_at"`
	LastSeenAt *string `json:"last_seen_at"`
	Alive      bool    `json:"alive"`
	Self       bool    `json:"self"`
	Version    string  `json:"version"`
	// ServerVersion is additive to the contract: the Mattermost version the
	// node runs, which differs between nodes during a rolling upgrade.
	ServerVersion *string `json:"server_version"`
}

// Lock kinds: a demo lock taken by an admin, the lock of a scheduled job, or
// any other lock the cluster package knows (the stress demo's, for one).
const (
	lockKindDemo  = "demo"
	lockKindJob   = "job"
	lockKindOther = "other"
)

type lockJSON struct {
	Name         string  `json:"name"`
	Held         bool    `json:"held"`
	HolderID     *string `json:"holder_id"`
	HolderName   *string `json:"holder_name"`
	AcquiredAt   *string `json:"acquired_at"`
	ExpiresAt    *string `json:"expires_at"`
	FencingToken *uint64 `json:"fencing_token"`
	Kind         string  `json:"kind"`
}

type jobJSON struct {
	Name           string  `json:"name"`
	IntervalMS     int64   `json:"interval_ms"`
	Running        bool    `json:"running"`
	RunningOn      *string `json:"running_on"`
	LastStartedAt  *string `json:"last_started_at"`
	LastFinishedAt *string `json:"last_finished_at"`
	LastNode       *string `json:"last_node"`
	LastDurationMS *int64  `json:"last_duration_ms"`
	LastError      *string `json:"last_error"`
	Runs           int64   `json:"runs"`
	NextRunAt      *string `json:"next_run_at"`
	// History is only present on GET /jobs/{name}.
	History *[]runJSON `json:"history,omitempty"`
}

type runJSON struct {
	Node       string  `json:"node"`
	StartedAt  *string `json:"started_at"`
	DurationMS *int64  `json:"duration_ms"`
	Error      *string `json:"error"`
	// Summary is additive: what a digest run counted; null for other jobs.
	Summary *string `json:"summary"`
}

type statusJSON struct {
	Node        nodeJSON    `json:"node"`
	Nodes       []nodeJSON  `json:"nodes"`
	Locks       []lockJSON  `json:"locks"`
	Jobs        []jobJSON   `json:"jobs"`
	Stress      *stressJSON `json:"stress"`
	GeneratedAt *string     `json:"generated_at"`
}

type errorJSON struct {
	Error string    `json:"error"`
	Lock  *lockJSON `json:"lock,omitempty"`
}
