//go:build e2e

package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// The demo's command line (go run ./dev/demo command, make demo-command)
// against this suite's cluster, through the code it runs: the state file the
// cluster wrote, a login with the account it names, the demo team's town
// square, POST /api/v4/commands/execute. The admin's /clusterdemo status
// names a node of the cluster; user1's is refused.
//
// It catches: a helper that runs every command with the admin's token
// whatever -user says (user1 would get the status, not the refusal); one
// that reads a node or an account the state file does not hold; and one
// that returns an error answer or a reply posted for the whole channel as if it
// were the ephemeral reply.
func TestDemoCommandLine(t *testing.T) {
	selves := suite.healthy(t)
	state, err := localcluster.ReadState(filepath.Join(suite.runDir, "cluster"))
	if err != nil {
		t.Fatal(err)
	}
	for node := 1; node <= len(suite.active); node++ {
		reply, err := state.RunCommand(node, state.Admin.Username, "/clusterdemo status")
		if err != nil {
			failWithLogs(t, "/clusterdemo status as %s on node %d: %v", state.Admin.Username, node, err)
		}
		// The node that answered names itself.
		requireAll(t, "/clusterdemo status as the admin", reply, "Answered by node **"+selves[node-1].Name+"**")
	}

	reply, err := state.RunCommand(2, state.User.Username, "/clusterdemo status")
	if err != nil {
		failWithLogs(t, "/clusterdemo status as %s on node 2: %v", state.User.Username, err)
	}
	requireAll(t, "/clusterdemo status as user1", reply, "Only system admins")
	for _, self := range selves {
		if strings.Contains(reply, self.Name) {
			t.Errorf("/clusterdemo status as user1 names node %s: %s", self.Name, reply)
		}
	}

	if _, err := state.RunCommand(1, "nobody", "/clusterdemo status"); err == nil {
		t.Errorf("/clusterdemo status as an account the state file does not hold ran")
	}
}
