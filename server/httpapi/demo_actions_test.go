package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// validWriteBodies are bodies the write routes accept; a route missing here
// takes an empty body.
var validWriteBodies = map[string]string{
	"POST /api/v1/stress":    `{"seconds": 1}`,
	"POST /api/v1/reminders": `{"seconds": 60, "text": "switched off", "channel_id": "some-channel"}`,
}

// With the demo actions switched off every Write route answers 403 with a
// sentence that says so, even to a system admin, while every Read route
// still answers and the status says the switch is off and why. Catches a
// write route that forgets the switch (the walk covers every route).
func TestDemoActionsOffAnswers403OnEveryWriteRoute(t *testing.T) {
	cfg := app.DefaultConfiguration()
	cfg.DemoWorkload = true // so that "run" would otherwise succeed
	cfg.DemoActions = false
	for _, rt := range routes(&handlers{}) {
		if rt.Access != Write {
			continue
		}
		key := rt.Method + " " + rt.Path
		t.Run(key, func(t *testing.T) {
			n := startNode(t, kvtest.NewStore(), "node-a", cfg)
			// A request the route would otherwise accept, so the 403 can only
			// come from the switch.
			path, body := pathFor(rt, "switched-off"), validWriteBodies[key]
			if rt.Path == "/api/v1/jobs/{name}/run" {
				path = "/api/v1/jobs/quick/run"
			}
			rec := n.do(t, adminUser, rt.Method, path, body)
			if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "switched off in the plugin settings") {
				t.Errorf("status %d %s, want 403 saying the demo actions are off", rec.Code, rec.Body.String())
			}
		})
	}
	n := startNode(t, kvtest.NewStore(), "node-a", cfg)
	var status statusJSON
	n.doJSON(t, "GET", "/api/v1/status", "", http.StatusOK, &status)
	if status.DemoActionsEnabled || status.DemoActionsDisabledReason == nil || *status.DemoActionsDisabledReason == "" {
		t.Errorf("status says enabled %v, reason %v; want off with a reason", status.DemoActionsEnabled, status.DemoActionsDisabledReason)
	}
	if status.Settings.Running["DemoActions"] != false {
		t.Errorf("running settings %v do not show DemoActions off", status.Settings.Running)
	}
}

// Past this node's bound on distinct demo lock names the acquire route
// answers 429 with a message naming the bound.
func TestTooManyDemoLockNamesIs429(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	for i := 0; i < app.MaxDemoLockNames; i++ {
		n.doJSON(t, "POST", "/api/v1/locks/"+fmt.Sprintf("x%d", i)+"/acquire", `{"hold_seconds": 1}`, http.StatusOK, nil)
	}
	rec := n.do(t, adminUser, "POST", "/api/v1/locks/one-more/acquire", `{"hold_seconds": 1}`)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "distinct demo locks") {
		t.Errorf("status %d %s, want 429 naming the bound", rec.Code, rec.Body.String())
	}
}
