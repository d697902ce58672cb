package app

import (
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Every lock change publishes status_changed with only the kind and the
// name, to system admins only.
func TestLockChangesPublishStatusChanged(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	if _, err := a.app.AcquireLock("evt", 30*time.Second, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.app.ReleaseLock("evt"); err != nil {
		t.Fatal(err)
	}

	lockEvents := 0
	sawNode := false
	for _, ev := range a.api.Events() {
		if ev["_event"] != statusChangedEvent || ev["_sensitive"] != true {
			t.Errorf("event %v is not a sensitive status_changed", ev)
		}
		if len(ev) != 4 { // kind, name, and the fake's two markers
			t.Errorf("event payload carries more than kind and name: %v", ev)
		}
		switch ev["kind"] {
		case changeLock:
			if ev["name"] != "evt" {
				t.Errorf("lock event names %v", ev["name"])
			}
			lockEvents++
		case changeNode:
			sawNode = ev["name"] == "node-a"
		}
	}
	if lockEvents != 2 {
		t.Errorf("%d lock events for an acquire and a release, want 2", lockEvents)
	}
	if !sawNode {
		t.Error("no node event for node-a joining")
	}
}
