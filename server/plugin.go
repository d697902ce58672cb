package main

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost-server/v5/model"
	"github.com/mattermost/mattermost-server/v5/plugin"
)

// Plugin is the clusterdemo server plugin. It stays thin: lifecycle and hook
// wiring only; the work happens in service.
type Plugin struct {
	plugin.MattermostPlugin

	mu      sync.RWMutex
	config  *configuration
	service *service
	router  *mux.Router
}

func main() {
	plugin.ClientMain(&Plugin{})
}

func (p *Plugin) active() (*service, *mux.Router) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.service, p.router
}

// OnConfigurationChange validates the settings. An invalid value is
// refused with an error naming it, and the previous configuration stays.
func (p *Plugin) OnConfigurationChange() error {
	cfg, err := parseConfiguration(p.API.GetPluginConfig())
	if err != nil {
		p.API.LogError("clusterdemo: refusing invalid configuration; keeping the previous one", "err", err.Error())
		return fmt.Errorf("invalid clusterdemo configuration, keeping the previous one: %w", err)
	}
	p.mu.Lock()
	p.config = cfg
	svc := p.service
	p.mu.Unlock()
	if svc != nil {
		return svc.SetConfig(cfg)
	}
	return nil
}

// OnActivate registers this node, starts the demo jobs and registers the
// slash command.
func (p *Plugin) OnActivate() error {
	p.mu.RLock()
	cfg := p.config
	p.mu.RUnlock()
	if cfg == nil {
		cfg = defaultConfiguration()
	}
	bundle, err := p.API.GetBundlePath()
	if err != nil {
		return fmt.Errorf("finding the plugin bundle: %w", err)
	}
	server := p.API.GetConfig()
	svc := newService(serviceOptions{
		api: p.API,
		self: nodeRecord{
			ID:            model.NewId(),
			Name:          nodeName(stringValue(server.ClusterSettings.OverrideHostname), stringValue(server.ServiceSettings.ListenAddress)),
			StartedAt:     time.Now(),
			Version:       manifest.Version,
			ServerVersion: p.API.GetServerVersion(),
		},
		now:       time.Now,
		ensureBot: func() (string, error) { return p.Helpers.EnsureBot(digestBot) },
		bundle:    bundle,
		config:    cfg,
	})
	if err := svc.Start(); err != nil {
		return fmt.Errorf("starting clusterdemo: %w", err)
	}
	if err := p.API.RegisterCommand(commandDefinition()); err != nil {
		svc.Stop()
		return fmt.Errorf("registering /%s: %w", commandTrigger, err)
	}
	p.mu.Lock()
	p.service = svc
	p.router = newRouter(svc)
	p.mu.Unlock()
	return nil
}

// OnDeactivate closes every job and releases every lock this node holds
// before returning.
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
	_, router := p.active()
	if router == nil {
		writeError(w, &apiError{status: http.StatusServiceUnavailable, message: "clusterdemo is not active"})
		return
	}
	router.ServeHTTP(w, r)
}

// ExecuteCommand answers /clusterdemo with an ephemeral reply, never a panic.
func (p *Plugin) ExecuteCommand(_ *plugin.Context, args *model.CommandArgs) (resp *model.CommandResponse, appErr *model.AppError) {
	defer func() {
		if v := recover(); v != nil {
			p.API.LogError("clusterdemo: panic in /clusterdemo", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			resp = ephemeral("Something went wrong running the command; the server log has the details.\n\n" + commandUsage)
		}
	}()
	svc, _ := p.active()
	if svc == nil {
		return ephemeral("Cluster Demo is not active."), nil
	}
	return ephemeral(svc.ExecuteCommand(args.UserId, args.Command, args.SiteURL)), nil
}

func ephemeral(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.COMMAND_RESPONSE_TYPE_EPHEMERAL, Text: text}
}

// OnPluginClusterEvent passes cluster events to the service (the cluster
// package's wake-ups first).
func (p *Plugin) OnPluginClusterEvent(_ *plugin.Context, ev model.PluginClusterEvent) {
	defer func() {
		if v := recover(); v != nil {
			p.API.LogError("clusterdemo: panic handling a cluster event", "event", ev.Id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if svc, _ := p.active(); svc != nil {
		svc.HandleClusterEvent(ev)
	}
}

func stringValue(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
