package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mattermost/mattermost-server/v5/model"
	"github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// hooksAPI is the plugin API the hooks see: the KV calls of a kvtest node,
// the fake's recorders, and the few server calls OnActivate makes. Any other
// call panics (the embedded plugin.API is nil), so the test also shows the
// plugin uses nothing more.
type hooksAPI struct {
	plugin.API
	kv       *fakeAPI
	bundle   string
	commands []*model.Command
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
	return map[string]interface{}{settingDemoWorkload: false}
}
func (a *hooksAPI) GetBundlePath() (string, error) { return a.bundle, nil }
func (a *hooksAPI) GetServerVersion() string       { return "5.39.3" }
func (a *hooksAPI) GetConfig() *model.Config {
	cfg := &model.Config{}
	cfg.SetDefaults()
	*cfg.ServiceSettings.ListenAddress = ":8066"
	*cfg.ClusterSettings.OverrideHostname = "hooks-node"
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
	api := &hooksAPI{kv: &fakeAPI{Instance: store.Instance()}, bundle: t.TempDir()}
	p := &Plugin{}
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
	if len(api.commands) != 1 || api.commands[0].Trigger != commandTrigger {
		t.Fatalf("registered commands %+v", api.commands)
	}

	req := httptest.NewRequest("POST", "/api/v1/locks/hooked/acquire", strings.NewReader(`{"hold_seconds": 600}`))
	req.Header.Set("Mattermost-User-ID", adminUser)
	rec = httptest.NewRecorder()
	p.ServeHTTP(nil, rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"holder_name":"hooks-node"`) {
		t.Fatalf("acquire through ServeHTTP: %d %s", rec.Code, rec.Body.String())
	}

	resp, appErr := p.ExecuteCommand(nil, &model.CommandArgs{UserId: adminUser, Command: "/clusterdemo locks"})
	if appErr != nil || resp.ResponseType != model.COMMAND_RESPONSE_TYPE_EPHEMERAL || !strings.Contains(resp.Text, "`hooked`") {
		t.Fatalf("command reply %+v %v", resp, appErr)
	}

	if err := p.OnDeactivate(); err != nil {
		t.Fatal(err)
	}
	// Another node sees the lock free at once, not after its TTL, and this
	// node gone from the registry.
	other := startNode(t, store, "node-b", quietConfig())
	var lock map[string]interface{}
	other.doJSON(t, "GET", "/api/v1/locks/hooked", "", http.StatusOK, &lock)
	if lock["held"] != false {
		t.Fatalf("after deactivation the lock is %v", lock)
	}
	var nodes []map[string]interface{}
	other.doJSON(t, "GET", "/api/v1/nodes", "", http.StatusOK, &nodes)
	for _, n := range nodes {
		if n["name"] == "hooks-node" {
			t.Fatalf("the deactivated node is still registered: %v", nodes)
		}
	}
	rec = httptest.NewRecorder()
	p.ServeHTTP(nil, rec, httptest.NewRequest("GET", "/api/v1/nodes", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("after deactivation: %d, want 503", rec.Code)
	}
	if resp, _ := p.ExecuteCommand(nil, &model.CommandArgs{UserId: adminUser, Command: "/clusterdemo status"}); !strings.Contains(resp.Text, "not active") {
		t.Fatalf("command after deactivation: %q", resp.Text)
	}
}

// A configuration change that arrives after deactivation schedules nothing.
func TestConfigChangeAfterStopSchedulesNothing(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	a.svc.Stop()
	if err := a.svc.SetConfig(defaultConfiguration()); err != nil {
		t.Fatal(err)
	}
	for _, name := range demoJobNames {
		if a.svc.jobs.Scheduled(name) {
			t.Errorf("job %s scheduled on a stopped service", name)
		}
	}
}
