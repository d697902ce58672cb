package app

import (
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

var eventually = apptest.Eventually

// testNode is one running application over a shared store.
type testNode struct {
	api *apptest.FakeAPI
	app *App
}

// quietConfig keeps the demo jobs off, so tests that are not about jobs see
// no background runs.
func quietConfig() *Configuration {
	c := DefaultConfiguration()
	c.DemoWorkload = false
	return c
}

// testOptions are the options of node name over api, as OnActivate gives
// them; the digest renders as its bare summary.
func testOptions(api PluginAPI, name string, cfg *Configuration) Options {
	return Options{
		API:          api,
		Self:         Node{ID: model.NewId(), Name: name, StartedAt: time.Now(), Version: "0.1.0-test", ServerVersion: "5.39.3"},
		EnsureBot:    func() (string, error) { return apptest.BotUser, nil },
		RenderDigest: func(d Digest) string { return d.Summary },
		Config:       cfg,
	}
}

// startNode starts node name over store with cfg, stopped when the test
// ends.
func startNode(t *testing.T, store *kvtest.Store, name string, cfg *Configuration) *testNode {
	t.Helper()
	api := apptest.NewFakeAPI(store)
	return &testNode{api: api, app: apptest.Run(t, api, New(testOptions(api, name, cfg)))}
}
