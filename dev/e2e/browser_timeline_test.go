//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// apiTimeline is the status's timeline as the e2e suite reads it.
type apiTimeline struct {
	Holds []struct {
		Lock         string     `json:"lock"`
		Node         string     `json:"node"`
		From         *time.Time `json:"from"`
		To           *time.Time `json:"to"`
		FencingToken uint64     `json:"fencing_token"`
		EndedBy      *string    `json:"ended_by"`
	} `json:"holds"`
	NodeEvents []struct {
		Node string `json:"node"`
		Kind string `json:"kind"`
	} `json:"node_events"`
}

// The timeline in a real browser: a lock taken on node 1, released, taken
// on node 2, then node 2 killed with SIGKILL. Node 1's server keeps the
// history while the test polls it (as an open panel would); the dashboard
// opened afterwards on node 1 draws two bars on the lock's lane in the two
// nodes' colours, node 2's ended, and node 2's death marker. The timeline's
// screenshot is the README's.
func TestBrowserTimeline(t *testing.T) {
	ensureChromium(t)
	browserDir := filepath.Join(suite.root, "dev", "e2e", "browser")
	ensureBrowserPackages(t, browserDir)
	selves := suite.healthy(t)
	node1, node2 := suite.node(1), suite.node(2)
	name := uniqueLockName("e2e-timeline")

	// statusOn1 reads node 1's status with its timeline; every read also
	// keeps node 1's status cache (and so its history) refreshing.
	statusOn1 := func() (apiStatus, apiTimeline, error) {
		var st apiStatus
		var raw struct {
			Timeline apiTimeline `json:"timeline"`
		}
		r, err := try(node1, suite.admin(), http.MethodGet, "/api/v1/status", nil)
		if err != nil {
			return st, raw.Timeline, err
		}
		if err := jsonDecode(r, &st); err != nil {
			return st, raw.Timeline, err
		}
		return st, raw.Timeline, jsonDecode(r, &raw)
	}
	lockOn1 := func(st apiStatus) *apiLock {
		for i := range st.Locks {
			if st.Locks[i].Name == name {
				return &st.Locks[i]
			}
		}
		return nil
	}
	waitOn1 := func(what string, bound time.Duration, cond func(apiStatus, apiTimeline) bool) {
		t.Helper()
		eventually(t, what, bound, func() (bool, string) {
			st, tl, err := statusOn1()
			if err != nil {
				return false, err.Error()
			}
			return cond(st, tl), fmt.Sprintf("lock %v; holds %+v; node events %+v", lockOn1(st), tl.Holds, tl.NodeEvents)
		})
	}
	heldBy := func(id string) func(apiStatus, apiTimeline) bool {
		return func(st apiStatus, _ apiTimeline) bool {
			l := lockOn1(st)
			return l != nil && l.Held && l.HolderID != nil && *l.HolderID == id
		}
	}

	if _, _, err := statusOn1(); err != nil {
		t.Fatal(err)
	}
	mustAcquire(t, node1, selves[0], name, 120)
	waitOn1("node 1 showing the lock held by node 1", browserPageBound, heldBy(selves[0].ID))
	expect(t, "release on node 1", release(t, node1, name), http.StatusOK, nil)
	waitOn1("node 1 showing the lock free", browserPageBound, func(st apiStatus, _ apiTimeline) bool {
		l := lockOn1(st)
		return l != nil && !l.Held
	})
	mustAcquire(t, node2, selves[1], name, 600)
	waitOn1("node 1 showing the lock held by node 2", browserPageBound, heldBy(selves[1].ID))

	killedAt := kill(t, node2)
	t.Cleanup(func() {
		suite.startNode(t, node2)
		suite.healthy(t)
	})
	waitOn1("node 1's timeline ending node 2's hold and marking node 2 gone", leaseTTL+failoverSlack+browserPageBound, func(st apiStatus, tl apiTimeline) bool {
		ended, gone := false, false
		for _, h := range tl.Holds {
			ended = ended || (h.Lock == name && h.Node == selves[1].ID && h.To != nil)
		}
		for _, e := range tl.NodeEvents {
			gone = gone || (e.Node == selves[1].ID && e.Kind == "gone")
		}
		return ended && gone
	})
	t.Logf("node 1's timeline showed node 2 gone and its hold ended %v after the kill", time.Since(killedAt).Round(time.Millisecond))
	_, tl, err := statusOn1()
	if err != nil {
		t.Fatal(err)
	}
	holds := 0
	for _, h := range tl.Holds {
		if h.Lock == name {
			holds++
		}
	}
	if holds != 2 {
		t.Fatalf("node 1's timeline has %d holds of %s, want 2: %+v", holds, name, tl.Holds)
	}

	screenshots := filepath.Join(suite.runDir, "screenshots")
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	timelineShot := filepath.Join(screenshots, "timeline.png")
	params, err := json.Marshal(map[string]any{
		"baseUrl":      node1.URL,
		"admin":        loginWeb(t, node1, suite.cluster.Admin),
		"node1Name":    selves[0].Name,
		"node2Name":    selves[1].Name,
		"lock":         name,
		"screenshots":  screenshots,
		"timelineShot": timelineShot,
		"timeoutMs":    browserPageBound.Milliseconds(),
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := runBrowserScript(browserDir, "timeline.mjs", params)
	t.Logf("browser/timeline.mjs:\n%s", out)
	if err != nil {
		failWithLogs(t, "the browser's timeline checks failed (%v); screenshots in %s", err, screenshots)
	}
	t.Logf("the timeline's screenshot (the README's docs/timeline.png): %s", timelineShot)
}
