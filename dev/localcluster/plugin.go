package localcluster

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/build/pluginctl"
)

// InstallPlugin uploads the bundle to every node and enables it there (each
// node keeps its own config.json), then waits until it runs on every node
// and, when Config.PluginProbe is set, answers it.
func (c *Cluster) InstallPlugin(ctx context.Context, bundle, pluginID string) error {
	for _, n := range c.Nodes {
		c.config.Logf("installing %s on node %d", filepath.Base(bundle), n.Index)
		waitCtx, cancel := context.WithTimeout(ctx, c.config.StartTimeout)
		err := pluginctl.Install(waitCtx, c.AdminClient(n), bundle, pluginID)
		if err == nil && c.config.PluginProbe != "" {
			err = c.waitPluginAnswers(waitCtx, n, pluginID, c.config.PluginProbe)
		}
		cancel()
		if err != nil {
			return fmt.Errorf("node %d: %w", n.Index, err)
		}
	}
	return nil
}

// waitPluginAnswers polls GET /plugins/<id><path> as the admin until it is 200.
func (c *Cluster) waitPluginAnswers(ctx context.Context, n *Node, pluginID, path string) error {
	url := n.URL + "/plugins/" + pluginID + path
	client := &http.Client{Timeout: 5 * time.Second}
	lastSeen := "no answer yet"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set(model.HEADER_AUTH, model.HEADER_BEARER+" "+c.AdminToken)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			lastSeen = resp.Status
		} else {
			lastSeen = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("plugin does not answer GET %s (%v); last seen: %s", url, ctx.Err(), lastSeen)
		case <-time.After(readyPollPeriod):
		}
	}
}
