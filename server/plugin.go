package main

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost-server/v5/model"
	"github.com/mattermost/mattermost-server/v5/plugin"
)

// Plugin is the clusterdemo server plugin. It stays thin: lifecycle only;
// the work happens in service.
type Plugin struct {
	plugin.MattermostPlugin

	mu      sync.RWMutex
	service *service
	router  *mux.Router
}

func main() {
	plugin.ClientMain(&Plugin{})
}

// OnActivate registers this node and starts the service.
func (p *Plugin) OnActivate() error {
	cfg := p.API.GetConfig()
	self := nodeRecord{
		ID:            model.NewId(),
		Name:          nodeName(stringValue(cfg.ClusterSettings.OverrideHostname), stringValue(cfg.ServiceSettings.ListenAddress)),
		StartedAt:     time.Now(),
		Version:       manifest.Version,
		ServerVersion: p.API.GetServerVersion(),
	}
	svc := newService(p.API, self, time.Now)
	if err := svc.Start(); err != nil {
		return fmt.Errorf("starting clusterdemo: %w", err)
	}
	p.mu.Lock()
	p.service = svc
	p.router = newRouter(svc)
	p.mu.Unlock()
	return nil
}

// OnDeactivate stops the service before returning.
func (p *Plugin) OnDeactivate() error {
	p.mu.Lock()
	svc := p.service
	p.service = nil
	p.router = nil
	p.mu.Unlock()
	if svc != nil {
		svc.Stop()
	}
	return nil
}

// ServeHTTP hands requests to the router built from the route table.
func (p *Plugin) ServeHTTP(_ *plugin.Context, w http.ResponseWriter, r *http.Request) {
	p.mu.RLock()
	router := p.router
	p.mu.RUnlock()
	if router == nil {
		writeError(w, &apiError{status: http.StatusServiceUnavailable, message: "clusterdemo is not active"})
		return
	}
	router.ServeHTTP(w, r)
}

func stringValue(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
