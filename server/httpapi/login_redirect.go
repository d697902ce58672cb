package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// loginPath is Mattermost's login page, relative to the site. Given
// redirect_to, it returns there once the user has logged in (the web app on
// a real server; the local cluster's own page on the demo nodes).
const loginPath = "/login"

// redirectToLogin sends a browser without a session to the login page with
// redirect_to back to this request, as Mattermost's own pages do
// (web/oauth.go: <site>/login?redirect_to=<the request URI>).
//
// Both come from the request: Mattermost passes the plugin the path the
// browser asked for (RequestURI) but trims the site's sub-path and
// /plugins/<id> from URL.Path, so what precedes /plugins/<id> in RequestURI
// is the sub-path. The Location is a path, so the browser stays on the host
// it used. A request that does not carry that shape, or whose sub-path a
// browser could read as another host (//host, /\host), goes to the site
// root's login page instead.
func redirectToLogin(w http.ResponseWriter, r *http.Request) {
	pluginPath := "/plugins/" + app.Manifest.Id + r.URL.EscapedPath()
	back := pluginPath
	if r.URL.RawQuery != "" {
		back += "?" + r.URL.RawQuery
	}
	subpath := ""
	if path, _, _ := strings.Cut(r.RequestURI, "?"); strings.HasSuffix(path, pluginPath) {
		prefix := strings.TrimSuffix(path, pluginPath)
		if prefix == "" || (strings.HasPrefix(prefix, "/") && !strings.HasPrefix(prefix, "//") && !strings.ContainsRune(prefix, '\\')) {
			subpath, back = prefix, r.RequestURI
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.Redirect(w, r, subpath+loginPath+"?redirect_to="+url.QueryEscape(back), http.StatusFound)
}
