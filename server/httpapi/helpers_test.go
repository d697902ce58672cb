package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

const (
	adminUser  = apptest.AdminUser
	memberUser = apptest.MemberUser
)

var eventually = apptest.Eventually

// testNode is one running application over a shared store, behind the
// router.
type testNode struct {
	api    *apptest.FakeAPI
	app    *app.App
	router http.Handler
	bundle string
}

// startNode starts node name over store with cfg, stopped when the test
// ends.
func startNode(t *testing.T, store *kvtest.Store, name string, cfg *app.Configuration, extra ...Route) *testNode {
	t.Helper()
	return startNodeWithAPI(t, apptest.NewFakeAPI(store), name, cfg, extra...)
}

// startNodeWithAPI is startNode over a fake the test has prepared.
func startNodeWithAPI(t *testing.T, api *apptest.FakeAPI, name string, cfg *app.Configuration, extra ...Route) *testNode {
	t.Helper()
	bundle := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bundle, "webapp", "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, dashboardScript), []byte("console.log('dashboard');\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := apptest.Run(t, api, app.New(app.Options{
		API:          api,
		Self:         app.Node{ID: model.NewId(), Name: name, StartedAt: time.Now(), Version: "0.1.0-test", ServerVersion: "5.39.3"},
		EnsureBot:    func() (string, error) { return apptest.BotUser, nil },
		RenderDigest: func(d app.Digest) string { return d.Summary },
		Config:       cfg,
	}))
	return &testNode{api: api, app: a, router: New(Options{App: a, Server: api, Bundle: bundle, Extra: extra}), bundle: bundle}
}

// do sends one request as user ("" for none) and returns the recorder.
func (n *testNode) do(t *testing.T, user, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	// As Mattermost passes it: URL.Path relative to the plugin, RequestURI
	// as the browser sent it.
	req.RequestURI = "/plugins/" + app.Manifest.Id + req.RequestURI
	if user != "" {
		req.Header.Set("Mattermost-User-ID", user)
	}
	rec := httptest.NewRecorder()
	n.router.ServeHTTP(rec, req)
	return rec
}

// doJSON sends as the admin, checks the status, and decodes into v.
func (n *testNode) doJSON(t *testing.T, method, path, body string, wantStatus int, v interface{}) {
	t.Helper()
	rec := n.do(t, adminUser, method, path, body)
	if rec.Code != wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body %s", method, path, rec.Code, wantStatus, rec.Body.String())
	}
	if v != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatalf("%s %s: decoding %s: %v", method, path, rec.Body.String(), err)
		}
	}
}

// quietConfig keeps the demo jobs off, so tests that are not about jobs see
// no background runs.
func quietConfig() *app.Configuration {
	c := app.DefaultConfiguration()
	c.DemoWorkload = false
	return c
}
