package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Users the fake knows: only adminUser may manage the system.
const (
	adminUser  = "adminuser000000000000000000"
	memberUser = "memberuser00000000000000000"
)

// fakeAPI is the plugin API of one node: its KV calls go to a shared
// kvtest store (so several fakes are several nodes of one cluster), and it
// records what the plugin publishes and posts.
type fakeAPI struct {
	*kvtest.Instance

	mu      sync.Mutex
	events  []map[string]interface{}
	posts   []*model.Post
	warns   []string
	postErr *model.AppError // when set, CreatePost fails with it
}

func (f *fakeAPI) LogWarn(msg string, keyValuePairs ...interface{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.warns = append(f.warns, fmt.Sprint(append([]interface{}{msg}, keyValuePairs...)...))
}

func (f *fakeAPI) HasPermissionTo(userID string, permission *model.Permission) bool {
	return userID == adminUser && permission.Id == model.PERMISSION_MANAGE_SYSTEM.Id
}

func (f *fakeAPI) PublishWebSocketEvent(event string, payload map[string]interface{}, broadcast *model.WebsocketBroadcast) {
	f.mu.Lock()
	defer f.mu.Unlock()
	copied := map[string]interface{}{"_event": event, "_sensitive": broadcast != nil && broadcast.ContainsSensitiveData}
	for k, v := range payload {
		copied[k] = v
	}
	f.events = append(f.events, copied)
}

func (f *fakeAPI) CreatePost(post *model.Post) (*model.Post, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.postErr != nil {
		return nil, f.postErr
	}
	f.posts = append(f.posts, post)
	return post, nil
}

func (f *fakeAPI) Events() []map[string]interface{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]interface{}(nil), f.events...)
}

func (f *fakeAPI) Posts() []*model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*model.Post(nil), f.posts...)
}

// testNode is one running plugin service over a shared store.
type testNode struct {
	api    *fakeAPI
	svc    *service
	router http.Handler
	bundle string
}

// quietConfig keeps the demo jobs off, so tests that are not about jobs see
// no background runs.
func quietConfig() *configuration {
	c := defaultConfiguration()
	c.DemoWorkload = false
	return c
}

// startNode starts a service named name over store with cfg, stopped when
// the test ends.
func startNode(t *testing.T, store *kvtest.Store, name string, cfg *configuration) *testNode {
	t.Helper()
	return startNodeWithAPI(t, &fakeAPI{Instance: store.Instance()}, name, cfg)
}

// startNodeWithAPI is startNode over a fake the test has prepared.
func startNodeWithAPI(t *testing.T, api *fakeAPI, name string, cfg *configuration) *testNode {
	t.Helper()
	bundle := t.TempDir()
	if err := os.MkdirAll(filepath.Join(bundle, "webapp", "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, dashboardScript), []byte("console.log('dashboard');\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	svc := newService(serviceOptions{
		api:       api,
		self:      nodeRecord{ID: model.NewId(), Name: name, StartedAt: time.Now(), Version: "0.1.0-test", ServerVersion: "5.39.3"},
		now:       time.Now,
		ensureBot: func() (string, error) { return "botuser0000000000000000000", nil },
		bundle:    bundle,
		config:    cfg,
	})
	api.OnPluginClusterEvent(svc.HandleClusterEvent)
	if err := svc.Start(); err != nil {
		t.Fatalf("starting node %s: %v", name, err)
	}
	t.Cleanup(svc.Stop)
	return &testNode{api: api, svc: svc, router: newRouter(svc), bundle: bundle}
}

// do sends one request as user ("" for none) and returns the recorder.
func (n *testNode) do(t *testing.T, user, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
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

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
