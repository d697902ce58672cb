package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"

	"github.com/gorilla/mux"
	"github.com/mattermost/mattermost-server/v5/model"
)

// maxBodyBytes caps every request body; a larger one is refused with 413
// before any handler sees it.
const maxBodyBytes = 64 << 10

// route is one entry of the HTTP API. The table below is the single source
// of truth: the router is built from it, the auth middleware wraps every
// entry, and the tests walk it so that a new route cannot skip them.
type route struct {
	method  string
	path    string // relative to /plugins/clusterdemo
	handler func(s *service, w http.ResponseWriter, r *http.Request)
	access  access
}

// access says who may use a route.
type access int

const (
	// adminOnly: system admins; everyone else gets 401 or 403 with a JSON
	// error. Every route that shows or changes cluster state is adminOnly.
	adminOnly access = iota
	// adminPage: a page for system admins that holds no data itself. Other
	// logged-in users get the same page with status 403, so the panel in it
	// explains the refusal in its own words when its adminOnly API calls
	// are refused, instead of the browser showing a raw JSON error.
	adminPage
	// loggedIn: any logged-in user; for static code that holds no data.
	loggedIn
)

// extraRoutes are appended to the table by files built only under a build
// tag (the clusterbench routes of `make bench-cluster`); empty in the
// released plugin. They get the same middleware as every other route.
var extraRoutes []route

func routes() []route {
	return append([]route{
		{http.MethodGet, "/api/v1/status", jsonHandler(handleStatus), adminOnly},
		{http.MethodGet, "/api/v1/nodes", jsonHandler(handleNodes), adminOnly},
		{http.MethodGet, "/api/v1/locks", jsonHandler(handleLocks), adminOnly},
		// Lock names match anything here, slashes included, so that a bad
		// name gets a 400 naming the rule rather than a bare 404. The
		// acquire and release routes come first so they win over GET.
		{http.MethodPost, "/api/v1/locks/{name:.*}/acquire", jsonHandler(handleAcquire), adminOnly},
		{http.MethodPost, "/api/v1/locks/{name:.*}/release", jsonHandler(handleRelease), adminOnly},
		{http.MethodGet, "/api/v1/locks/{name:.*}", jsonHandler(handleLock), adminOnly},
		{http.MethodGet, "/api/v1/jobs", jsonHandler(handleJobs), adminOnly},
		{http.MethodGet, "/api/v1/jobs/{name}", jsonHandler(handleJob), adminOnly},
		{http.MethodPost, "/api/v1/jobs/{name}/run", jsonHandler(handleRunJob), adminOnly},
		{http.MethodPost, "/api/v1/stress", jsonHandler(handleStress), adminOnly},
		{http.MethodGet, "/dashboard", handleDashboardPage, adminPage},
		{http.MethodGet, "/dashboard.js", handleDashboardScript, loggedIn},
	}, extraRoutes...)
}

// newRouter builds the plugin's router; every route passes the access check
// of its table entry.
func newRouter(s *service) *mux.Router {
	// SkipClean: a name such as ".." must reach validation and be refused,
	// not be cleaned away into a redirect to another route.
	router := mux.NewRouter().SkipClean(true)
	for _, rt := range routes() {
		handler := rt.handler
		router.Handle(rt.path, s.recoverPanics(s.limitBody(s.requireAccess(rt.access, func(w http.ResponseWriter, r *http.Request) {
			handler(s, w, r)
		})))).Methods(rt.method)
	}
	router.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{status: http.StatusNotFound, message: "no such route: " + r.Method + " " + r.URL.Path})
	})
	router.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, message: "method " + r.Method + " not allowed on " + r.URL.Path})
	})
	return router
}

// apiError is an error with the HTTP status it maps to. lock, when set, is
// included in the body so a 409 names who holds the lock.
type apiError struct {
	status  int
	message string
	lock    *lockJSON
}

func (e *apiError) Error() string { return e.message }

func badRequest(format string, args ...interface{}) *apiError {
	return &apiError{status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...interface{}) *apiError {
	return &apiError{status: http.StatusNotFound, message: fmt.Sprintf(format, args...)}
}

func conflict(lock *lockJSON, format string, args ...interface{}) *apiError {
	return &apiError{status: http.StatusConflict, message: fmt.Sprintf(format, args...), lock: lock}
}

func writeJSON(w http.ResponseWriter, status int, body interface{}) {
	data, err := json.Marshal(body)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(errorJSON{Error: "encoding response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeError answers with {"error": "..."}: the status of an *apiError, else 500.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{status: http.StatusInternalServerError, message: err.Error()}
	}
	writeJSON(w, ae.status, errorJSON{Error: ae.message, Lock: ae.lock})
}

// jsonHandler adapts a handler that returns a status and a body, or an error.
func jsonHandler(fn func(s *service, r *http.Request) (int, interface{}, error)) func(*service, http.ResponseWriter, *http.Request) {
	return func(s *service, w http.ResponseWriter, r *http.Request) {
		status, body, err := fn(s, r)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				s.api.LogError("clusterdemo: request failed", "method", r.Method, "path", r.URL.Path, "err", err.Error())
			}
			writeError(w, err)
			return
		}
		writeJSON(w, status, body)
	}
}

// requireAccess: 401 without a logged-in user, then the route's access rule
// (see access); system admins are those who may manage the system.
// Mattermost sets Mattermost-User-ID only for a valid session and strips any
// value a client sends.
func (s *service) requireAccess(rule access, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		userID := r.Header.Get("Mattermost-User-ID")
		if userID == "" {
			writeError(w, &apiError{status: http.StatusUnauthorized, message: "not logged in"})
			return
		}
		if rule == loggedIn || s.api.HasPermissionTo(userID, model.PERMISSION_MANAGE_SYSTEM) {
			next(w, r)
			return
		}
		if rule == adminPage {
			next(forbiddenPage{w}, r)
			return
		}
		writeError(w, &apiError{status: http.StatusForbidden, message: "only system admins may use the cluster status API"})
	}
}

// forbiddenPage answers with status 403 whatever the page handler writes.
type forbiddenPage struct{ http.ResponseWriter }

func (f forbiddenPage) WriteHeader(int) { f.ResponseWriter.WriteHeader(http.StatusForbidden) }

func (f forbiddenPage) Write(b []byte) (int, error) {
	f.WriteHeader(http.StatusForbidden) // a no-op when the handler already wrote the header
	return f.ResponseWriter.Write(b)
}

// limitBody reads the whole body up front, refusing more than maxBodyBytes
// with 413, so no handler can be made to read an unbounded body.
func (s *service) limitBody(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			writeError(w, &apiError{status: http.StatusRequestEntityTooLarge, message: fmt.Sprintf("request body is larger than %d bytes", maxBodyBytes)})
			return
		}
		if r.Body != nil {
			data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
			if err != nil {
				writeError(w, badRequest("reading request body: %v", err))
				return
			}
			if len(data) > maxBodyBytes {
				writeError(w, &apiError{status: http.StatusRequestEntityTooLarge, message: fmt.Sprintf("request body is larger than %d bytes", maxBodyBytes)})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
		}
		next(w, r)
	}
}

// recoverPanics turns a panic in a handler into a logged 500, never a crash.
func (s *service) recoverPanics(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				s.api.LogError("clusterdemo: panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeError(w, fmt.Errorf("internal error"))
			}
		}()
		next(w, r)
	}
}

// decodeBody decodes a JSON object into v. An empty body leaves v as it is,
// so every field keeps its default; unknown fields and trailing data are
// refused so a typo never passes silently.
func decodeBody(r *http.Request, v interface{}) error {
	if r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return badRequest("reading request body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("request body is not valid JSON for this route: %v", err)
	}
	if err := dec.Decode(&json.RawMessage{}); err != io.EOF {
		return badRequest("request body has data after the JSON object")
	}
	return nil
}
