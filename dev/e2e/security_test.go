//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// contractRoutes is every route of the HTTP contract (README, HTTP API), with a valid
// body where it takes one; written from the contract, not from the server's
// route table, so a route the server forgets to protect is still tried.
var contractRoutes = []struct {
	method, path string
	body         any
}{
	{http.MethodGet, "/api/v1/status", nil},
	{http.MethodGet, "/api/v1/nodes", nil},
	{http.MethodGet, "/api/v1/locks", nil},
	{http.MethodGet, "/api/v1/locks/e2e-sec", nil},
	{http.MethodPost, "/api/v1/locks/e2e-sec/acquire", acquireBody{HoldSeconds: 30}},
	{http.MethodPost, "/api/v1/locks/e2e-sec/release", nil},
	{http.MethodGet, "/api/v1/jobs", nil},
	{http.MethodGet, "/api/v1/jobs/quick", nil},
	{http.MethodPost, "/api/v1/jobs/quick/run", nil},
	{http.MethodPost, "/api/v1/stress", map[string]int{"seconds": 1}},
	{http.MethodGet, "/api/v1/reminders", nil},
	{http.MethodPost, "/api/v1/reminders", map[string]any{"seconds": 60, "text": "e2e-sec"}},
}

// The dashboard page is refused differently: a browser without a session is
// sent to the login page, and a non-admin gets the page with status 403, so
// the panel in it shows its own refusal (the browser tests see both).
const dashboardPath = "/dashboard"

// expectJSONError checks a refusal: the status and a {"error": "..."} body.
func expectJSONError(t *testing.T, what string, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: want %d, got %s", what, status, r)
		return
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want application/json: %s", what, ct, r)
	}
	var body apiErrorBody
	if err := json.Unmarshal(r.body, &body); err != nil || body.Error == "" {
		t.Errorf("%s: body is not {\"error\": \"<message>\"}: %s", what, r)
	}
}

// Security and bad input: every route refuses the anonymous (401) and the
// non-admin (403), bad input is a JSON 400 (413 when too large), and a lock
// no one took is a 404 — each status exact, so a refusal that is really a
// crash (5xx) or a dropped connection fails instead of counting as "not
// taken".
//
// Catches: a route that forgets its access rule, a cookie session accepted
// without the CSRF header, bad input that reaches the store, and a lock
// lookup that fails with a server error where it should say "not found"
// (dev/brokenplugin unknown-lock-error).
func TestSecurity(t *testing.T) {
	suite.healthy(t)
	node1, node2 := suite.node(1), suite.node(2)
	stressBefore := stressID(t)

	t.Run("no session is 401, non-admin is 403", func(t *testing.T) {
		for _, rt := range contractRoutes {
			for _, n := range suite.active {
				expectJSONError(t, fmt.Sprintf("%s %s on node %d without a session", rt.method, rt.path, n.Index),
					call(t, n, anonymous, rt.method, rt.path, rt.body), http.StatusUnauthorized)
				expectJSONError(t, fmt.Sprintf("%s %s on node %d as the non-admin user", rt.method, rt.path, n.Index),
					call(t, n, suite.user(), rt.method, rt.path, rt.body), http.StatusForbidden)
			}
		}
		for _, n := range suite.active {
			r := call(t, n, anonymous, http.MethodGet, dashboardPath, nil)
			login := "/login?redirect_to=" + url.QueryEscape("/plugins/"+pluginID+dashboardPath)
			if r.status != http.StatusFound || r.header.Get("Location") != login {
				t.Errorf("GET %s on node %d without a session: want 302 to %s, got %s to %q", dashboardPath, n.Index, login, r, r.header.Get("Location"))
			}
			r = call(t, n, suite.user(), http.MethodGet, dashboardPath, nil)
			if r.status != http.StatusForbidden || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Errorf("GET %s on node %d as the non-admin user: want 403 with the page, got %s", dashboardPath, n.Index, r)
			}
		}
		// Refused requests changed nothing.
		r := call(t, node1, suite.admin(), http.MethodGet, "/api/v1/locks/e2e-sec", nil)
		expectJSONError(t, "the lock refused callers tried to take", r, http.StatusNotFound)
		if after := stressID(t); after != stressBefore {
			t.Errorf("a refused POST /stress started stress run %q", after)
		}
	})

	t.Run("cookie session needs the CSRF header", func(t *testing.T) {
		session := loginWeb(t, node2, suite.cluster.Admin)
		name := uniqueLockName("e2e-csrf")
		path := "/api/v1/locks/" + name + "/acquire"
		// Mattermost passes a cookie request that fails its CSRF check on
		// without the user (app/plugin_requests.go), so the plugin sees no
		// session: 401.
		expectJSONError(t, "cookie POST without the CSRF header", call(t, node2, cookieCaller(session, false), http.MethodPost, path, acquireBody{HoldSeconds: 30}), http.StatusUnauthorized)
		expectJSONError(t, "the lock the refused cookie POST named", call(t, node1, suite.admin(), http.MethodGet, "/api/v1/locks/"+name, nil), http.StatusNotFound)
		// The same request with the header passes: the refusal was the CSRF check.
		expect(t, "cookie POST with the CSRF header", call(t, node2, cookieCaller(session, true), http.MethodPost, path, acquireBody{HoldSeconds: 30}), http.StatusOK, nil)
		expect(t, "cookie GET without the CSRF header", call(t, node2, cookieCaller(session, false), http.MethodGet, "/api/v1/locks/"+name, nil), http.StatusOK, nil)
		expect(t, "release with the CSRF header", call(t, node2, cookieCaller(session, true), http.MethodPost, "/api/v1/locks/"+name+"/release", nil), http.StatusOK, nil)
	})

	t.Run("oversized and malformed bodies are 4xx JSON and take nothing", func(t *testing.T) {
		name := uniqueLockName("e2e-body")
		acquirePath := "/api/v1/locks/" + name + "/acquire"
		oversized := `{"hold_seconds": 5, "wait_seconds": 0, "pad": "` + strings.Repeat("x", 70<<10) + `"}`
		expectJSONError(t, "a 70 KiB acquire body", call(t, node1, suite.admin(), http.MethodPost, acquirePath, oversized), http.StatusRequestEntityTooLarge)
		expectJSONError(t, "a 70 KiB stress body", call(t, node1, suite.admin(), http.MethodPost, "/api/v1/stress", oversized), http.StatusRequestEntityTooLarge)
		for _, body := range []string{
			`{`,
			`[]`,
			`"hold"`,
			`{"hold_seconds": "ten"}`,
			`{"hold_seconds": 1.5}`,
			`{"hold_seconds": 10, "unknown": 1}`,
			`{"hold_seconds": 10} {"hold_seconds": 10}`,
			`{"hold_seconds": 0}`,
			`{"hold_seconds": 601}`,
			`{"wait_seconds": -1}`,
			`{"wait_seconds": 31}`,
			`{"hold_seconds": 99999999999999999999}`,
		} {
			expectJSONError(t, "acquire with body "+body, call(t, node1, suite.admin(), http.MethodPost, acquirePath, body), http.StatusBadRequest)
		}
		expectJSONError(t, "the lock the refused acquires named", call(t, node2, suite.admin(), http.MethodGet, "/api/v1/locks/"+name, nil), http.StatusNotFound)
		for _, body := range []string{`{"seconds": 0}`, `{"seconds": 61}`, `{"seconds": "5"}`, `{`, `{"secs": 5}`} {
			expectJSONError(t, "stress with body "+body, call(t, node1, suite.admin(), http.MethodPost, "/api/v1/stress", body), http.StatusBadRequest)
		}
		if after := stressID(t); after != stressBefore {
			t.Errorf("a refused POST /stress started stress run %q", after)
		}
	})

	t.Run("invalid lock names are 400", func(t *testing.T) {
		// Each name as a client puts it into the path: escaped.
		for _, name := range []struct{ what, segment string }{
			{"with /", "a%2Fb"},
			{"with ..", "a..b"},
			{"unicode", "l%C3%A5s"},
			{"65 characters", strings.Repeat("a", 65)},
			{"with a space", "a%20b"},
		} {
			for _, rt := range []struct{ method, path string }{
				{http.MethodGet, "/api/v1/locks/" + name.segment},
				{http.MethodPost, "/api/v1/locks/" + name.segment + "/acquire"},
				{http.MethodPost, "/api/v1/locks/" + name.segment + "/release"},
			} {
				expectJSONError(t, fmt.Sprintf("lock name %s: %s %s", name.what, rt.method, rt.path),
					call(t, node1, suite.admin(), rt.method, rt.path, nil), http.StatusBadRequest)
			}
		}
		// A path segment that is empty, "." or "..", escaped or not (also
		// "..%2Fetc", which decodes to two segments), never reaches
		// the plugin: Mattermost's router cleans the path and redirects
		// first (301 to the cleaned path, seen on 5.39.3). What matters is
		// that no lock route runs.
		for _, segment := range []string{"", "..", "%2E%2E", ".", "..%2Fetc"} {
			path := "/api/v1/locks/" + segment + "/acquire"
			r := call(t, node1, suite.admin(), http.MethodPost, path, acquireBody{HoldSeconds: 5})
			if r.status != http.StatusMovedPermanently {
				t.Errorf("POST %s: want the router's 301 to the cleaned path, before any lock route, got %s", path, r)
			} else {
				t.Logf("POST %s: %d (Location %q): Mattermost's router answers before the plugin", path, r.status, r.header.Get("Location"))
			}
		}
		// The command reaches the plugin with any name: there the same rule
		// holds, so no lock is taken that the API could never address.
		for _, name := range []string{"..", ".", "a..b"} {
			reply := commandAs(t, node1, suite.cluster.AdminToken, "/clusterdemo lock "+name)
			if !strings.Contains(reply, usageLine) {
				t.Errorf("/clusterdemo lock %s: want the usage line (the name is invalid), got:\n%s", name, reply)
				commandAs(t, node1, suite.cluster.AdminToken, "/clusterdemo unlock "+name)
			}
		}
		// 64 characters is the longest valid name.
		long := strings.Repeat("b", 64)
		expect(t, "acquire a 64-character name", acquire(t, node1, long, 5, 0), http.StatusOK, nil)
		expect(t, "release the 64-character name", release(t, node1, long), http.StatusOK, nil)
	})
}

// stressID is the id of the last stress run GET /status shows, "" for none.
func stressID(t *testing.T) string {
	t.Helper()
	var status apiStatus
	adminGet(t, suite.node(1), "/api/v1/status", &status)
	if status.Stress == nil {
		return ""
	}
	return status.Stress.ID
}
