// Package httpapi is the plugin's HTTP API: the route table with each
// route's access rule, the middleware every route passes, the handlers, and
// the JSON shapes of the contract. It is the only place the application's
// values become JSON.
package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// Route is one entry of the HTTP API. The table is the single source of
// truth: the router is built from it, the access middleware wraps every
// entry, and the tests walk it so that a new route cannot skip them.
type Route struct {
	Method string
	// Path is relative to /plugins/clusterdemo.
	Path   string
	Access Access
	// JSON answers with a status and a body, or an error; Page writes its
	// own answer. A route sets one of them.
	JSON JSONHandler
	Page http.HandlerFunc
}

// JSONHandler answers a request with a status and a body to encode, or an
// error (an *Error says its status; any other is a logged 500).
type JSONHandler func(r *http.Request) (status int, body interface{}, err error)

// Access says who may use a route.
type Access int

const (
	// AdminOnly: system admins (manage_system); everyone else gets 401 or
	// 403 with a JSON error. The benchmark harness's routes use it.
	AdminOnly Access = iota
	// Read: users who may read the System Console's plugin pages (see
	// app.CanRead). Every route that shows cluster state.
	Read
	// Write: users who may change plugin settings (see app.CanWrite).
	// Every route that changes demo state.
	Write
	// AdminPage: a page for Read users that holds no data itself. Other
	// logged-in users get the same page with status 403, so the panel in it
	// explains the refusal in its own words when its API calls are refused,
	// instead of the browser showing a raw JSON error; a browser without a
	// session is sent to log in and come back (302).
	AdminPage
	// LoggedIn: any logged-in user; for static code that holds no data.
	LoggedIn
)

// Server is what the router needs of the Mattermost server: permissions,
// and a log for unexpected errors.
type Server interface {
	app.PermissionChecker
	LogError(msg string, keyValuePairs ...interface{})
}

// Options are what New needs.
type Options struct {
	App    *app.App
	Server Server
	// Bundle is the plugin's bundle folder, for the dashboard script.
	Bundle string
	// Extra routes join the table (the benchmark harness adds its own);
	// they pass the same middleware as every other route.
	Extra []Route
}

// routes is the released plugin's table.
func routes(h *handlers) []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/status", Access: Read, JSON: h.status},
		{Method: http.MethodGet, Path: "/api/v1/nodes", Access: Read, JSON: h.nodes},
		{Method: http.MethodGet, Path: "/api/v1/locks", Access: Read, JSON: h.locks},
		// Lock names match anything here, slashes included, so that a bad
		// name gets a 400 naming the rule rather than a bare 404. The
		// acquire and release routes come first so they win over GET.
		{Method: http.MethodPost, Path: "/api/v1/locks/{name:.*}/acquire", Access: Write, JSON: h.acquire},
		{Method: http.MethodPost, Path: "/api/v1/locks/{name:.*}/release", Access: Write, JSON: h.release},
		{Method: http.MethodGet, Path: "/api/v1/locks/{name:.*}", Access: Read, JSON: h.lock},
		{Method: http.MethodGet, Path: "/api/v1/jobs", Access: Read, JSON: h.jobs},
		{Method: http.MethodGet, Path: "/api/v1/jobs/{name}", Access: Read, JSON: h.job},
		{Method: http.MethodPost, Path: "/api/v1/jobs/{name}/run", Access: Write, JSON: h.runJob},
		{Method: http.MethodPost, Path: "/api/v1/stress", Access: Write, JSON: h.stress},
		{Method: http.MethodGet, Path: "/api/v1/reminders", Access: Read, JSON: h.reminders},
		{Method: http.MethodPost, Path: "/api/v1/reminders", Access: Write, JSON: h.scheduleReminder},
		{Method: http.MethodGet, Path: "/dashboard", Access: AdminPage, Page: h.dashboardPage},
		{Method: http.MethodGet, Path: "/dashboard.js", Access: LoggedIn, Page: h.dashboardScript},
	}
}

// New builds the plugin's router; every route passes the access check of
// its table entry.
func New(o Options) http.Handler {
	table := append(routes(&handlers{app: o.App, bundle: o.Bundle}), o.Extra...)
	// SkipClean: a name such as ".." must reach validation and be refused,
	// not be cleaned away into a redirect to another route.
	router := mux.NewRouter().SkipClean(true)
	for _, rt := range table {
		handler := rt.Page
		if rt.JSON != nil {
			handler = serveJSON(o.Server, rt.JSON)
		}
		router.Handle(rt.Path, recoverPanics(o.Server, limitBody(requireAccess(o.Server, rt.Access, handler)))).Methods(rt.Method)
	}
	router.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The path is not echoed: an answer should not repeat raw input.
		writeError(w, Errorf(http.StatusNotFound, "no such route; the API is under /api/v1 (see the README)"))
	})
	router.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, Errorf(http.StatusMethodNotAllowed, "this route does not take that method"))
	})
	return router
}
