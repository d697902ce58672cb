//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// commandAs runs a slash command through n's POST /api/v4/commands/execute
// with the given session and returns the reply text, which must be
// ephemeral (localcluster.RunCommand, as the demo's command line does).
func commandAs(t *testing.T, n *localcluster.Node, token, text string) string {
	t.Helper()
	client := n.Client()
	client.SetToken(token)
	reply, err := localcluster.RunCommand(client, suite.channelID, text)
	if err != nil {
		failWithLogs(t, "node %d: %v", n.Index, err)
	}
	if strings.Contains(reply, "goroutine ") || strings.Contains(reply, "panic") {
		t.Errorf("node %d: %q answered with a stack trace: %s", n.Index, text, reply)
	}
	return reply
}

// requireAll fails unless reply holds every part.
func requireAll(t *testing.T, what, reply string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(reply, p) {
			t.Errorf("%s: the reply does not contain %q:\n%s", what, p, reply)
		}
	}
}

// containsAll reports whether reply holds every part.
func containsAll(reply string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(reply, p) {
			return false
		}
	}
	return true
}

// hasLine reports whether one line of reply holds every part.
func hasLine(reply string, parts ...string) bool {
	for _, line := range strings.Split(reply, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

const usageLine = "Usage: `/clusterdemo"

// The slash command: /clusterdemo answers as the README specifies, through the REST
// command API, and refuses a non-admin everything but help; "run" causes
// exactly one run, on the node holding the job lock.
//
// Catches: replies that name the wrong node or miss a job, a "run" that is
// answered but runs nothing (dev/brokenplugin run-now-dropped) or runs more
// than once, refused input that still acts, and a non-admin let through.
func TestSlashCommand(t *testing.T) {
	selves := suite.healthy(t)
	node1, node2 := suite.node(1), suite.node(2)
	admin := suite.cluster.AdminToken
	name := uniqueLockName("e2e-cmd")

	t.Run("status", func(t *testing.T) {
		reply := commandAs(t, node1, admin, "/clusterdemo status")
		requireAll(t, "status through node 1", reply, "Answered by node **"+selves[0].Name+"**", selves[1].Name,
			"quick", "slow", "digest", node1.URL+"/plugins/clusterdemo/dashboard")
	})
	t.Run("lock", func(t *testing.T) {
		reply := commandAs(t, node1, admin, fmt.Sprintf("/clusterdemo lock %s 120", name))
		requireAll(t, "lock through node 1", reply, selves[0].Name, name)
		lock, err := lockSeenBy(node2, name)
		if err != nil {
			t.Fatal(err)
		}
		if !lock.Held || lock.HolderID == nil || *lock.HolderID != selves[0].ID {
			t.Fatalf("after /clusterdemo lock through node 1, node 2 shows %v", lock)
		}
		// Node 2's locks table names node 1 as the holder; its lock command
		// says the lock is busy and who holds it.
		// The locks table comes from node 2's status cache: within its
		// freshness bound.
		eventually(t, "node 2's /clusterdemo locks naming the lock and its holder", statusFreshness, func() (bool, string) {
			reply := commandAs(t, node2, admin, "/clusterdemo locks")
			return containsAll(reply, "Answered by node **"+selves[1].Name+"**", name, selves[0].Name), reply
		})
		requireAll(t, "lock through node 2 while node 1 holds it", commandAs(t, node2, admin, "/clusterdemo lock "+name),
			"busy", selves[0].Name)
	})
	t.Run("unlock", func(t *testing.T) {
		requireAll(t, "unlock through node 2, which does not hold it", commandAs(t, node2, admin, "/clusterdemo unlock "+name),
			selves[1].Name, name)
		if lock, err := lockSeenBy(node1, name); err != nil || !lock.Held {
			t.Fatalf("unlock through node 2 changed the lock node 1 holds: %v %v", lock, err)
		}
		requireAll(t, "unlock through node 1", commandAs(t, node1, admin, "/clusterdemo unlock "+name), "released", name)
		if lock, err := lockSeenBy(node2, name); err != nil || lock.Held {
			t.Fatalf("after unlock through node 1, node 2 shows %v %v", lock, err)
		}
	})
	t.Run("run", func(t *testing.T) {
		requested := checkRequestedRun(t, "slow", runNowBound, func() {
			reply := commandAs(t, node2, admin, "/clusterdemo run slow")
			requireAll(t, "run slow through node 2", reply, "slow", selves[1].Name)
		})
		// slow's last node in the jobs reply is the node of the requested
		// run: on the hour-long interval no other run has happened since.
		jobs := commandAs(t, node2, admin, "/clusterdemo jobs")
		if !hasLine(jobs, "slow", requested.Node) {
			t.Errorf("jobs through node 2: slow's row does not name %s, which ran the requested run:\n%s", requested.Node, jobs)
		}
	})
	t.Run("nodes and jobs", func(t *testing.T) {
		dashboard := node2.URL + "/plugins/clusterdemo/dashboard"
		reply := commandAs(t, node2, admin, "/clusterdemo nodes")
		requireAll(t, "nodes through node 2", reply, selves[0].Name, dashboard)
		if !hasLine(reply, selves[1].Name, "(this node)") {
			t.Errorf("nodes through node 2: no row marks %s as this node:\n%s", selves[1].Name, reply)
		}
		jobs := commandAs(t, node2, admin, "/clusterdemo jobs")
		requireAll(t, "jobs through node 2", jobs, "Answered by node **"+selves[1].Name+"**", "quick", "slow", "digest", dashboard)
	})
	t.Run("help", func(t *testing.T) {
		reply := commandAs(t, node1, admin, "/clusterdemo help")
		requireAll(t, "help", reply, usageLine, "status", "nodes", "locks", "jobs", "lock <name> [hold-seconds]", "unlock <name>", "run <job>", "stress [seconds]")
	})
	t.Run("unknown subcommand and bad arguments", func(t *testing.T) {
		for _, text := range []string{
			"/clusterdemo frobnicate",
			"/clusterdemo lock",
			"/clusterdemo lock bad/name",
			"/clusterdemo lock " + strings.Repeat("x", 65),
			"/clusterdemo lock ok-name 0",
			"/clusterdemo lock ok-name 601",
			"/clusterdemo lock ok-name soon",
			"/clusterdemo lock ok-name 10 extra",
			"/clusterdemo unlock",
			"/clusterdemo run",
			"/clusterdemo run nosuchjob",
			"/clusterdemo stress 61",
			"/clusterdemo stress -1",
		} {
			requireAll(t, text, commandAs(t, node1, admin, text), usageLine)
		}
		if lock, err := lockSeenBy(node1, "ok-name"); err == nil {
			t.Errorf("a refused /clusterdemo lock still took ok-name: %v", lock)
		}
	})
	t.Run("non-admin", func(t *testing.T) {
		for _, text := range []string{"/clusterdemo status", "/clusterdemo locks", "/clusterdemo lock " + name, "/clusterdemo unlock " + name, "/clusterdemo run quick", "/clusterdemo stress 5"} {
			reply := commandAs(t, node2, suite.userToken, text)
			requireAll(t, text+" as the non-admin user", reply, "Only system admins")
			if strings.Contains(reply, selves[0].Name) || strings.Contains(reply, selves[1].Name) {
				t.Errorf("%s as the non-admin user leaks node names: %s", text, reply)
			}
		}
		if lock, err := lockSeenBy(node1, name); err != nil || lock.Held {
			t.Errorf("the non-admin's /clusterdemo lock took the lock: %v %v", lock, err)
		}
		requireAll(t, "help as the non-admin user", commandAs(t, node2, suite.userToken, "/clusterdemo help"), usageLine)
	})
}
