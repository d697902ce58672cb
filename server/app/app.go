// Package app is the plugin's application: this node in the registry, the
// demo locks, the demo jobs (the digest among them), the stress demo and
// the status that gathers them, over the cluster package and the plugin
// KV store. It answers in domain values; the HTTP API and the slash
// command render them.
package app

import (
	"context"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// PluginAPI is the part of the Mattermost plugin API the application uses;
// the production value is plugin.API, tests pass a fake over the cluster
// package's KV fake.
type PluginAPI interface {
	kvStore
	webSocketPublisher
	LogWarn(msg string, keyValuePairs ...interface{})
	PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error
	CreatePost(post *model.Post) (*model.Post, *model.AppError)
}

// App is the plugin while active: the HTTP API and the slash command call
// into it, and it calls the cluster package and the KV store.
type App struct {
	api       PluginAPI
	now       func() time.Time
	ensureBot func() (string, error)
	render    func(Digest) string

	nodes  *nodeRegistry
	locks  *demoLocks
	jobs   *demoJobs
	stress *stressDemo

	cfgMu sync.RWMutex
	cfg   *Configuration

	// ctx ends when the application stops, cutting short lock waits in
	// requests.
	ctx    context.Context
	cancel context.CancelFunc
}

// Options are what New needs; every field is required unless it says
// otherwise.
type Options struct {
	API PluginAPI
	// Self is this node: ID, Name, StartedAt, Version and ServerVersion.
	Self Node
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// EnsureBot returns the user id the digest posts as.
	EnsureBot func() (string, error)
	// RenderDigest writes the digest post's message.
	RenderDigest func(Digest) string
	// Config is the validated configuration; DefaultConfiguration when nil.
	Config *Configuration
}

// New builds the application; Start runs it.
func New(o Options) *App {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Config == nil {
		o.Config = DefaultConfiguration()
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &App{api: o.API, now: o.Now, ensureBot: o.EnsureBot, render: o.RenderDigest, cfg: o.Config, ctx: ctx, cancel: cancel}
	self := nodeRecord{ID: o.Self.ID, Name: o.Self.Name, StartedAt: o.Self.StartedAt, Version: o.Self.Version, ServerVersion: o.Self.ServerVersion}
	a.nodes = newNodeRegistry(o.API, self, o.Now, a.publish)
	a.locks = newDemoLocks(o.API, o.Now, a.publish)
	a.jobs = newDemoJobs(o.API, a.publish, map[string]jobWork{
		JobQuick:  sleepWork(func() time.Duration { return quickRunTime }),
		JobSlow:   sleepWork(func() time.Duration { return a.config().SlowRun }),
		JobDigest: a.digest,
	})
	a.stress = newStressDemo(o.API, a.nodes.Self, o.Now, a.publish)
	return a
}

// publish tells open panels that something of kind changed.
func (a *App) publish(kind, name string) {
	publishStatusChanged(a.api, kind, name)
}

func (a *App) config() *Configuration {
	a.cfgMu.RLock()
	defer a.cfgMu.RUnlock()
	return a.cfg
}

// Context ends when the application stops.
func (a *App) Context() context.Context { return a.ctx }

// Start names this node to the cluster package, registers it, and starts
// the demo jobs and the stress watcher. Store errors are logged, not fatal:
// every part retries on its own timer.
func (a *App) Start() error {
	self := a.nodes.Self()
	cluster.SetNode(a.api, cluster.Node{ID: self.ID, Name: self.Name})
	a.nodes.Start()
	if err := a.jobs.Apply(a.config()); err != nil {
		// Scheduling fails only on a bad configuration, which validation
		// has already refused.
		a.nodes.Stop()
		return err
	}
	a.stress.Start()
	return nil
}

// SetConfig swaps in a validated configuration and reschedules jobs whose
// interval or on/off state changed.
func (a *App) SetConfig(cfg *Configuration) error {
	a.cfgMu.Lock()
	a.cfg = cfg
	a.cfgMu.Unlock()
	return a.jobs.Apply(cfg)
}

// Stop closes every job, ends this node's part in a stress run and releases
// every demo lock this node holds, then leaves the node registry. It returns
// once all of it is done.
func (a *App) Stop() {
	a.cancel()
	a.jobs.CloseAll()
	a.stress.Stop()
	a.locks.ReleaseAll()
	a.nodes.Stop()
}

// HandleClusterEvent gives the cluster package its events first.
func (a *App) HandleClusterEvent(ev model.PluginClusterEvent) {
	if cluster.HandleClusterEvent(a.api, ev) {
		return
	}
	if ev.Id == stressEventID {
		a.stress.Wake()
	}
}
