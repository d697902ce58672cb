package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// A browser without a session that opens the dashboard is sent to the
// site's login page, which returns it to the page it asked for: under the
// site's sub-path when there is one, query included, and never through a
// sub-path a browser reads as another host. Catches a redirect that drops
// the sub-path (the login page of another site on the same host), that
// forgets redirect_to or its query, that leaves redirect_to unescaped (its
// query would become the login page's), or that trusts a request path such
// as //evil.example/plugins/… into a protocol-relative Location.
func TestDashboardSendsABrowserWithoutSessionToLogin(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	plugin := "/plugins/" + app.Manifest.Id
	cases := []struct {
		name, target, requestURI, want string
	}{
		{"site at the root", "/dashboard", plugin + "/dashboard",
			"/login?redirect_to=%2Fplugins%2F" + app.Manifest.Id + "%2Fdashboard"},
		{"site under a sub-path, with a query", "/dashboard?tab=locks&x=1", "/chat" + plugin + "/dashboard?tab=locks&x=1",
			"/chat/login?redirect_to=%2Fchat%2Fplugins%2F" + app.Manifest.Id + "%2Fdashboard%3Ftab%3Dlocks%26x%3D1"},
		{"protocol-relative prefix", "/dashboard", "//evil.example" + plugin + "/dashboard",
			"/login?redirect_to=%2Fplugins%2F" + app.Manifest.Id + "%2Fdashboard"},
		{"backslash prefix", "/dashboard", "/\\evil.example" + plugin + "/dashboard",
			"/login?redirect_to=%2Fplugins%2F" + app.Manifest.Id + "%2Fdashboard"},
		{"request URI without the plugin path", "/dashboard", "/dashboard",
			"/login?redirect_to=%2Fplugins%2F" + app.Manifest.Id + "%2Fdashboard"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, c.target, nil)
			req.RequestURI = c.requestURI
			rec := httptest.NewRecorder()
			n.router.ServeHTTP(rec, req)
			if rec.Code != http.StatusFound || rec.Header().Get("Location") != c.want {
				t.Errorf("GET %s: %d to %q, want 302 to %q", c.requestURI, rec.Code, rec.Header().Get("Location"), c.want)
			}
		})
	}
}
