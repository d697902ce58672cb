//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// prepare signs the ordinary user in and finds the channel where slash
// commands are run.
func (e *env) prepare() error {
	node1 := e.cluster.Nodes[0]
	userClient, err := e.cluster.Login(node1, e.cluster.User)
	if err != nil {
		return err
	}
	e.userToken = userClient.AuthToken
	e.channelID, err = localcluster.TownSquare(e.cluster.AdminClient(node1), e.cluster.TeamID)
	return err
}

// node returns node i (1-based, as the logs and the README count them).
func (e *env) node(i int) *localcluster.Node { return e.cluster.Nodes[i-1] }

// selfOf asks n who it is: the entry of its GET /api/v1/nodes marked self.
func selfOf(n *localcluster.Node) (apiNode, []apiNode, error) {
	r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/nodes", nil)
	if err != nil {
		return apiNode{}, nil, err
	}
	if r.status != http.StatusOK {
		return apiNode{}, nil, fmt.Errorf("node %d: GET /api/v1/nodes: %s", n.Index, r)
	}
	var nodes []apiNode
	if err := json.Unmarshal(r.body, &nodes); err != nil {
		return apiNode{}, nil, fmt.Errorf("node %d: GET /api/v1/nodes: %v: %s", n.Index, err, r)
	}
	for _, node := range nodes {
		if node.Self {
			return node, nodes, nil
		}
	}
	return apiNode{}, nodes, fmt.Errorf("node %d: GET /api/v1/nodes marks no node as self: %s", n.Index, r)
}

// healthy makes sure every node runs with the plugin active and every node
// sees every other alive, starting a node an earlier failed test left down.
// It returns each node's plugin identity, by node index - 1.
func (e *env) healthy(t *testing.T) []apiNode {
	t.Helper()
	for _, n := range e.active {
		if !n.Running() {
			t.Logf("node %d is down (left so by an earlier test); starting it", n.Index)
			e.startNode(t, n)
		}
	}
	selves := make([]apiNode, len(e.active))
	eventually(t, "every node running the plugin and seeing every node alive", nodeStartBound, func() (bool, string) {
		for i, n := range e.active {
			self, _, err := selfOf(n)
			if err != nil {
				return false, err.Error()
			}
			selves[i] = self
		}
		for _, n := range e.active {
			_, nodes, err := selfOf(n)
			if err != nil {
				return false, err.Error()
			}
			for _, want := range selves {
				if !listsAlive(nodes, want.ID) {
					return false, fmt.Sprintf("node %d does not list %s (%s) alive: %s", n.Index, want.Name, want.ID, describeNodes(nodes))
				}
			}
		}
		return true, ""
	})
	return selves
}

func listsAlive(nodes []apiNode, id string) bool {
	for _, n := range nodes {
		if n.ID == id {
			return n.Alive
		}
	}
	return false
}

func findNode(nodes []apiNode, id string) (apiNode, bool) {
	for _, n := range nodes {
		if n.ID == id {
			return n, true
		}
	}
	return apiNode{}, false
}

func describeNodes(nodes []apiNode) string {
	parts := make([]string, 0, len(nodes))
	for _, n := range nodes {
		state := "alive"
		if !n.Alive {
			state = "gone"
		}
		if n.Self {
			state += ", self"
		}
		parts = append(parts, fmt.Sprintf("%s [%s] (%s) last seen %s", n.Name, n.ID, state, fmtTime(n.LastSeenAt)))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

// startNode starts a stopped node and waits until its plugin answers.
func (e *env) startNode(t *testing.T, n *localcluster.Node) apiNode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), nodeStartBound)
	defer cancel()
	if err := n.Start(ctx); err != nil {
		failWithLogs(t, "starting node %d: %v", n.Index, err)
	}
	var self apiNode
	eventually(t, fmt.Sprintf("node %d's plugin answering after start", n.Index), nodeStartBound, func() (bool, string) {
		s, _, err := selfOf(n)
		if err != nil {
			return false, err.Error()
		}
		self = s
		return true, ""
	})
	return self
}

// withNode3 starts node 3 and makes it part of the cluster until t ends,
// then stops it (gracefully) again.
func (e *env) withNode3(t *testing.T) apiNode {
	t.Helper()
	node3 := e.node(3)
	self := e.startNode(t, node3)
	e.active = append(e.active[:activeNodes:activeNodes], node3)
	t.Cleanup(func() {
		e.active = e.active[:activeNodes]
		if _, err := stopGracefully(node3); err != nil {
			t.Error(err)
		}
	})
	return self
}

// stopGracefully stops n with SIGTERM, as an administrator would, and waits
// up to gracefulStopBound. A node still running then has hung in its
// shutdown: it gets SIGQUIT, so the Go runtime writes every goroutine of the
// server to the node's console.log before exiting, and the hang is reported.
// localcluster's Stop would SIGKILL it after its grace and leave no trace.
func stopGracefully(n *localcluster.Node) (time.Duration, error) {
	pid := n.Pid()
	if pid == 0 {
		return 0, nil
	}
	began := time.Now()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return 0, fmt.Errorf("node %d: SIGTERM: %w", n.Index, err)
	}
	for n.Running() && time.Since(began) < gracefulStopBound {
		time.Sleep(pollPeriod)
	}
	took := time.Since(began)
	if !n.Running() {
		return took, n.Stop()
	}
	_ = syscall.Kill(pid, syscall.SIGQUIT)
	for quitAt := time.Now(); n.Running() && time.Since(quitAt) < goroutineDumpBound; {
		time.Sleep(pollPeriod)
	}
	_ = n.Stop()
	return took, fmt.Errorf("node %d (pid %d) did not stop within %v of SIGTERM: its shutdown hung; SIGQUIT wrote its goroutines to %s",
		n.Index, pid, gracefulStopBound, filepath.Join(n.Dir, "console.log"))
}

// kill ends node n with SIGKILL, as a crash would, with its plugin
// processes, and returns when the server is dead.
func kill(t *testing.T, n *localcluster.Node) time.Time {
	t.Helper()
	pid := n.Pid()
	if err := n.Kill(); err != nil {
		t.Fatalf("kill -9 node %d: %v", n.Index, err)
	}
	killedAt := time.Now()
	plugins := killProcessesUnder(n.Dir)
	t.Logf("killed node %d (pid %d) and its plugin processes %v with SIGKILL", n.Index, pid, plugins)
	return killedAt
}
