package httpapi

import (
	"net/http"
	"testing"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

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
	if a.app.Self().ID == b.app.Self().ID {
		t.Fatal("two nodes share an id")
	}

	// Node b leaves: its record is gone from node a's list.
	b.app.Stop()
	a.doJSON(t, "GET", "/api/v1/nodes", "", http.StatusOK, &nodes)
	if len(nodes) != 1 || nodes[0]["name"] != "node-a" {
		t.Fatalf("after node b left: %v", nodes)
	}
}
