//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// browserPageBound bounds each wait on the page: two of the panel's 2 s
	// polls plus a run-now's start, with room for a loaded machine.
	browserPageBound = 15 * time.Second
	// browserRunBound bounds the whole browser script.
	browserRunBound = 3 * time.Minute
	// installBound bounds apt-get and npm ci when they have work to do.
	installBound = 10 * time.Minute
)

// The dashboard in a real browser: Debian's chromium, driven by playwright-core, on node 2's
// dashboard. The assertions on the page are in browser/dashboard.mjs; this
// test prepares the cluster and the sessions, runs it, and checks the server
// agrees with what the page did: its Run now caused exactly one run.
//
// Catches: a panel that shows wrong holders or nodes, a Run now button that
// is answered but runs nothing (dev/brokenplugin run-now-dropped: with the
// job on an hour-long interval its schedule cannot stand in), and forms that
// do not take or release locks.
func TestBrowserDashboard(t *testing.T) {
	ensureChromium(t)
	browserDir := filepath.Join(suite.root, "dev", "e2e", "browser")
	ensureBrowserPackages(t, browserDir)
	selves := suite.healthy(t)
	useShortJobIntervals(t, manifestKeys)
	node1, node2 := suite.node(1), suite.node(2)

	held := uniqueLockName("e2e-browser-held")
	mustAcquire(t, node1, selves[0], held, 120)
	defer release(t, node1, held)
	formLock := uniqueLockName("e2e-browser-form")

	screenshots := filepath.Join(suite.runDir, "screenshots")
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	params, err := json.Marshal(map[string]any{
		"baseUrl":     node2.URL,
		"admin":       loginWeb(t, node2, suite.cluster.Admin),
		"user":        loginWeb(t, node2, suite.cluster.User),
		"node1Name":   selves[0].Name,
		"node2Name":   selves[1].Name,
		"heldLock":    held,
		"job":         "slow",
		"formLock":    formLock,
		"screenshots": screenshots,
		"timeoutMs":   browserPageBound.Milliseconds(),
	})
	if err != nil {
		t.Fatal(err)
	}
	// The page shows slow's last node before it runs it: let one run finish.
	slow := shortJobs["slow"]
	eventually(t, "a finished run of slow", 2*slow.interval+slow.runTime+jobWakeSlack, func() (bool, string) {
		job, err := getJob(node2, "slow")
		if err != nil {
			return false, err.Error()
		}
		return job.LastFinishedAt != nil, fmtTime(job.LastStartedAt)
	})
	// The page's Run now caused exactly one run of slow, on the node that
	// held its lock: on an hour-long interval no scheduled run can stand
	// in for it. The page itself checks that it showed the run.
	checkRequestedRun(t, "slow", 0, func() {
		out, err := runBrowserScript(browserDir, "dashboard.mjs", params)
		t.Logf("browser/dashboard.mjs:\n%s", out)
		if err != nil {
			failWithLogs(t, "the browser checks failed (%v); screenshots in %s", err, screenshots)
		}
	})

	// The server agrees with what the page showed.
	lock, err := lockSeenBy(node1, formLock)
	if err != nil {
		t.Fatalf("the lock taken from the form is unknown to node 1: %v", err)
	}
	if lock.Held {
		t.Errorf("the lock released from the form is still held: %v", lock)
	}
	var heldLock apiLock
	expect(t, "the held lock on node 2", call(t, node2, suite.admin(), http.MethodGet, "/api/v1/locks/"+held, nil), http.StatusOK, &heldLock)
	if heldLock.HolderID == nil || *heldLock.HolderID != selves[0].ID {
		t.Errorf("the lock the page showed held by node 1 is %v", heldLock)
	}
}

// ensureChromium installs Debian's chromium when it is missing (never a
// downloaded browser).
func ensureChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return
	}
	t.Logf("%s is missing; installing Debian's chromium with apt-get", chromiumPath)
	ctx, cancel := context.WithTimeout(context.Background(), installBound)
	defer cancel()
	for _, args := range [][]string{{"update"}, {"install", "-y", "chromium"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("apt-get %v: %v\n%s", args, err, tail(out))
		}
	}
}

// ensureBrowserPackages runs npm ci in dir when node_modules is missing.
func ensureBrowserPackages(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core")); err == nil {
		return
	}
	t.Logf("installing playwright-core in %s with npm ci", dir)
	ctx, cancel := context.WithTimeout(context.Background(), installBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	// playwright-core never downloads a browser; say so anyway.
	cmd.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, tail(out))
	}
}

func tail(out []byte) string {
	const keep = 3000
	if len(out) > keep {
		return fmt.Sprintf("…%s", out[len(out)-keep:])
	}
	return string(out)
}
