//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
	"github.com/clusterdemo/clusterdemo/server/app"
)

// The plugin's HTTP API driven with plain net/http, as a client would: the
// routes live under /plugins/clusterdemo and Mattermost authenticates them.

// requestTimeout bounds one request, so a hung node fails a call instead of
// stalling a test; requests to a node being killed are expected to fail.
// The longest a request may rightly take is an acquire that waits the
// API's longest wait for a lock; 5 s on top for the round trip.
const requestTimeout = app.MaxWaitSeconds*time.Second + 5*time.Second

// httpClient does not follow redirects: a route answering with one is
// reported as it answered, not as wherever it pointed.
var httpClient = &http.Client{
	Timeout:       requestTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// caller is who makes a request: how it authenticates.
type caller struct {
	name string
	auth func(*http.Request)
}

// anonymous sends no session at all.
var anonymous = caller{name: "no session", auth: func(*http.Request) {}}

func bearer(name, token string) caller {
	return caller{name: name, auth: func(r *http.Request) { r.Header.Set(model.HEADER_AUTH, model.HEADER_BEARER+" "+token) }}
}

func (e *env) admin() caller { return bearer("admin", e.cluster.AdminToken) }
func (e *env) user() caller  { return bearer("non-admin user", e.userToken) }

// reply is a plugin answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) String() string {
	body := string(r.body)
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	return fmt.Sprintf("%d %s", r.status, strings.TrimSpace(body))
}

// try sends method path (relative to /plugins/clusterdemo) to node n. body
// is nil (no body), a string or []byte (sent as is), or a value sent as JSON.
func try(n *localcluster.Node, who caller, method, path string, body any) (reply, error) {
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, n.URL+"/plugins/"+pluginID+path, reader)
	if err != nil {
		return reply{}, err
	}
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	who.auth(req)
	resp, err := httpClient.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s on node %d as %s: %w", method, path, n.Index, who.name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("%s %s on node %d as %s: reading the answer: %w", method, path, n.Index, who.name, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: raw}, nil
}

// call is try for a node that must answer.
func call(t *testing.T, n *localcluster.Node, who caller, method, path string, body any) reply {
	t.Helper()
	r, err := try(n, who, method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// expect checks an answer's status and decodes its JSON body into out (when
// not nil).
func expect(t *testing.T, what string, r reply, status int, out any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: want %d, got %s", what, status, r)
	}
	if out == nil {
		return
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		t.Fatalf("%s: the answer is not the JSON the contract names: %v: %s", what, err, r)
	}
}

// adminGet is GET path on n as the admin, which must answer 200 with out's JSON.
func adminGet(t *testing.T, n *localcluster.Node, path string, out any) {
	t.Helper()
	expect(t, "GET "+path+fmt.Sprintf(" on node %d", n.Index), call(t, n, suite.admin(), http.MethodGet, path, nil), http.StatusOK, out)
}

// The contract's types, as a client reads them. Fields the server
// adds beyond the contract are ignored.

type apiNode struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	StartedAt  *time.Time `json:"started_at"`
	LastSeenAt *time.Time `json:"last_seen_at"`
	Alive      bool       `json:"alive"`
	Self       bool       `json:"self"`
	Version    string     `json:"version"`
}

type apiLock struct {
	Name         string     `json:"name"`
	Held         bool       `json:"held"`
	HolderID     *string    `json:"holder_id"`
	HolderName   *string    `json:"holder_name"`
	AcquiredAt   *time.Time `json:"acquired_at"`
	ExpiresAt    *time.Time `json:"expires_at"`
	FencingToken *uint64    `json:"fencing_token"`
	Kind         string     `json:"kind"`
}

func (l apiLock) holder() string {
	if l.HolderName == nil {
		return "nobody"
	}
	return *l.HolderName
}

func (l apiLock) String() string {
	if !l.Held {
		return fmt.Sprintf("%s (%s): free", l.Name, l.Kind)
	}
	token := uint64(0)
	if l.FencingToken != nil {
		token = *l.FencingToken
	}
	return fmt.Sprintf("%s (%s): held by %s, token %d", l.Name, l.Kind, l.holder(), token)
}

type apiJob struct {
	Name           string     `json:"name"`
	IntervalMS     int64      `json:"interval_ms"`
	Running        bool       `json:"running"`
	RunningOn      *string    `json:"running_on"`
	LastStartedAt  *time.Time `json:"last_started_at"`
	LastFinishedAt *time.Time `json:"last_finished_at"`
	LastNode       *string    `json:"last_node"`
	LastDurationMS *int64     `json:"last_duration_ms"`
	LastError      *string    `json:"last_error"`
	Runs           int64      `json:"runs"`
	NextRunAt      *time.Time `json:"next_run_at"`
	History        []apiRun   `json:"history"`
}

type apiRun struct {
	Node       string     `json:"node"`
	StartedAt  *time.Time `json:"started_at"`
	DurationMS *int64     `json:"duration_ms"`
	Error      *string    `json:"error"`
}

func (r apiRun) String() string {
	s := fmt.Sprintf("%s on %s", fmtTime(r.StartedAt), r.Node)
	if r.DurationMS != nil {
		s += fmt.Sprintf(" for %d ms", *r.DurationMS)
	}
	if r.Error != nil {
		s += fmt.Sprintf(" (error: %s)", *r.Error)
	}
	return s
}

// apiStress is the stress demo's result under GET /status:
// acquisitions per node, handoff p50/p99 and whether an overlap was seen.
type apiStress struct {
	ID           string           `json:"id"`
	Running      bool             `json:"running"`
	Acquisitions map[string]int64 `json:"acquisitions"`
	HandoffP50MS *float64         `json:"handoff_p50_ms"`
	HandoffP99MS *float64         `json:"handoff_p99_ms"`
	Overlaps     int64            `json:"overlaps"`
	OverlapSeen  bool             `json:"overlap_seen"`
	Errors       int64            `json:"errors"`
}

type apiStatus struct {
	Node        apiNode    `json:"node"`
	Nodes       []apiNode  `json:"nodes"`
	Locks       []apiLock  `json:"locks"`
	Jobs        []apiJob   `json:"jobs"`
	Stress      *apiStress `json:"stress"`
	GeneratedAt *time.Time `json:"generated_at"`
}

type apiErrorBody struct {
	Error string   `json:"error"`
	Lock  *apiLock `json:"lock"`
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return "null"
	}
	return t.UTC().Format("15:04:05.000")
}

// requireKeys checks that a JSON object has every key the contract names,
// so a renamed or dropped field fails even where Go would decode a zero.
func requireKeys(t *testing.T, what string, raw json.RawMessage, keys ...string) {
	t.Helper()
	var object map[string]json.RawMessage
	if err := json.Unmarshal(raw, &object); err != nil {
		t.Fatalf("%s: not a JSON object: %v: %s", what, err, raw)
	}
	for _, key := range keys {
		if _, ok := object[key]; !ok {
			t.Errorf("%s: no %q field (the contract's shape): %s", what, key, raw)
		}
	}
}

var (
	nodeKeys = []string{"id", "name", "started_at", "last_seen_at", "alive", "self", "version"}
	lockKeys = []string{"name", "held", "holder_id", "holder_name", "acquired_at", "expires_at", "fencing_token", "kind"}
	jobKeys  = []string{"name", "interval_ms", "running", "running_on", "last_started_at", "last_finished_at", "last_node",
		"last_duration_ms", "last_error", "runs", "next_run_at"}
	runKeys = []string{"node", "started_at", "duration_ms", "error"}
)

// jsonDecode decodes an answer's body, naming the answer on failure.
func jsonDecode(r reply, out any) error {
	if err := json.Unmarshal(r.body, out); err != nil {
		return fmt.Errorf("%v: %s", err, r)
	}
	return nil
}
