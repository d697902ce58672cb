package main

import (
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// pluginAPI is the part of the Mattermost plugin API the service uses; the
// production value is plugin.API, tests pass a fake over the cluster
// package's KV fake.
type pluginAPI interface {
	kvStore
	eventPublisher
	LogWarn(msg string, keyValuePairs ...interface{})
	HasPermissionTo(userID string, permission *model.Permission) bool
}

// service is the plugin while active: HTTP and the slash command call into
// it, and it calls the cluster package and the KV store.
type service struct {
	api   pluginAPI
	now   func() time.Time
	nodes *nodeRegistry
}

func newService(api pluginAPI, self nodeRecord, now func() time.Time) *service {
	s := &service{api: api, now: now}
	s.nodes = newNodeRegistry(api, self, now, s.publish)
	return s
}

// publish tells open panels that something of kind changed.
func (s *service) publish(kind, name string) {
	publishStatusChanged(s.api, kind, name)
}

// Start brings the service up: it registers this node.
func (s *service) Start() error {
	return s.nodes.Start()
}

// Stop takes the service down: this node leaves the registry.
func (s *service) Stop() {
	s.nodes.Stop()
}

// Nodes returns every registered node as the API shows it.
func (s *service) Nodes() ([]nodeJSON, error) {
	records, err := s.nodes.List()
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]nodeJSON, 0, len(records))
	for _, n := range records {
		out = append(out, s.nodes.JSON(n, now))
	}
	return out, nil
}
