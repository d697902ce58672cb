package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Every change publishes status_changed as a sensitive broadcast whose only
// payload is the kind of change: Mattermost drops the sensitive flag when
// it relays the event to the other nodes, where every user receives it, so
// nothing in it may name a lock, a job, a run or a node. Catches a payload
// that names the lock (as it once did) or the node that joined.
func TestStatusChangedEventsNameNothing(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-secret-host", quietConfig())
	if _, err := a.app.AcquireLock(apptest.AdminUser, "secret-lock", 30*time.Second, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.app.ReleaseLock(apptest.AdminUser, "secret-lock"); err != nil {
		t.Fatal(err)
	}

	kinds := map[interface{}]int{}
	for _, ev := range a.api.Events() {
		if ev["_event"] != statusChangedEvent || ev["_sensitive"] != true {
			t.Errorf("event %v is not a sensitive status_changed", ev)
		}
		if len(ev) != 3 { // kind, and the fake's two markers
			t.Errorf("event payload carries more than the kind: %v", ev)
		}
		text := fmt.Sprint(ev)
		for _, secret := range []string{"secret-lock", "node-secret-host", a.app.Self().ID} {
			if strings.Contains(text, secret) {
				t.Errorf("event %v names %q", ev, secret)
			}
		}
		kinds[ev["kind"]]++
	}
	if kinds[changeLock] != 2 {
		t.Errorf("%d lock events for an acquire and a release, want 2", kinds[changeLock])
	}
	if kinds[changeNode] == 0 {
		t.Error("no node event for the node joining")
	}
}
