package httpapi

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// The JSON shapes of the contract (README, HTTP API), field by field. Additive fields the
// plugin sends beyond the contract are listed apart, so a change to either
// shows up here.
var (
	nodeFields   = []string{"id", "name", "started_at", "last_seen_at", "alive", "self", "version"}
	nodeExtra    = []string{"server_version"}
	lockFields   = []string{"name", "held", "holder_id", "holder_name", "acquired_at", "expires_at", "fencing_token", "kind", "observed_at"}
	jobFields    = []string{"name", "interval_ms", "running", "running_on", "last_started_at", "last_finished_at", "last_node", "last_duration_ms", "last_error", "runs", "next_run_at", "lock", "run_requested"}
	runFields    = []string{"node", "started_at", "duration_ms", "error"}
	runExtra     = []string{"summary"}
	statusKeys   = []string{"node", "nodes", "locks", "jobs", "generated_at", "stress", "settings", "demo_actions_enabled", "demo_actions_disabled_reason", "as_of", "timeline"}
	timelineKeys = []string{"from", "to", "holds", "runs", "node_events"}
	holdFields   = []string{"lock", "node", "node_name", "from", "to", "fencing_token", "ended_by"}
	stressField  = []string{"id", "seconds", "started_at", "ends_at", "finished_at", "started_by", "running", "acquisitions", "handoff_p50_ms", "handoff_p99_ms", "overlaps", "overlap_seen", "errors",
		"started_by_user", "next_start_at", "handoffs_seen", "handoff_mean_ms", "handoff_max_ms"}
)

func keysOf(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func assertKeys(t *testing.T, what string, m map[string]interface{}, want ...[]string) {
	t.Helper()
	var all []string
	for _, w := range want {
		all = append(all, w...)
	}
	sort.Strings(all)
	if got := keysOf(m); strings.Join(got, ",") != strings.Join(all, ",") {
		t.Errorf("%s fields %v, want %v", what, got, all)
	}
}

// assertTime checks an RFC 3339 UTC time, or null when allowNull.
func assertTime(t *testing.T, what string, v interface{}, allowNull bool) {
	t.Helper()
	if v == nil {
		if !allowNull {
			t.Errorf("%s is null", what)
		}
		return
	}
	s, ok := v.(string)
	if !ok {
		t.Errorf("%s is %T, want an RFC 3339 string", what, v)
		return
	}
	parsed, err := time.Parse(time.RFC3339, s)
	if err != nil || !strings.HasSuffix(s, "Z") {
		t.Errorf("%s = %q is not an RFC 3339 UTC time", what, s)
		return
	}
	if parsed.Year() < 2020 {
		t.Errorf("%s = %q is not a real time", what, s)
	}
}

func assertNumber(t *testing.T, what string, v interface{}) {
	t.Helper()
	if _, ok := v.(float64); !ok {
		t.Errorf("%s is %T (%v), want a number", what, v, v)
	}
}

func assertNullOrString(t *testing.T, what string, v interface{}) {
	t.Helper()
	if v == nil {
		return
	}
	if s, ok := v.(string); !ok || s == "" {
		t.Errorf("%s = %#v, want null or a non-empty string", what, v)
	}
}

func checkNode(t *testing.T, n map[string]interface{}) {
	t.Helper()
	assertKeys(t, "node", n, nodeFields, nodeExtra)
	assertTime(t, "node.started_at", n["started_at"], false)
	assertTime(t, "node.last_seen_at", n["last_seen_at"], false)
	if _, ok := n["alive"].(bool); !ok {
		t.Errorf("node.alive = %#v", n["alive"])
	}
	if _, ok := n["self"].(bool); !ok {
		t.Errorf("node.self = %#v", n["self"])
	}
}

func checkLock(t *testing.T, l map[string]interface{}) {
	t.Helper()
	assertKeys(t, "lock", l, lockFields)
	assertTime(t, "lock.observed_at", l["observed_at"], true)
	held, ok := l["held"].(bool)
	if !ok {
		t.Fatalf("lock.held = %#v", l["held"])
	}
	switch l["kind"] {
	case "demo", "job", "other":
	default:
		t.Errorf("lock.kind = %#v", l["kind"])
	}
	if held {
		assertTime(t, "lock.acquired_at", l["acquired_at"], false)
		assertTime(t, "lock.expires_at", l["expires_at"], false)
		assertNumber(t, "lock.fencing_token", l["fencing_token"])
		for _, k := range []string{"holder_id", "holder_name"} {
			if s, _ := l[k].(string); s == "" {
				t.Errorf("held lock has %s %#v", k, l[k])
			}
		}
	} else {
		for _, k := range []string{"holder_id", "holder_name", "acquired_at", "expires_at", "fencing_token"} {
			if l[k] != nil {
				t.Errorf("free lock has %s = %#v, want null", k, l[k])
			}
		}
	}
}

func checkJob(t *testing.T, j map[string]interface{}, withHistory bool) {
	t.Helper()
	if withHistory {
		assertKeys(t, "job", j, jobFields, []string{"history"})
	} else {
		assertKeys(t, "job", j, jobFields)
	}
	assertNumber(t, "job.interval_ms", j["interval_ms"])
	assertNumber(t, "job.runs", j["runs"])
	for _, k := range []string{"last_started_at", "last_finished_at", "next_run_at"} {
		assertTime(t, "job."+k, j[k], true)
	}
	for _, k := range []string{"running_on", "last_node", "last_error"} {
		assertNullOrString(t, "job."+k, j[k])
	}
	if j["last_duration_ms"] != nil {
		assertNumber(t, "job.last_duration_ms", j["last_duration_ms"])
	}
}

func checkRun(t *testing.T, r map[string]interface{}) {
	t.Helper()
	assertKeys(t, "run", r, runFields, runExtra)
	if s, _ := r["node"].(string); s == "" {
		t.Errorf("run.node = %#v", r["node"])
	}
	assertTime(t, "run.started_at", r["started_at"], false)
	if r["duration_ms"] != nil { // null while running and for a lost run
		assertNumber(t, "run.duration_ms", r["duration_ms"])
	}
	assertNullOrString(t, "run.error", r["error"])
}

func decodeObjects(t *testing.T, v interface{}, what string) []map[string]interface{} {
	t.Helper()
	list, ok := v.([]interface{})
	if !ok {
		t.Fatalf("%s is %T, want an array", what, v)
	}
	out := make([]map[string]interface{}, 0, len(list))
	for _, item := range list {
		m, ok := item.(map[string]interface{})
		if !ok {
			t.Fatalf("%s item is %T", what, item)
		}
		out = append(out, m)
	}
	return out
}

func TestJSONShapesFollowTheContract(t *testing.T) {
	store := kvtest.NewStore()
	cfg := app.DefaultConfiguration()
	cfg.QuickInterval = 200 * time.Millisecond
	n := startNode(t, store, "node-a", cfg)
	n.doJSON(t, "POST", "/api/v1/locks/shape-held/acquire", `{"hold_seconds": 60}`, http.StatusOK, nil)

	// Wait for a finished quick run so job and run fields are filled in.
	eventually(t, 10*time.Second, "a quick run finishes", func() bool {
		var job map[string]interface{}
		n.doJSON(t, "GET", "/api/v1/jobs/quick", "", http.StatusOK, &job)
		history, _ := job["history"].([]interface{})
		for _, r := range history {
			if r.(map[string]interface{})["duration_ms"] != nil {
				return true
			}
		}
		return false
	})

	var status map[string]interface{}
	n.doJSON(t, "GET", "/api/v1/status", "", http.StatusOK, &status)
	assertKeys(t, "status", status, statusKeys)
	assertTime(t, "status.generated_at", status["generated_at"], false)
	assertTime(t, "status.as_of", status["as_of"], false)
	self, _ := status["node"].(map[string]interface{})
	checkNode(t, self)
	if self["self"] != true || self["name"] != "node-a" {
		t.Errorf("status.node is not the answering node: %v", self)
	}
	for _, node := range decodeObjects(t, status["nodes"], "status.nodes") {
		checkNode(t, node)
	}
	locks := decodeObjects(t, status["locks"], "status.locks")
	kinds := map[string]string{}
	for _, l := range locks {
		checkLock(t, l)
		kinds[l["name"].(string)] = l["kind"].(string)
	}
	if kinds["shape-held"] != "demo" {
		t.Errorf("demo lock listed as %q", kinds["shape-held"])
	}
	timeline, _ := status["timeline"].(map[string]interface{})
	assertKeys(t, "timeline", timeline, timelineKeys)
	openHolds := 0
	for _, h := range decodeObjects(t, timeline["holds"], "timeline.holds") {
		assertKeys(t, "hold", h, holdFields)
		assertTime(t, "hold.from", h["from"], false)
		assertNumber(t, "hold.fencing_token", h["fencing_token"])
		if h["lock"] == "shape-held" && h["to"] == nil && h["node"] == self["id"] {
			openHolds++
		}
	}
	if openHolds != 1 {
		t.Errorf("timeline has %d open holds of shape-held by node-a, want 1: %v", openHolds, timeline["holds"])
	}
	if kinds[cluster.JobLockName(app.JobQuick)] != "job" {
		t.Errorf("job lock %s listed as %q; locks %v", cluster.JobLockName(app.JobQuick), kinds[cluster.JobLockName(app.JobQuick)], kinds)
	}
	for _, j := range decodeObjects(t, status["jobs"], "status.jobs") {
		checkJob(t, j, false)
	}
	if status["stress"] != nil {
		t.Errorf("stress is %v before any run, want null", status["stress"])
	}

	var job map[string]interface{}
	n.doJSON(t, "GET", "/api/v1/jobs/quick", "", http.StatusOK, &job)
	checkJob(t, job, true)
	runs := decodeObjects(t, job["history"], "job.history")
	for _, r := range runs {
		checkRun(t, r)
	}
	if runs[0]["node"] != "node-a" {
		t.Errorf("run recorded on node %v, want node-a", runs[0]["node"])
	}
	if job["last_node"] != "node-a" {
		t.Errorf("job.last_node = %v", job["last_node"])
	}

	var lock map[string]interface{}
	n.doJSON(t, "GET", "/api/v1/locks/shape-held", "", http.StatusOK, &lock)
	checkLock(t, lock)
	if lock["holder_name"] != "node-a" || lock["held"] != true {
		t.Errorf("lock = %v", lock)
	}

	var stress map[string]interface{}
	n.doJSON(t, "POST", "/api/v1/stress", `{"seconds": 1}`, http.StatusAccepted, &stress)
	assertKeys(t, "stress", stress, stressField)
	assertTime(t, "stress.started_at", stress["started_at"], false)
	assertTime(t, "stress.ends_at", stress["ends_at"], false)
	if stress["finished_at"] != nil {
		t.Errorf("a running stress run has finished_at %v", stress["finished_at"])
	}
}

// The wire time format is RFC 3339 in UTC, whatever the zone of the value.
func TestWireTimeIsUTC(t *testing.T) {
	loc := time.FixedZone("UTC+5", 5*60*60)
	got := wireTime(time.Date(2026, 1, 2, 8, 4, 5, 123456789, loc))
	if got == nil || *got != "2026-01-02T03:04:05.123Z" {
		t.Fatalf("wireTime = %v", got)
	}
	if wireTime(time.Time{}) != nil {
		t.Fatalf("zero time is not null")
	}
	data, _ := json.Marshal(struct {
		T *string `json:"t"`
	}{wireTime(time.Time{})})
	if string(data) != `{"t":null}` {
		t.Fatalf("absent time marshals as %s", data)
	}
}

// A job's last duration is null until a run has finished, and for a run
// found lost (its end was never recorded): only a known duration is sent.
// Catches a lost run shown with a 0 ms duration, or a running first run
// shown with one.
func TestJobLastDurationIsSentOnlyWhenKnown(t *testing.T) {
	ended := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		job  app.Job
		want *int64
	}{
		{"first run still going", app.Job{Running: true}, nil},
		{"finished", app.Job{LastFinishedAt: ended, LastDuration: 1500 * time.Millisecond}, func() *int64 { ms := int64(1500); return &ms }()},
		{"found lost", app.Job{LastFinishedAt: ended, LastError: "lost"}, nil},
	}
	for _, c := range cases {
		got := jobJSONFrom(c.job).LastDurationMS
		switch {
		case (got == nil) != (c.want == nil):
			t.Errorf("%s: last_duration_ms %v, want %v", c.name, got, c.want)
		case got != nil && *got != *c.want:
			t.Errorf("%s: last_duration_ms %d, want %d", c.name, *got, *c.want)
		}
	}
}
