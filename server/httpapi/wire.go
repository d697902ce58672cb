package httpapi

import (
	"time"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// The JSON shapes of the HTTP API, exactly as the contract names them. Times are RFC 3339 UTC strings with millisecond precision, durations
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

type lockJSON struct {
	Name         string  `json:"name"`
	Held         bool    `json:"held"`
	HolderID     *string `json:"holder_id"`
	HolderName   *string `json:"holder_name"`
	AcquiredAt   *string `json:"acquired_at"`
	ExpiresAt    *string `json:"expires_at"`
	FencingToken *uint64 `json:"fencing_token"`
	Kind         string  `json:"kind"`
	// ObservedAt is additive: when this state was read from the store
	// (null for the lock a take or release request just changed).
	ObservedAt *string `json:"observed_at"`
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
	// Lock is the lock the job runs under.
	Lock string `json:"lock"`
	// RunRequested is the last run someone asked for on demand, within a
	// day; null if none.
	RunRequested *runRequestJSON `json:"run_requested"`
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
	Node     nodeJSON     `json:"node"`
	Nodes    []nodeJSON   `json:"nodes"`
	Locks    []lockJSON   `json:"locks"`
	Jobs     []jobJSON    `json:"jobs"`
	Stress   *stressJSON  `json:"stress"`
	Settings settingsJSON `json:"settings"`
	// DemoActionsEnabled is false while the DemoActions setting is off;
	// DemoActionsDisabledReason then says so in a sentence, else null.
	DemoActionsEnabled        bool    `json:"demo_actions_enabled"`
	DemoActionsDisabledReason *string `json:"demo_actions_disabled_reason"`
	GeneratedAt               *string `json:"generated_at"`
	// AsOf and Timeline are additive: when the oldest part of the answer
	// was read from the store, and the history the timeline draws.
	AsOf     *string      `json:"as_of"`
	Timeline timelineJSON `json:"timeline"`
}

type stressJSON struct {
	ID         string  `json:"id"`
	Seconds    int     `json:"seconds"`
	StartedAt  *string `json:"started_at"`
	EndsAt     *string `json:"ends_at"`
	FinishedAt *string `json:"finished_at"` // ends_at once the run is over, null while running
	StartedBy  string  `json:"started_by"`  // the node
	// StartedByUser is who started it; null for a run recorded before
	// runs named their user.
	StartedByUser *userJSON `json:"started_by_user"`
	// NextStartAt is the earliest start of the next run (the cooldown).
	NextStartAt *string `json:"next_start_at"`
	Running     bool    `json:"running"`
	// Handoffs seen in all, and their mean and maximum; the percentiles
	// are of a bounded sample of them.
	HandoffsSeen  int64            `json:"handoffs_seen"`
	HandoffMeanMS *float64         `json:"handoff_mean_ms"`
	HandoffMaxMS  *float64         `json:"handoff_max_ms"`
	Acquisitions  map[string]int64 `json:"acquisitions"`
	HandoffP50MS  *float64         `json:"handoff_p50_ms"`
	HandoffP99MS  *float64         `json:"handoff_p99_ms"`
	Overlaps      int64            `json:"overlaps"`
	OverlapSeen   bool             `json:"overlap_seen"`
	Errors        int64            `json:"errors"`
}

// userJSON is who did something.
type userJSON struct {
	UserID   string  `json:"user_id"`
	Username *string `json:"username"`
}

type runRequestJSON struct {
	userJSON
	At   *string `json:"at"`
	Node string  `json:"node"`
}

// settingsJSON is what the answering node runs with: running is keyed as
// plugin.json's settings; refused is the last saved settings the plugin
// refused (null once a save is accepted).
type settingsJSON struct {
	Running map[string]interface{} `json:"running"`
	Refused *refusalJSON           `json:"refused"`
}

type refusalJSON struct {
	Key    string      `json:"key"`
	Value  interface{} `json:"value"`
	Reason string      `json:"reason"`
	At     *string     `json:"at"`
}

type errorJSON struct {
	Error string    `json:"error"`
	Lock  *lockJSON `json:"lock,omitempty"`
}

func nodeJSONFrom(n app.Node) nodeJSON {
	return nodeJSON{
		ID:            n.ID,
		Name:          n.Name,
		StartedAt:     wireTime(n.StartedAt),
		LastSeenAt:    wireTime(n.LastSeenAt),
		Alive:         n.Alive,
		Self:          n.Self,
		Version:       n.Version,
		ServerVersion: wireString(n.ServerVersion),
	}
}

func nodesJSONFrom(nodes []app.Node) []nodeJSON {
	out := make([]nodeJSON, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, nodeJSONFrom(n))
	}
	return out
}

// lockJSONFrom leaves the holder's fields null while the lock is free.
func lockJSONFrom(l app.Lock) lockJSON {
	out := lockJSON{Name: l.Name, Held: l.Held, Kind: string(l.Kind), ObservedAt: wireTime(l.ObservedAt)}
	if l.Held {
		out.HolderID = wireString(l.HolderID)
		out.HolderName = wireString(l.HolderName)
		out.AcquiredAt = wireTime(l.AcquiredAt)
		out.ExpiresAt = wireTime(l.ExpiresAt)
		token := l.FencingToken
		out.FencingToken = &token
	}
	return out
}

func locksJSONFrom(locks []app.Lock) []lockJSON {
	out := make([]lockJSON, 0, len(locks))
	for _, l := range locks {
		out = append(out, lockJSONFrom(l))
	}
	return out
}

// jobJSONFrom leaves the last duration null until a run has finished.
func jobJSONFrom(j app.Job) jobJSON {
	out := jobJSON{
		Name:           j.Name,
		IntervalMS:     wireMillis(j.Interval),
		Running:        j.Running,
		LastStartedAt:  wireTime(j.LastStartedAt),
		LastFinishedAt: wireTime(j.LastFinishedAt),
		LastNode:       wireString(j.LastNode),
		LastError:      wireString(j.LastError),
		Runs:           j.Runs,
		NextRunAt:      wireTime(j.NextRunAt),
	}
	out.Lock = j.Lock
	if r := j.RunRequest; r != nil {
		out.RunRequested = &runRequestJSON{userJSON: userJSONFrom(r.By), At: wireTime(r.At), Node: r.Node}
	}
	if j.Running {
		out.RunningOn = wireString(j.RunningOn)
	}
	if !j.LastFinishedAt.IsZero() && j.LastDuration > 0 {
		ms := wireMillis(j.LastDuration)
		out.LastDurationMS = &ms
	}
	return out
}

// runJSONFrom leaves the duration null until the run has finished (and for
// a lost run).
func runJSONFrom(r app.Run) runJSON {
	out := runJSON{Node: r.Node, StartedAt: wireTime(r.StartedAt), Error: wireString(r.Err), Summary: wireString(r.Summary)}
	if r.Finished {
		ms := wireMillis(r.Duration)
		out.DurationMS = &ms
	}
	return out
}

// stressJSONFrom gives the handoff percentiles in milliseconds, null
// without samples; finished_at is ends_at once the run is over.
func stressJSONFrom(st *app.StressStatus) *stressJSON {
	if st == nil {
		return nil
	}
	out := &stressJSON{
		ID:           st.ID,
		Seconds:      st.Seconds,
		StartedAt:    wireTime(st.StartedAt),
		EndsAt:       wireTime(st.EndsAt),
		StartedBy:    st.StartedBy,
		Running:      st.Running,
		Acquisitions: st.Acquisitions,
		Overlaps:     st.Overlaps,
		OverlapSeen:  st.Overlaps > 0,
		Errors:       st.Errors,
	}
	if !st.Running {
		out.FinishedAt = out.EndsAt
	}
	if st.By.UserID != "" {
		by := userJSONFrom(st.By)
		out.StartedByUser = &by
	}
	out.NextStartAt = wireTime(st.NextStartAt)
	out.HandoffsSeen = st.Handoffs
	if st.Handoffs > 0 {
		out.HandoffP50MS = wireMillisFraction(st.HandoffP50)
		out.HandoffP99MS = wireMillisFraction(st.HandoffP99)
		out.HandoffMeanMS = wireMillisFraction(st.HandoffMean)
		out.HandoffMaxMS = wireMillisFraction(st.HandoffMax)
	}
	return out
}

func userJSONFrom(a app.Actor) userJSON {
	return userJSON{UserID: a.UserID, Username: wireString(a.Username)}
}

// demoActionsOffReason is the sentence the panel shows while the demo
// actions are switched off.
const demoActionsOffReason = "Switched off in the plugin settings (Demo actions)."

func settingsJSONFrom(s app.Settings) settingsJSON {
	out := settingsJSON{Running: make(map[string]interface{}, len(s.Running))}
	for _, v := range s.Running {
		out.Running[v.Key] = v.Value
	}
	if r := s.Refused; r != nil {
		out.Refused = &refusalJSON{Key: r.Key, Value: r.Value, Reason: r.Reason, At: wireTime(r.At)}
	}
	return out
}

// wireMillisFraction is d in milliseconds to the microsecond.
func wireMillisFraction(d time.Duration) *float64 {
	ms := float64(d.Microseconds()) / 1000
	return &ms
}

func statusJSONFrom(st app.Status) statusJSON {
	out := statusJSON{
		Node:        nodeJSONFrom(st.Node),
		Nodes:       nodesJSONFrom(st.Nodes),
		Locks:       locksJSONFrom(st.Locks),
		Jobs:        make([]jobJSON, 0, len(st.Jobs)),
		Stress:      stressJSONFrom(st.Stress),
		Settings:    settingsJSONFrom(st.Settings),
		GeneratedAt: wireTime(st.GeneratedAt),
		AsOf:        wireTime(st.AsOf),
		Timeline:    timelineJSONFrom(st.Timeline),

		DemoActionsEnabled: st.Settings.DemoActions,
	}
	if !st.Settings.DemoActions {
		reason := demoActionsOffReason
		out.DemoActionsDisabledReason = &reason
	}
	for _, j := range st.Jobs {
		out.Jobs = append(out.Jobs, jobJSONFrom(j))
	}
	return out
}
