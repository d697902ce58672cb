package plugin

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
	"github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
	"github.com/clusterdemo/clusterdemo/server/command"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// hooksAPI is the plugin API the hooks see: the KV calls of a kvtest node,
// the fake's recorders, and the few server calls OnActivate makes. Any other
// call panics (the embedded plugin.API is nil), so the test also shows the
// plugin uses nothing more.
type hooksAPI struct {
	plugin.API
	kv       *apptest.FakeAPI
	bundle   string
	host     string // ClusterSettings.OverrideHostname
	commands []*model.Command
}

func newHooksAPI(t *testing.T, store *kvtest.Store, host string) *hooksAPI {
	return &hooksAPI{kv: apptest.NewFakeAPI(store), bundle: t.TempDir(), host: host}
}

func (a *hooksAPI) KVGet(key string) ([]byte, *model.AppError) { return a.kv.KVGet(key) }
func (a *hooksAPI) KVSetWithOptions(key string, value []byte, o model.PluginKVSetOptions) (bool, *model.AppError) {
	return a.kv.KVSetWithOptions(key, value, o)
}
func (a *hooksAPI) KVDelete(key string) *model.AppError { return a.kv.KVDelete(key) }
func (a *hooksAPI) KVList(page, perPage int) ([]string, *model.AppError) {
	return a.kv.KVList(page, perPage)
}
func (a *hooksAPI) LogError(msg string, kv ...interface{}) { a.kv.LogError(msg, kv...) }
func (a *hooksAPI) LogWarn(msg string, kv ...interface{})  { a.kv.LogWarn(msg, kv...) }
func (a *hooksAPI) HasPermissionTo(userID string, p *model.Permission) bool {
	return a.kv.HasPermissionTo(userID, p)
}
func (a *hooksAPI) PublishWebSocketEvent(event string, payload map[string]interface{}, b *model.WebsocketBroadcast) {
	a.kv.PublishWebSocketEvent(event, payload, b)
}
func (a *hooksAPI) PublishPluginClusterEvent(ev model.PluginClusterEvent, o model.PluginClusterEventSendOptions) error {
	return a.kv.PublishPluginClusterEvent(ev, o)
}
func (a *hooksAPI) CreatePost(post *model.Post) (*model.Post, *model.AppError) {
	return a.kv.CreatePost(post)
}
func (a *hooksAPI) GetPluginConfig() map[string]interface{} {
	return map[string]interface{}{"DemoWorkload": false}
}
func (a *hooksAPI) GetBundlePath() (string, error) { return a.bundle, nil }
func (a *hooksAPI) GetServerVersion() string       { return "5.39.3" }
func (a *hooksAPI) GetConfig() *model.Config {
	cfg := &model.Config{}
	cfg.SetDefaults()
	*cfg.ServiceSettings.ListenAddress = ":8066"
	*cfg.ClusterSettings.OverrideHostname = a.host
	return cfg
}
func (a *hooksAPI) RegisterCommand(c *model.Command) error {
	a.commands = append(a.commands, c)
	return nil
}

// The hooks in order: configuration, activation, a request, the command,
// deactivation; after it nothing of this node stays held or registered.
func TestPluginLifecycleThroughHooks(t *testing.T) {
	store := kvtest.NewStore()
	api := newHooksAPI(t, store, "hooks-node")
	p := New()
	p.SetAPI(api)

	rec := httptest.NewRecorder()
	p.ServeHTTP(nil, rec, httptest.NewRequest("GET", "/api/v1/nodes", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("before activation: %d, want 503", rec.Code)
	}

	if err := p.OnConfigurationChange(); err != nil {
		t.Fatal(err)
	}
	if err := p.OnActivate(); err != nil {
		t.Fatal(err)
	}
	if len(api.commands) != 1 || api.commands[0].Trigger != command.Trigger {
		t.Fatalf("registered commands %+v", api.commands)
	}

	req := httptest.NewRequest("POST", "/api/v1/locks/hooked/acquire", strings.NewReader(`{"hold_seconds": 600}`))
	req.Header.Set("Mattermost-User-ID", apptest.AdminUser)
	rec = httptest.NewRecorder()
	p.ServeHTTP(nil, rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"holder_name":"hooks-node"`) {
		t.Fatalf("acquire through ServeHTTP: %d %s", rec.Code, rec.Body.String())
	}

	resp, appErr := p.ExecuteCommand(nil, &model.CommandArgs{UserId: apptest.AdminUser, Command: "/clusterdemo locks"})
	if appErr != nil || resp.ResponseType != model.COMMAND_RESPONSE_TYPE_EPHEMERAL || !strings.Contains(resp.Text, "`hooked`") {
		t.Fatalf("command reply %+v %v", resp, appErr)
	}

	if err := p.OnDeactivate(); err != nil {
		t.Fatal(err)
	}
	// Another node sees the lock free at once, not after its TTL, and this
	// node gone from the registry.
	other := activate(t, newHooksAPI(t, store, "node-b"))
	if rec := get(other, "/api/v1/locks/hooked"); !strings.Contains(rec.Body.String(), `"held":false`) {
		t.Fatalf("after deactivation the lock is %s", rec.Body.String())
	}
	if rec := get(other, "/api/v1/nodes"); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "hooks-node") {
		t.Fatalf("the deactivated node is still registered: %d %s", rec.Code, rec.Body.String())
	}
	rec = httptest.NewRecorder()
	p.ServeHTTP(nil, rec, httptest.NewRequest("GET", "/api/v1/nodes", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("after deactivation: %d, want 503", rec.Code)
	}
	if resp, _ := p.ExecuteCommand(nil, &model.CommandArgs{UserId: apptest.AdminUser, Command: "/clusterdemo status"}); !strings.Contains(resp.Text, "not active") {
		t.Fatalf("command after deactivation: %q", resp.Text)
	}
}

// activate starts a plugin over api, deactivated when the test ends.
func activate(t *testing.T, api *hooksAPI, options ...Option) *Plugin {
	t.Helper()
	p := New(options...)
	p.SetAPI(api)
	if err := p.OnActivate(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.OnDeactivate() })
	return p
}

// get sends a GET through the plugin's ServeHTTP as the admin.
func get(p *Plugin, path string) *httptest.ResponseRecorder {
	return getAs(p, apptest.AdminUser, path)
}

func getAs(p *Plugin, user, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Mattermost-User-ID", user)
	rec := httptest.NewRecorder()
	p.ServeHTTP(nil, rec, req)
	return rec
}

// WithRoutes adds routes built on activation from the active plugin, and
// they pass the access checks: the benchmark harness's way in.
func TestWithRoutesAddsCheckedRoutes(t *testing.T) {
	var host Host
	p := activate(t, newHooksAPI(t, kvtest.NewStore(), "hooks-node"), WithRoutes(func(h Host) []httpapi.Route {
		host = h
		return []httpapi.Route{{Method: http.MethodGet, Path: "/api/v1/extra", Access: httpapi.AdminOnly, JSON: func(*http.Request) (int, interface{}, error) {
			return http.StatusOK, map[string]string{"node": h.Node.Name}, nil
		}}}
	}))
	if host.Node.Name != "hooks-node" || host.Node.ID == "" || host.API == nil || host.Context.Err() != nil {
		t.Fatalf("routes built with %+v", host)
	}
	if rec := get(p, "/api/v1/extra"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"node":"hooks-node"`) {
		t.Fatalf("extra route as admin: %d %s", rec.Code, rec.Body.String())
	}
	if rec := getAs(p, apptest.MemberUser, "/api/v1/extra"); rec.Code != http.StatusForbidden {
		t.Fatalf("extra route as a non-admin: %d, want 403", rec.Code)
	}
	if err := p.OnDeactivate(); err != nil {
		t.Fatal(err)
	}
	if host.Context.Err() == nil {
		t.Error("the routes' context outlived the plugin")
	}
}

// settingsAPI serves plugin settings; any other plugin API call panics
// (the embedded interface is nil), so the test shows the hook uses no more.
type settingsAPI struct {
	plugin.API
	settings map[string]interface{}
	errors   []string
}

func (a *settingsAPI) GetPluginConfig() map[string]interface{} { return a.settings }
func (a *settingsAPI) LogError(msg string, _ ...interface{})   { a.errors = append(a.errors, msg) }

// An invalid change is refused with an error and the previous configuration
// stays in force.
func TestOnConfigurationChangeKeepsPreviousOnInvalid(t *testing.T) {
	api := &settingsAPI{settings: map[string]interface{}{"QuickIntervalSeconds": float64(5)}}
	p := New()
	p.SetAPI(api)
	if err := p.OnConfigurationChange(); err != nil {
		t.Fatal(err)
	}
	if p.config.QuickInterval != 5*time.Second {
		t.Fatalf("valid change not applied: %+v", p.config)
	}

	api.settings = map[string]interface{}{"QuickIntervalSeconds": float64(1), "SlowRunSeconds": float64(3)}
	err := p.OnConfigurationChange()
	if err == nil || !strings.Contains(err.Error(), "QuickIntervalSeconds") {
		t.Fatalf("invalid change: %v, want an error naming the setting", err)
	}
	if p.config.QuickInterval != 5*time.Second || p.config.SlowRun != app.DefaultConfiguration().SlowRun {
		t.Fatalf("invalid change altered the configuration: %+v", p.config)
	}
	if len(api.errors) != 1 {
		t.Errorf("logged %v, want one error", api.errors)
	}
}
