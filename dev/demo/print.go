package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// printCluster tells the person who ran make demo where everything is, and
// shows each node's view of the cluster as proof that the plugin runs there.
func printCluster(c *localcluster.Cluster, pluginID string) {
	first := c.Nodes[0]
	fmt.Printf("\nMattermost %s: %d nodes on PostgreSQL %s database %s, plugin %s active on every node\n",
		c.Version, len(c.Nodes), c.Postgres.Version, c.Database, pluginID)
	for _, n := range c.Nodes {
		fmt.Printf("  node %d  %s  pid %d  log %s\n", n.Index, n.URL, n.Pid(), filepath.Join(n.Dir, "mattermost.log"))
	}
	fmt.Printf("  admin   %s / %s\n", c.Admin.Username, c.Admin.Password)
	fmt.Printf("  user    %s / %s (not an admin)\n", c.User.Username, c.User.Password)
	fmt.Printf("  team    %s\n", localcluster.DemoTeam)
	fmt.Printf("  token   %s (admin; Authorization: Bearer)\n", c.AdminToken)
	fmt.Printf("\nDashboard: %s\n", c.PageURL(first))
	fmt.Printf("  log in as %s / %s (system admin), or as %s / %s to see the page a non-admin gets\n",
		c.Admin.Username, c.Admin.Password, c.User.Username, c.User.Password)
	fmt.Printf("  login page: %s (the dashboard sends a browser without a session there)\n", c.LoginURL(first))
	fmt.Printf("Slash command: %s\n", makeCommandUsage)
	fmt.Printf("           or: %s\n", commandUsage)
	fmt.Printf("Nodes API: curl -H 'Authorization: Bearer %s' %s/plugins/%s/api/v1/nodes\n\n", c.AdminToken, first.URL, pluginID)
	for _, n := range c.Nodes {
		fmt.Printf("node %d sees: %s\n", n.Index, nodesSeenBy(n.URL+"/plugins/"+pluginID+"/api/v1/nodes", c.AdminToken))
	}
	t := c.Timings
	build := round(t.ServerBuild).String()
	if t.ServerBuild < time.Second {
		build = "cached"
	}
	fmt.Printf("\nTimings: PostgreSQL+database %s, server build %s, node 1 start %s, other nodes %s, plugin install %s\n",
		round(t.Postgres), build, round(t.FirstNode), round(t.OtherNodes), round(t.PluginInstall))
	fmt.Println("Stop with: make demo-stop   (or go run ./dev/demo down)")
}

// nodesSeenBy summarizes GET /api/v1/nodes as "name (alive, self), …".
func nodesSeenBy(url, token string) string {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err.Error()
	}
	req.Header.Set(model.HEADER_AUTH, model.HEADER_BEARER+" "+token)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.Status
	}
	var nodes []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&nodes); err != nil {
		return "unreadable answer: " + err.Error()
	}
	var parts []string
	for _, node := range nodes {
		var flags []string
		for _, flag := range []string{"alive", "self"} {
			if node[flag] == true {
				flags = append(flags, flag)
			}
		}
		parts = append(parts, fmt.Sprintf("%v (%s)", node["name"], strings.Join(flags, ", ")))
	}
	return strings.Join(parts, ", ")
}

func round(d time.Duration) time.Duration { return d.Round(100 * time.Millisecond) }
