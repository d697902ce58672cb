package main

import (
	"context"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// pluginAPI is the part of the Mattermost plugin API the service uses; the
// production value is plugin.API, tests pass a fake over the cluster
// package's KV fake.
type pluginAPI interface {
	kvStore
	eventPublisher
	LogWarn(msg string, keyValuePairs ...interface{})
	HasPermissionTo(userID string, permission *model.Permission) bool
	PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error
	CreatePost(post *model.Post) (*model.Post, *model.AppError)
}

// service is the plugin while active: HTTP and the slash command call into
// it, and it calls the cluster package and the KV store.
type service struct {
	api       pluginAPI
	now       func() time.Time
	ensureBot func() (string, error)
	bundle    string // the plugin's bundle folder, for the dashboard script

	nodes  *nodeRegistry
	locks  *demoLocks
	jobs   *demoJobs
	stress *stressDemo

	cfgMu sync.RWMutex
	cfg   *configuration

	// ctx ends when the service stops, cutting short lock waits in requests.
	ctx    context.Context
	cancel context.CancelFunc
}

type serviceOptions struct {
	api       pluginAPI
	self      nodeRecord
	now       func() time.Time
	ensureBot func() (string, error)
	bundle    string
	config    *configuration
}

func newService(o serviceOptions) *service {
	ctx, cancel := context.WithCancel(context.Background())
	s := &service{api: o.api, now: o.now, ensureBot: o.ensureBot, bundle: o.bundle, cfg: o.config, ctx: ctx, cancel: cancel}
	s.nodes = newNodeRegistry(o.api, o.self, o.now, s.publish)
	s.locks = newDemoLocks(o.api, o.now, s.publish)
	s.jobs = newDemoJobs(o.api, s.publish, map[string]jobWork{
		jobQuick:  sleepWork(func() time.Duration { return quickRunTime }),
		jobSlow:   sleepWork(func() time.Duration { return s.config().SlowRun }),
		jobDigest: s.digest,
	})
	s.stress = newStressDemo(o.api, s.nodes.Self, o.now, s.publish)
	return s
}

// publish tells open panels that something of kind changed.
func (s *service) publish(kind, name string) {
	publishStatusChanged(s.api, kind, name)
}

func (s *service) config() *configuration {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	return s.cfg
}

// Start names this node to the cluster package, registers it, and starts
// the demo jobs and the stress watcher. Store errors are logged, not fatal:
// every part retries on its own timer.
func (s *service) Start() error {
	self := s.nodes.Self()
	cluster.SetNode(s.api, cluster.Node{ID: self.ID, Name: self.Name})
	s.nodes.Start()
	if err := s.jobs.Apply(s.config()); err != nil {
		// Scheduling fails only on a bad configuration, which validation
		// has already refused.
		s.nodes.Stop()
		return err
	}
	s.stress.Start()
	return nil
}

// SetConfig swaps in a validated configuration and reschedules jobs whose
// interval or on/off state changed.
func (s *service) SetConfig(cfg *configuration) error {
	s.cfgMu.Lock()
	s.cfg = cfg
	s.cfgMu.Unlock()
	return s.jobs.Apply(cfg)
}

// Stop closes every job, ends this node's part in a stress run and releases
// every demo lock this node holds, then leaves the node registry. It returns
// once all of it is done.
func (s *service) Stop() {
	s.cancel()
	s.jobs.CloseAll()
	s.stress.Stop()
	s.locks.ReleaseAll()
	s.nodes.Stop()
}

// HandleClusterEvent gives the cluster package its events first.
func (s *service) HandleClusterEvent(ev model.PluginClusterEvent) {
	if cluster.HandleClusterEvent(s.api, ev) {
		return
	}
	if ev.Id == stressEventID {
		s.stress.Wake()
	}
}
