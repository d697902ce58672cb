//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// A person with only the dashboard link make demo prints, in a fresh
// browser: the link without a session leads to the node's login page, the
// form logs in as the web app does, and the browser comes back to the
// dashboard — both nodes for the admin, the panel's own "admins only" state
// for user1 — while a redirect_to to another host is never followed. The
// checks are in browser/login.mjs; this test gives it the printed link and
// the accounts.
//
// It catches: the dashboard answering a browser without a session with JSON
// 401 instead of sending it to /login with redirect_to (the browser would
// stay on the JSON); a login request without X-Requested-With (Mattermost
// then sets no cookies and the dashboard sends the browser back to the
// login page); an inline script (refused by the CSP Mattermost sends, so the
// form does nothing); a non-admin shown JSON or node names; and a login page
// that follows redirect_to to https://example.com/, //example.com,
// /\example.com, a tab-split //example.com, /..//example.com (whose path
// parses to //example.com) or javascript:, or that ignores
// a redirect_to on the same node.
func TestBrowserLoginFromThePrintedLink(t *testing.T) {
	ensureChromium(t)
	browserDir := filepath.Join(suite.root, "dev", "e2e", "browser")
	ensureBrowserPackages(t, browserDir)
	selves := suite.healthy(t)
	node := suite.node(1) // make demo prints node 1's link
	names := make([]string, len(selves))
	for i, self := range selves {
		names[i] = self.Name
	}

	screenshots := filepath.Join(suite.runDir, "screenshots", "login")
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	params, err := json.Marshal(map[string]any{
		"baseUrl":      node.URL,
		"dashboardUrl": suite.cluster.PageURL(node),
		"admin":        suite.cluster.Admin, // {username, password, …}
		"user":         suite.cluster.User,
		"nodeNames":    names,
		"screenshots":  screenshots,
		"timeoutMs":    browserPageBound.Milliseconds(),
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := runBrowserScript(browserDir, "login.mjs", params)
	t.Logf("browser/login.mjs:\n%s", out)
	if err != nil {
		failWithLogs(t, "the browser login checks failed (%v); screenshots in %s", err, screenshots)
	}
}
