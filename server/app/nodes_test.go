package app

import "github.com/clusterdemo/clusterdemo/server/app/apptest"

import "time"

import "github.com/clusterdemo/clusterdemo/server/cluster/kvtest"

import "os"

import "testing"

func TestNodeName(t *testing.T) {
	host, _ := os.Hostname()
	for _, c := range []struct{ override, listen, want string }{
		{"", ":8065", host + ":8065"},
		{"", "127.0.0.1:8066", host + ":8066"},
		{"node-7.internal", ":8065", "node-7.internal"},
		{"  ", ":9000", host + ":9000"},
		{"", "", host},
	} {
		if got := NodeName(c.override, c.listen); got != c.want {
			t.Errorf("nodeName(%q, %q) = %q, want %q", c.override, c.listen, got, c.want)
		}
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
	nodes, err := a.app.Nodes()
	if err != nil {
		t.Fatal(err)
	}
	alive := map[string]bool{}
	for _, n := range nodes {
		alive[n.Name] = n.Alive
	}
	if alive["node-dead"] || !alive["node-fresh"] || !alive["node-a"] {
		t.Fatalf("alive = %v", alive)
	}
	// The record expires on its own: the store forgets it after its TTL.
	store.Advance(nodeRecordTTL + time.Second)
	if nodes, err = a.app.Nodes(); err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		if n.Name == "node-dead" {
			t.Fatal("dead node's record outlived its TTL")
		}
	}
}

// A store that is down at activation does not stop the plugin: the node
// registers itself at the next heartbeat once the store is back.
func TestStartSurvivesStoreDownAndRegistersLater(t *testing.T) {
	store := kvtest.NewStore()
	api := apptest.NewFakeAPI(store)
	api.SetDown(true)
	o := testOptions(api, "node-late", quietConfig())
	o.Self.ID = "late"
	a := New(o)
	a.nodes.period = 50 * time.Millisecond
	if err := a.Start(); err != nil {
		t.Fatalf("Start with the store down: %v", err)
	}
	defer a.Stop()
	api.SetDown(false)
	eventually(t, 5*time.Second, "the node registers after the store returns", func() bool {
		_, ok := store.Value(nodeKey("late"))
		return ok
	})
}
