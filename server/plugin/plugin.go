// Package plugin is the Mattermost side of clusterdemo: the hooks, which
// build, reconfigure and stop the application and hand requests, commands
// and cluster events to it. Lifecycle only; the work is in app, and what
// users see is in httpapi and command.
package plugin

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
	"github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/command"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// Plugin is the clusterdemo server plugin.
type Plugin struct {
	plugin.MattermostPlugin

	extraRoutes func(Host) []httpapi.Route
	wrapAPI     func(plugin.API) plugin.API

	mu     sync.RWMutex
	config *app.Configuration
	// refused is the last saved settings OnConfigurationChange refused;
	// nil once a save is accepted.
	refused *app.Refusal
	app     *app.App
	router  http.Handler
}

// Host is what extra routes may use of the active plugin: the server's
// plugin API, this node as the cluster package knows it, and a context
// that ends when the plugin deactivates.
type Host struct {
	API     plugin.API
	Node    cluster.Node
	Context context.Context
}

// Option configures New.
type Option func(*Plugin)

// WithRoutes adds the routes routes builds on every activation to the HTTP
// API; they pass the same access checks as every other route. The released
// plugin has none; the benchmark harness adds its own.
func WithRoutes(routes func(Host) []httpapi.Route) Option {
	return func(p *Plugin) { p.extraRoutes = routes }
}

// WithAPI has the application (locks, jobs, stress, node records) call the
// server through wrap(api) instead of the server's plugin API itself, so a
// harness can put faults or instruments between them. The released plugin
// has none; the end-to-end suite's deliberately broken builds (dev/) use
// it to show that its checks fail on a wrong implementation.
func WithAPI(wrap func(plugin.API) plugin.API) Option {
	return func(p *Plugin) { p.wrapAPI = wrap }
}

// New returns the plugin for plugin.ClientMain.
func New(options ...Option) *Plugin {
	p := &Plugin{}
	for _, o := range options {
		o(p)
	}
	return p
}

func (p *Plugin) active() (*app.App, http.Handler) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.app, p.router
}

// OnConfigurationChange validates the settings. An invalid value is
// refused with an error naming it, and the previous configuration stays
// (the defaults, when the plugin starts with it). Mattermost 5.39 has by
// then saved the value, and only logs the error this returns (on
// activation, only to the plugin's stderr), so the refusal is also kept
// for the status answer: the panel says which value was refused and why.
func (p *Plugin) OnConfigurationChange() error {
	cfg, err := app.ParseConfiguration(p.API.GetPluginConfig())
	if err != nil {
		p.API.LogError("clusterdemo: refusing invalid configuration; keeping the previous one", "err", err.Error())
		refused := app.RefusalFrom(err, time.Now())
		p.mu.Lock()
		p.refused = refused
		a := p.app
		p.mu.Unlock()
		if a != nil {
			a.RefuseConfig(refused)
		}
		return fmt.Errorf("invalid clusterdemo configuration, keeping the previous one: %w", err)
	}
	p.mu.Lock()
	p.config = cfg
	p.refused = nil
	a := p.app
	p.mu.Unlock()
	if a != nil {
		return a.SetConfig(cfg)
	}
	return nil
}

// OnActivate registers this node, starts the demo jobs and registers the
// slash command.
func (p *Plugin) OnActivate() error {
	p.mu.RLock()
	cfg, refused := p.config, p.refused
	p.mu.RUnlock()
	bundle, err := p.API.GetBundlePath()
	if err != nil {
		return fmt.Errorf("finding the plugin bundle: %w", err)
	}
	server := p.API.GetConfig()
	// One bounded API per activation, for the application and the extra
	// routes alike (see limitedAPI); a test harness may wrap it further.
	var api plugin.API = newLimitedAPI(p.API, maxKVCallsInFlight)
	if p.wrapAPI != nil {
		api = p.wrapAPI(api)
	}
	a := app.New(app.Options{
		API: api,
		Self: app.Node{
			ID:            model.NewId(),
			Name:          app.NodeName(stringValue(server.ClusterSettings.OverrideHostname), stringValue(server.ServiceSettings.ListenAddress)),
			StartedAt:     time.Now(),
			Version:       app.Manifest.Version,
			ServerVersion: p.API.GetServerVersion(),
		},
		EnsureBot:    p.botEnsurer(),
		RenderDigest: command.DigestMessage,
		Config:       cfg,
		Refused:      refused,
	})
	if err := a.Start(); err != nil {
		return fmt.Errorf("starting clusterdemo: %w", err)
	}
	if err := p.API.RegisterCommand(command.Definition()); err != nil {
		a.Stop()
		return fmt.Errorf("registering /%s: %w", command.Trigger, err)
	}
	var extra []httpapi.Route
	if p.extraRoutes != nil {
		self := a.Self()
		extra = p.extraRoutes(Host{API: api, Node: cluster.Node{ID: self.ID, Name: self.Name}, Context: a.Context()})
	}
	router := httpapi.New(httpapi.Options{App: a, Server: p.API, Bundle: bundle, Extra: extra})
	p.mu.Lock()
	p.app = a
	p.router = router
	p.mu.Unlock()
	return nil
}

// OnDeactivate closes every job and releases every lock this node holds
// before returning.
func (p *Plugin) OnDeactivate() error {
	p.mu.Lock()
	a := p.app
	p.app = nil
	p.router = nil
	p.mu.Unlock()
	if a != nil {
		a.Stop()
	}
	return nil
}

// ServeHTTP hands requests to the HTTP API.
func (p *Plugin) ServeHTTP(_ *plugin.Context, w http.ResponseWriter, r *http.Request) {
	_, router := p.active()
	if router == nil {
		httpapi.Unavailable(w)
		return
	}
	router.ServeHTTP(w, r)
}

// ExecuteCommand answers /clusterdemo with an ephemeral reply, never a panic.
func (p *Plugin) ExecuteCommand(_ *plugin.Context, args *model.CommandArgs) (resp *model.CommandResponse, appErr *model.AppError) {
	defer func() {
		if v := recover(); v != nil {
			p.API.LogError("clusterdemo: panic in /clusterdemo", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			resp = ephemeral("Something went wrong running the command; the server log has the details.\n\n" + command.Usage)
		}
	}()
	a, _ := p.active()
	if a == nil {
		return ephemeral("Cluster Demo is not active."), nil
	}
	return ephemeral(command.Execute(a, p.API, args.UserId, args.ChannelId, args.Command, args.SiteURL)), nil
}

func ephemeral(text string) *model.CommandResponse {
	return &model.CommandResponse{ResponseType: model.COMMAND_RESPONSE_TYPE_EPHEMERAL, Text: text}
}

// OnPluginClusterEvent passes cluster events to the application (the
// cluster package's wake-ups first).
func (p *Plugin) OnPluginClusterEvent(_ *plugin.Context, ev model.PluginClusterEvent) {
	defer func() {
		if v := recover(); v != nil {
			p.API.LogError("clusterdemo: panic handling a cluster event", "event", ev.Id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if a, _ := p.active(); a != nil {
		a.HandleClusterEvent(ev)
	}
}

// botEnsurer returns the digest's EnsureBot for one activation. The first
// successful call also sets the bot's profile image from the bundle; the
// helpers would otherwise upload it again on every digest post.
func (p *Plugin) botEnsurer() func() (string, error) {
	var mu sync.Mutex
	imageSet := false
	return func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		var options []plugin.EnsureBotOption
		if !imageSet {
			options = append(options, plugin.ProfileImagePath(app.DigestBotImage))
		}
		id, err := p.Helpers.EnsureBot(app.DigestBot, options...)
		if err == nil {
			imageSet = true
		}
		return id, err
	}
}

func stringValue(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
