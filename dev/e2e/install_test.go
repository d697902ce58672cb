//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Install: the plugin is active on every node; GET /api/v1/nodes from each
// node lists all nodes, alive.
func TestInstall(t *testing.T) {
	for _, n := range suite.active {
		plugins, resp := suite.cluster.AdminClient(n).GetPlugins()
		if resp.Error != nil {
			t.Fatalf("node %d: GET /api/v4/plugins: %s", n.Index, resp.Error.Error())
		}
		active := false
		for _, p := range plugins.Active {
			active = active || p.Id == pluginID
		}
		if !active {
			t.Errorf("node %d: %s is not among the active plugins", n.Index, pluginID)
		}
	}

	selves := suite.healthy(t)
	ids := map[string]bool{}
	for i, self := range selves {
		n := suite.active[i]
		// A node is named after its listen port (host:port) unless the
		// administrator overrides the host name; the suite does not.
		if !strings.HasSuffix(self.Name, ":"+strconv.Itoa(n.Port)) {
			t.Errorf("node %d (port %d) calls itself %q", n.Index, n.Port, self.Name)
		}
		if ids[self.ID] {
			t.Errorf("node %d has the id %s of another node", n.Index, self.ID)
		}
		ids[self.ID] = true
	}

	for _, n := range suite.active {
		r := call(t, n, suite.admin(), http.MethodGet, "/api/v1/nodes", nil)
		var raw []json.RawMessage
		var nodes []apiNode
		expect(t, fmt.Sprintf("GET /api/v1/nodes on node %d", n.Index), r, http.StatusOK, &raw)
		expect(t, fmt.Sprintf("GET /api/v1/nodes on node %d", n.Index), r, http.StatusOK, &nodes)
		for i, node := range raw {
			requireKeys(t, fmt.Sprintf("node %d's node list, entry %d", n.Index, i), node, nodeKeys...)
		}
		// Records of nodes that are not running may remain, gone: node 3,
		// started with the others and stopped since, and earlier
		// activations of a node that a check before this one restarted
		// (the burst wants a freshly started server; Mattermost 6.7.2
		// closes its database before it deactivates plugins, so the
		// plugin cannot remove its record there). The live records must
		// be exactly the running nodes.
		alive := 0
		for _, node := range nodes {
			if node.Alive {
				alive++
			}
		}
		if alive != len(selves) {
			t.Errorf("node %d lists %d live nodes, the cluster runs %d: %s", n.Index, alive, len(selves), describeNodes(nodes))
		}
		if extra := len(nodes) - len(selves); extra != 0 {
			t.Logf("node %d lists %d gone records beside the %d running nodes: %s", n.Index, extra, len(selves), describeNodes(nodes))
		}
		for i, want := range selves {
			got, ok := findNode(nodes, want.ID)
			switch {
			case !ok:
				t.Errorf("node %d does not list node %d (%s): %s", n.Index, i+1, want.Name, describeNodes(nodes))
			case !got.Alive:
				t.Errorf("node %d lists node %d (%s) as not alive: %s", n.Index, i+1, want.Name, describeNodes(nodes))
			case got.Self != (i+1 == n.Index):
				t.Errorf("node %d marks self wrongly on node %d: %s", n.Index, i+1, describeNodes(nodes))
			case got.Name != want.Name || got.Version == "" || got.StartedAt == nil || got.LastSeenAt == nil:
				t.Errorf("node %d's entry for node %d is incomplete: %+v", n.Index, i+1, got)
			}
		}
	}
}
