package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

var namePattern = regexp.MustCompile(`\{name(:[^}]*)?\}`)

// pathFor fills a route's {name} with name.
func pathFor(rt Route, name string) string {
	return namePattern.ReplaceAllString(rt.Path, name)
}

// adminExamples gives, for every route, a request an admin makes that must
// succeed, after any setup it needs. The route test fails for a route
// missing here, so a new route cannot skip the auth matrix.
var adminExamples = map[string]func(t *testing.T, n *testNode) (path, body string){
	"GET /api/v1/status": func(*testing.T, *testNode) (string, string) { return "/api/v1/status", "" },
	"GET /api/v1/nodes":  func(*testing.T, *testNode) (string, string) { return "/api/v1/nodes", "" },
	"GET /api/v1/locks":  func(*testing.T, *testNode) (string, string) { return "/api/v1/locks", "" },
	"POST /api/v1/locks/{name:.*}/acquire": func(*testing.T, *testNode) (string, string) {
		return "/api/v1/locks/auth-acquire/acquire", `{"hold_seconds": 5}`
	},
	"POST /api/v1/locks/{name:.*}/release": func(t *testing.T, n *testNode) (string, string) {
		n.doJSON(t, http.MethodPost, "/api/v1/locks/auth-release/acquire", `{"hold_seconds": 30}`, http.StatusOK, nil)
		return "/api/v1/locks/auth-release/release", ""
	},
	"GET /api/v1/locks/{name:.*}": func(t *testing.T, n *testNode) (string, string) {
		n.doJSON(t, http.MethodPost, "/api/v1/locks/auth-get/acquire", `{"hold_seconds": 30}`, http.StatusOK, nil)
		return "/api/v1/locks/auth-get", ""
	},
	"GET /api/v1/jobs":             func(*testing.T, *testNode) (string, string) { return "/api/v1/jobs", "" },
	"GET /api/v1/jobs/{name}":      func(*testing.T, *testNode) (string, string) { return "/api/v1/jobs/quick", "" },
	"POST /api/v1/jobs/{name}/run": func(*testing.T, *testNode) (string, string) { return "/api/v1/jobs/quick/run", "" },
	"POST /api/v1/stress":          func(*testing.T, *testNode) (string, string) { return "/api/v1/stress", `{"seconds": 1}` },
	"GET /api/v1/reminders":        func(*testing.T, *testNode) (string, string) { return "/api/v1/reminders", "" },
	"POST /api/v1/reminders": func(*testing.T, *testNode) (string, string) {
		return "/api/v1/reminders", `{"seconds": 60, "text": "auth", "channel_id": "auth-channel"}`
	},
	"GET /dashboard":    func(*testing.T, *testNode) (string, string) { return "/dashboard", "" },
	"GET /dashboard.js": func(*testing.T, *testNode) (string, string) { return "/dashboard.js", "" },
}

// roles are the users the access test walks, from none to a system admin.
var roles = []struct {
	name, user string
	read       bool // may see the status (sysconsole_read_plugins or manage_system)
	write      bool // may change demo state (sysconsole_write_plugins or manage_system)
	admin      bool // manage_system
}{
	{"no user", "", false, false, false},
	{"member", memberUser, false, false, false},
	{"read-only admin", apptest.ReadOnlyAdminUser, true, false, false},
	{"plugin admin", apptest.PluginAdminUser, true, true, false},
	{"system admin", adminUser, true, true, true},
}

// TestEveryRouteChecksAccess walks the route table for every role: without
// a user every route answers 401 (the AdminPage sends the browser to the
// login page with redirect_to back to it); Read routes (and the AdminPage) serve
// whoever may read the System Console's plugin pages, Write routes only
// whoever may change them, AdminOnly routes only system admins, and every
// refused request gets a 403 with a JSON error (the AdminPage: the page,
// with status 403). Each allowed request runs on a fresh node, so one
// role's lock or stress run cannot refuse the next. Catches a route that
// checks only manage_system (the read-only admin is refused) or only the
// read permission on a write (the read-only admin gets through).
func TestEveryRouteChecksAccess(t *testing.T) {
	cfg := app.DefaultConfiguration() // jobs scheduled, so "run" has a job to run
	// An extra route, as the benchmark harness adds, must pass the same
	// checks as the table's own.
	extra := Route{Method: http.MethodGet, Path: "/api/v1/extra", Access: AdminOnly, JSON: func(*http.Request) (int, interface{}, error) {
		return http.StatusOK, map[string]string{}, nil
	}}
	for _, rt := range append(routes(&handlers{}), extra) {
		key := rt.Method + " " + rt.Path
		t.Run(key, func(t *testing.T) {
			example, ok := adminExamples[key]
			if !ok && key != "GET /api/v1/extra" {
				t.Fatalf("route %s has no admin example in adminExamples; add one", key)
			}
			if strings.HasPrefix(rt.Path, "/api/") {
				want := Read
				if rt.Method != http.MethodGet {
					want = Write
				}
				if rt.Path != extra.Path && rt.Access != want {
					t.Errorf("API route %s has access %d, want %d: reads are Read, changes are Write", key, rt.Access, want)
				}
			}
			for _, role := range roles {
				var allowed bool
				switch rt.Access {
				case LoggedIn:
					allowed = role.user != ""
				case Read, AdminPage:
					allowed = role.read
				case Write:
					allowed = role.write
				case AdminOnly:
					allowed = role.admin
				default:
					t.Fatalf("route has unknown access rule %d", rt.Access)
				}
				n := startNode(t, kvtest.NewStore(), "node-a", cfg, extra)
				path, body := pathFor(rt, "some-lock"), ""
				if allowed && ok {
					path, body = example(t, n)
				}
				rec := n.do(t, role.user, rt.Method, path, body)
				switch {
				case role.user == "" && rt.Access == AdminPage:
					// A browser without a session is sent to log in and back.
					want := "/login?redirect_to=" + url.QueryEscape("/plugins/"+app.Manifest.Id+path)
					if rec.Code != http.StatusFound || rec.Header().Get("Location") != want {
						t.Errorf("%s: status %d to %q, want 302 to %q", role.name, rec.Code, rec.Header().Get("Location"), want)
					}
				case role.user == "":
					if rec.Code != http.StatusUnauthorized {
						t.Errorf("%s: status %d, want 401", role.name, rec.Code)
					}
					assertErrorBody(t, rec.Body.Bytes())
				case allowed:
					if rec.Code < 200 || rec.Code > 299 {
						t.Errorf("%s %s %s: status %d, want 2xx; body %s", role.name, rt.Method, path, rec.Code, rec.Body.String())
					}
				case rt.Access == AdminPage:
					if rec.Code != http.StatusForbidden || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
						t.Errorf("%s: status %d, %s; want 403 with the page", role.name, rec.Code, rec.Header().Get("Content-Type"))
					}
				default:
					if rec.Code != http.StatusForbidden {
						t.Errorf("%s: status %d, want 403", role.name, rec.Code)
					}
					assertErrorBody(t, rec.Body.Bytes())
				}
				if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("%s: X-Content-Type-Options %q, want nosniff", role.name, got)
				}
			}
		})
	}
}

// assertErrorBody checks an error answer is {"error": "<non-empty>"}.
func assertErrorBody(t *testing.T, body []byte) {
	t.Helper()
	var e map[string]interface{}
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not JSON: %q", body)
	}
	msg, ok := e["error"].(string)
	if !ok || msg == "" {
		t.Fatalf("error body has no error message: %s", body)
	}
}

func TestBadInputIsRefusedWith400(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	long := strings.Repeat("a", 65)
	cases := []struct {
		name, method, path, body, wantInError string
	}{
		{"name with slash", "POST", "/api/v1/locks/a/b/acquire", "", "invalid lock name"},
		{"name dot-dot", "POST", "/api/v1/locks/../acquire", "", "invalid lock name"},
		{"name dot", "GET", "/api/v1/locks/.", "", "invalid lock name"},
		{"name with dot-dot inside", "GET", "/api/v1/locks/a..b", "", "without '..'"},
		{"name escaped slash", "POST", "/api/v1/locks/a%2Fb/release", "", "invalid lock name"},
		{"name unicode", "POST", "/api/v1/locks/l\u00f6ck/acquire", "", "invalid lock name"},
		{"name 65 chars", "POST", "/api/v1/locks/" + long + "/acquire", "", "1 to 64"},
		{"name empty acquire", "POST", "/api/v1/locks//acquire", "", "invalid lock name"},
		{"name empty get", "GET", "/api/v1/locks/", "", "invalid lock name"},
		{"name space", "GET", "/api/v1/locks/a%20b", "", "invalid lock name"},
		{"name with slash release", "POST", "/api/v1/locks/x/y/release", "", "invalid lock name"},
		{"hold zero", "POST", "/api/v1/locks/ok/acquire", `{"hold_seconds": 0}`, "hold_seconds must be from 1 to 600"},
		{"hold too long", "POST", "/api/v1/locks/ok/acquire", `{"hold_seconds": 601}`, "hold_seconds"},
		{"hold not a number", "POST", "/api/v1/locks/ok/acquire", `{"hold_seconds": "ten"}`, "not valid JSON"},
		{"hold fractional", "POST", "/api/v1/locks/ok/acquire", `{"hold_seconds": 1.5}`, "not valid JSON"},
		{"wait negative", "POST", "/api/v1/locks/ok/acquire", `{"hold_seconds": 5, "wait_seconds": -1}`, "wait_seconds must be from 0 to 30"},
		{"wait too long", "POST", "/api/v1/locks/ok/acquire", `{"wait_seconds": 31}`, "wait_seconds"},
		{"unknown field", "POST", "/api/v1/locks/ok/acquire", `{"hold": 5}`, "unknown field"},
		{"malformed JSON", "POST", "/api/v1/locks/ok/acquire", `{"hold_seconds": `, "not valid JSON"},
		{"not an object", "POST", "/api/v1/locks/ok/acquire", `[1,2]`, "not valid JSON"},
		{"trailing data", "POST", "/api/v1/locks/ok/acquire", `{"hold_seconds": 5} {}`, "after the JSON object"},
		{"stress zero", "POST", "/api/v1/stress", `{"seconds": 0}`, "seconds must be from 1 to 60"},
		{"stress too long", "POST", "/api/v1/stress", `{"seconds": 61}`, "seconds must be from 1 to 60"},
		{"stress malformed", "POST", "/api/v1/stress", `{"seconds": 5`, "not valid JSON"},
		{"stress unknown field", "POST", "/api/v1/stress", `{"secs": 5}`, "unknown field"},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			rec := n.do(t, adminUser, c.method, c.path, c.body)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400; body %s", rec.Code, rec.Body.String())
			}
			assertErrorBody(t, rec.Body.Bytes())
			if !strings.Contains(rec.Body.String(), c.wantInError) {
				t.Errorf("error %s does not mention %q", rec.Body.String(), c.wantInError)
			}
		})
	}
	// Nothing of the refused requests was taken or started.
	var locks []map[string]interface{}
	n.doJSON(t, "GET", "/api/v1/locks", "", http.StatusOK, &locks)
	for _, l := range locks {
		if l["held"] == true {
			t.Errorf("a refused request left lock %v held", l["name"])
		}
	}
	var status map[string]interface{}
	n.doJSON(t, "GET", "/api/v1/status", "", http.StatusOK, &status)
	if status["stress"] != nil {
		t.Errorf("a refused stress request started a run: %v", status["stress"])
	}
}

func TestBodyOver64KiBIsRefusedWith413(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	big := `{"hold_seconds": 5, "pad": "` + strings.Repeat("x", maxBodyBytes) + `"}`
	for _, path := range []string{"/api/v1/locks/big/acquire", "/api/v1/stress", "/api/v1/jobs/quick/run"} {
		rec := n.do(t, adminUser, "POST", path, big)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s with %d bytes: status %d, want 413", path, len(big), rec.Code)
		}
		assertErrorBody(t, rec.Body.Bytes())
	}
	// Exactly the limit is still read (and then judged on its content).
	atLimit := `{"hold_seconds": 5}` + strings.Repeat(" ", maxBodyBytes-len(`{"hold_seconds": 5}`))
	rec := n.do(t, adminUser, "POST", "/api/v1/locks/edge/acquire", atLimit)
	if rec.Code != http.StatusOK {
		t.Errorf("body of exactly %d bytes: status %d, want 200; %s", maxBodyBytes, rec.Code, rec.Body.String())
	}
}

func TestUnknownLockAndJobAre404(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/locks/never-used"},
		{"POST", "/api/v1/locks/never-used/release"},
		{"GET", "/api/v1/jobs/nope%3Cscript%3E"},
		{"POST", "/api/v1/jobs/nope%3Cscript%3E/run"},
		{"GET", "/api/v1/no-such-route%3Cscript%3E"},
	} {
		rec := n.do(t, adminUser, c.method, c.path, "")
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s %s: status %d, want 404; %s", c.method, c.path, rec.Code, rec.Body.String())
		}
		assertErrorBody(t, rec.Body.Bytes())
		// A 404 names no raw input: only a lock name that passed the
		// lock-name rule may be quoted.
		for _, raw := range []string{"nope", "script", "no-such-route"} {
			if strings.Contains(rec.Body.String(), raw) {
				t.Errorf("%s %s: the 404 echoes the request: %s", c.method, c.path, rec.Body.String())
			}
		}
	}
}

func TestPanicInHandlerIsA500NotACrash(t *testing.T) {
	h := recoverPanics(apptest.NewFakeAPI(kvtest.NewStore()), func(http.ResponseWriter, *http.Request) { panic("boom") })
	w := httptest.NewRecorder()
	h(w, httptest.NewRequest("GET", "/x", nil))
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	assertErrorBody(t, w.Body.Bytes())
	if strings.Contains(w.Body.String(), "boom") {
		t.Errorf("the panic value leaked to the client: %s", w.Body.String())
	}
}

// The dashboard page loads the standalone bundle into #root.
func TestDashboardPageAndScript(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	rec := n.do(t, adminUser, "GET", "/dashboard", "")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("dashboard: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	// Scripts only from the plugin's own origin: no inline script, no eval.
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "frame-ancestors 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("dashboard CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-eval") || strings.Count(csp, "unsafe-inline") != 1 || !strings.Contains(csp, "style-src 'self' 'unsafe-inline'") {
		t.Errorf("dashboard CSP %q allows more than inline styles", csp)
	}
	for _, want := range []string{`<div id="root"></div>`, `<script src="dashboard.js"></script>`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("dashboard page lacks %s", want)
		}
	}
	rec = n.do(t, adminUser, "GET", "/dashboard.js", "")
	if rec.Code != http.StatusOK || rec.Body.String() != "console.log('dashboard');\n" {
		t.Fatalf("dashboard.js: %d %q", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/javascript") {
		t.Errorf("dashboard.js content type %q", ct)
	}
}

func TestDashboardScriptMissingFromBundleIs404(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	if err := os.Remove(filepath.Join(n.bundle, dashboardScript)); err != nil {
		t.Fatal(err)
	}
	rec := n.do(t, adminUser, "GET", "/dashboard.js", "")
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d, want 404", rec.Code)
	}
	assertErrorBody(t, rec.Body.Bytes())
}

// A store failure is a 500 with a JSON error, and the API recovers with it.
func TestStoreFailureIs500AndRecovers(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	n.api.SetDown(true)
	for _, path := range []string{"/api/v1/status", "/api/v1/nodes", "/api/v1/locks", "/api/v1/jobs"} {
		rec := n.do(t, adminUser, "GET", path, "")
		if rec.Code != http.StatusInternalServerError {
			t.Errorf("GET %s with the store down: %d, want 500", path, rec.Code)
		}
		assertErrorBody(t, rec.Body.Bytes())
	}
	n.api.SetDown(false)
	n.doJSON(t, "GET", "/api/v1/status", "", http.StatusOK, nil)
}
