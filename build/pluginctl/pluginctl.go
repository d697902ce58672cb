// Package pluginctl installs a plugin bundle on a running Mattermost server
// through its REST API: upload (forced, so a re-install replaces the old
// version), enable, and wait until the server reports the plugin running.
//
// Every failure is returned as one line that says what went wrong and where,
// because these errors end up as the last line a developer sees from
// `make deploy` or `make demo`.
package pluginctl

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// pollInterval is how often WaitRunning asks the server for plugin statuses.
// Activation of a small plugin takes well under a second on a local node.
const pollInterval = 200 * time.Millisecond

// Install uploads the bundle at bundlePath to the server behind client
// (replacing any installed version), enables pluginID and waits until the
// server reports it running. client must carry a system admin's token.
//
// Client4 (v5) takes no context; give client.HttpClient a Timeout so a hung
// server cannot stall Install beyond ctx.
func Install(ctx context.Context, client *model.Client4, bundlePath, pluginID string) error {
	if err := Ping(client); err != nil {
		return err
	}
	manifest, err := Upload(client, bundlePath)
	if err != nil {
		return err
	}
	if manifest.Id != pluginID {
		return fmt.Errorf("bundle %s holds plugin %q, not %q", bundlePath, manifest.Id, pluginID)
	}
	if err := Enable(client, pluginID); err != nil {
		return err
	}
	return WaitRunning(ctx, client, pluginID)
}

// Ping checks that client.Url is a Mattermost server that answers. A wrong
// path under a real server gets the web app's HTML page with status 200, so
// the answer itself is checked.
func Ping(client *model.Client4) error {
	status, resp := client.GetPing()
	if resp.Error != nil {
		return describe(client, "ping", resp)
	}
	if status != model.STATUS_OK {
		return fmt.Errorf("ping: %s does not answer as a Mattermost server (no status in its ping answer): check the URL", client.Url)
	}
	return nil
}

// Upload sends the bundle with force, so an installed copy is replaced.
func Upload(client *model.Client4, bundlePath string) (*model.Manifest, error) {
	f, err := os.Open(bundlePath)
	if err != nil {
		return nil, fmt.Errorf("cannot read plugin bundle: %w", err)
	}
	defer f.Close()
	manifest, resp := client.UploadPluginForced(f)
	if resp.Error != nil {
		return nil, describe(client, "plugin upload", resp)
	}
	if manifest == nil {
		return nil, fmt.Errorf("plugin upload to %s: the server answered without a manifest", client.Url)
	}
	return manifest, nil
}

// Enable turns the plugin on in this server's configuration. Without a
// licensed cluster every node keeps its own config.json, so a plugin must be
// enabled on each node separately.
func Enable(client *model.Client4, pluginID string) error {
	if _, resp := client.EnablePlugin(pluginID); resp.Error != nil {
		return describe(client, "enabling plugin "+pluginID, resp)
	}
	return nil
}

// WaitRunning polls the server until every status it reports for pluginID is
// "running". A plugin that failed to start is reported at once: the server
// does not retry activation on its own. A plugin that crashed after starting
// is waited for, because the server's health check restarts it.
func WaitRunning(ctx context.Context, client *model.Client4, pluginID string) error {
	lastSeen := "no status yet"
	for {
		statuses, resp := client.GetPluginStatuses()
		if resp.Error != nil {
			lastSeen = describe(client, "reading plugin statuses", resp).Error()
		} else {
			running, seen := summarize(statuses, pluginID)
			if running {
				return nil
			}
			lastSeen = seen
			if seen == stateName(model.PluginStateFailedToStart) {
				return fmt.Errorf("plugin %s failed to start on %s; the server log says why", pluginID, client.Url)
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("plugin %s not running on %s (%v); last seen: %s", pluginID, client.Url, ctx.Err(), lastSeen)
		case <-time.After(pollInterval):
		}
	}
}

// summarize reports whether all statuses of pluginID are running, and the
// first state that is not, for messages.
func summarize(statuses model.PluginStatuses, pluginID string) (bool, string) {
	found := false
	for _, s := range statuses {
		if s == nil || s.PluginId != pluginID {
			continue
		}
		found = true
		if s.State != model.PluginStateRunning {
			return false, stateName(s.State)
		}
	}
	if !found {
		return false, "not installed"
	}
	return true, stateName(model.PluginStateRunning)
}

func stateName(state int) string {
	switch state {
	case model.PluginStateNotRunning:
		return "not running"
	case model.PluginStateStarting:
		return "starting"
	case model.PluginStateRunning:
		return "running"
	case model.PluginStateFailedToStart:
		return "failed to start"
	case model.PluginStateFailedToStayRunning:
		return "failed to stay running"
	case model.PluginStateStopping:
		return "stopping"
	}
	return fmt.Sprintf("state %d", state)
}
