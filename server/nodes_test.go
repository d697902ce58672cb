package main

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

func TestNodeName(t *testing.T) {
	host, _ := os.Hostname()
	for _, c := range []struct{ override, listen, want string }{
		{"", ":8065", host + ":8065"},
		{"", "127.0.0.1:8066", host + ":8066"},
		{"node-7.internal", ":8065", "node-7.internal"},
		{"  ", ":9000", host + ":9000"},
		{"", "", host},
	} {
		if got := nodeName(c.override, c.listen); got != c.want {
			t.Errorf("nodeName(%q, %q) = %q, want %q", c.override, c.listen, got, c.want)
		}
	}
}

func TestNodesRegisterListAndLeave(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	b := startNode(t, store, "node-b", quietConfig())

	var nodes []map[string]interface{}
	a.doJSON(t, "GET", "/api/v1/nodes", "", http.StatusOK, &nodes)
	if len(nodes) != 2 {
		t.Fatalf("nodes = %v, want 2", nodes)
	}
	self := map[string]bool{}
	for _, n := range nodes {
		checkNode(t, n)
		if n["alive"] != true {
			t.Errorf("node %v not alive", n["name"])
		}
		self[n["name"].(string)] = n["self"].(bool)
		if n["version"] != "0.1.0-test" {
			t.Errorf("version %v", n["version"])
		}
	}
	if !self["node-a"] || self["node-b"] {
		t.Errorf("self flags from node a: %v", self)
	}
	if a.svc.nodes.Self().ID == b.svc.nodes.Self().ID {
		t.Fatal("two nodes share an id")
	}

	// Node b leaves: its record is gone from node a's list.
	b.svc.Stop()
	a.doJSON(t, "GET", "/api/v1/nodes", "", http.StatusOK, &nodes)
	if len(nodes) != 1 || nodes[0]["name"] != "node-a" {
		t.Fatalf("after node b left: %v", nodes)
	}
}

// A node whose heartbeat stopped (killed, not deactivated) is listed as not
// alive once three periods have passed, until its record expires.
func TestDeadNodeIsShownNotAlive(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	stale := nodeRecord{ID: "deadnode00000000000000000a", Name: "node-dead", StartedAt: time.Now().Add(-time.Hour), LastSeenAt: time.Now().Add(-nodeAliveWindow - time.Second), Version: "0.1.0"}
	if err := kvSetJSON(a.api, nodeKey(stale.ID), stale, 600); err != nil {
		t.Fatal(err)
	}
	fresh := stale
	fresh.ID, fresh.Name, fresh.LastSeenAt = "freshnode0000000000000000a", "node-fresh", time.Now().Add(-nodeAliveWindow+2*time.Second)
	if err := kvSetJSON(a.api, nodeKey(fresh.ID), fresh, 600); err != nil {
		t.Fatal(err)
	}
	var nodes []map[string]interface{}
	a.doJSON(t, "GET", "/api/v1/nodes", "", http.StatusOK, &nodes)
	alive := map[string]bool{}
	for _, n := range nodes {
		alive[n["name"].(string)] = n["alive"].(bool)
	}
	if alive["node-dead"] || !alive["node-fresh"] || !alive["node-a"] {
		t.Fatalf("alive = %v", alive)
	}
	// The record expires on its own: the store forgets it after its TTL.
	store.Advance(nodeRecordTTL + time.Second)
	a.doJSON(t, "GET", "/api/v1/nodes", "", http.StatusOK, &nodes)
	for _, n := range nodes {
		if n["name"] == "node-dead" {
			t.Fatal("dead node's record outlived its TTL")
		}
	}
}

// A store that is down at activation does not stop the plugin: the node
// registers itself at the next heartbeat once the store is back.
func TestStartSurvivesStoreDownAndRegistersLater(t *testing.T) {
	store := kvtest.NewStore()
	api := &fakeAPI{Instance: store.Instance()}
	api.SetDown(true)
	svc := newService(serviceOptions{api: api, self: nodeRecord{ID: "late", Name: "node-late", StartedAt: time.Now()}, now: time.Now, config: quietConfig()})
	svc.nodes.period = 50 * time.Millisecond
	if err := svc.Start(); err != nil {
		t.Fatalf("Start with the store down: %v", err)
	}
	defer svc.Stop()
	api.SetDown(false)
	eventually(t, 5*time.Second, "the node registers after the store returns", func() bool {
		_, ok := store.Value(nodeKey("late"))
		return ok
	})
}
