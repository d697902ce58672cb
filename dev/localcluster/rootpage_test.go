package localcluster

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mattermost/mattermost-server/v5/utils"
)

func writeTestRootPage(t *testing.T) (dir, html string) {
	t.Helper()
	dir = t.TempDir()
	if err := writeRootPage(dir, DefaultVersion, "/plugins/clusterdemo/dashboard"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "root.html"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, string(raw)
}

var scriptTag = regexp.MustCompile(`<script([^>]*)>`)

// The page must run under the header Mattermost sends with it
// (script-src 'self', no inline script): every script is a file of the
// client folder, named with its content's hash because /static/ is cached
// for a year. Catches an inline script (refused by the browser, so the login
// form would do nothing), a script missing from the folder, and a fixed
// script URL that browsers would keep serving stale after a change.
func TestRootPageLoadsOnlyItsOwnScriptFile(t *testing.T) {
	dir, html := writeTestRootPage(t)
	tags := scriptTag.FindAllStringSubmatch(html, -1)
	if len(tags) != 1 {
		t.Fatalf("want exactly one script tag, found %d:\n%s", len(tags), html)
	}
	src := regexp.MustCompile(`src="/static/([^"?]+)\?v=([0-9a-f]+)"`).FindStringSubmatch(tags[0][1])
	if src == nil {
		t.Fatalf("the script tag %q does not load a /static/ file with a version", tags[0][0])
	}
	if !strings.Contains(html, tags[0][0]+"</script>") {
		t.Errorf("the script tag holds inline code: %s", html)
	}
	script, err := os.ReadFile(filepath.Join(dir, src[1]))
	if err != nil {
		t.Fatalf("the page loads /static/%s, which is not in the client folder: %v", src[1], err)
	}
	if string(script) != string(rootPageScript) {
		t.Errorf("/static/%s is not the page's script", src[1])
	}
	if regexp.MustCompile(`(?i)\son[a-z]+=`).MatchString(html) {
		t.Errorf("the page has an inline event handler, which the CSP refuses:\n%s", html)
	}
}

// Mattermost rewrites root.html at start-up for a site under a sub-path, and
// logs an error when the page lacks the web app's Content-Security-Policy
// tag. Run its own rewrite: it must accept the page and move the script
// under the sub-path. Catches a page whose tag differs from the web app's
// (an error at every node start) and absolute paths it cannot rewrite.
func TestRootPageSurvivesMattermostsSubpathRewrite(t *testing.T) {
	dir, before := writeTestRootPage(t)
	if err := utils.UpdateAssetsSubpathInDir("/", dir); err != nil {
		t.Fatalf("Mattermost's rewrite refuses the page at the site root: %v", err)
	}
	if err := utils.UpdateAssetsSubpathInDir("/chat", dir); err != nil {
		t.Fatalf("Mattermost's rewrite refuses the page under a sub-path: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "root.html"))
	if err != nil {
		t.Fatal(err)
	}
	after := string(raw)
	if after == before || !strings.Contains(after, `src="/chat/static/`+rootPageScriptName) {
		t.Errorf("under the sub-path /chat the script is not loaded from /chat/static/:\n%s", after)
	}
}

// What a person reads at /: the link to the dashboard and both accounts
// with their passwords. Catches a page that lost its link or accounts, or
// escaped them into something a person cannot type.
func TestRootPageNamesTheDashboardAndTheAccounts(t *testing.T) {
	_, html := writeTestRootPage(t)
	for _, want := range []string{
		`href="/plugins/clusterdemo/dashboard"`,
		`data-home="/plugins/clusterdemo/dashboard"`,
		adminAccount.Username, adminAccount.Password,
		userAccount.Username, userAccount.Password,
		`<label for="login-id">`, `<label for="login-password">`, `role="alert"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the root page lacks %q", want)
		}
	}
}
