package httpapi

import (
	"net/http"
	"os"
	"path/filepath"
)

// The standalone dashboard: a page that loads the webapp's dashboard bundle,
// which mounts the same panel the System Console shows into #root. The
// script is addressed relative to the page, so a site served under a
// sub-path works and the plugin id is not written twice.

const dashboardHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cluster Demo</title>
</head>
<body>
<div id="root"></div>
<script src="dashboard.js"></script>
</body>
</html>
`

// dashboardScript is where the bundle ships the standalone script.
const dashboardScript = "webapp/dist/dashboard.js"

func (h *handlers) dashboardPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	_, _ = w.Write([]byte(dashboardHTML))
}

func (h *handlers) dashboardScript(w http.ResponseWriter, r *http.Request) {
	path := filepath.Join(h.bundle, dashboardScript)
	f, err := os.Open(path)
	if err != nil {
		writeError(w, notFound("the dashboard script is missing from the plugin bundle (%s)", dashboardScript))
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "dashboard.js", info.ModTime(), f)
}
