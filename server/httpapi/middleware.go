package httpapi

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// maxBodyBytes caps every request body; a larger one is refused with 413
// before any handler sees it.
const maxBodyBytes = 64 << 10

// requireAccess: without a logged-in user, 401 (a page sends the browser to
// the login page instead), then the route's access rule (see Access).
// Mattermost sets Mattermost-User-ID only for a valid session and strips any
// value a client sends.
func requireAccess(server Server, rule Access, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		userID := r.Header.Get("Mattermost-User-ID")
		if userID == "" && rule == AdminPage {
			redirectToLogin(w, r)
			return
		}
		if userID == "" {
			writeError(w, Errorf(http.StatusUnauthorized, "not logged in"))
			return
		}
		var allowed bool
		var refusal string
		switch rule {
		case LoggedIn:
			allowed = true
		case Read, AdminPage:
			allowed = app.CanRead(server, userID)
			refusal = "reading the cluster status needs " + app.ReadPermissionText
		case Write:
			allowed = app.CanWrite(server, userID)
			refusal = "changing demo locks, jobs or stress runs needs " + app.WritePermissionText
		default: // AdminOnly, and any rule unknown here: the strictest
			allowed = server.HasPermissionTo(userID, model.PERMISSION_MANAGE_SYSTEM)
			refusal = "only system admins may use this route"
		}
		if allowed {
			next(w, r)
			return
		}
		if rule == AdminPage {
			next(forbiddenPage{w}, r)
			return
		}
		writeError(w, Errorf(http.StatusForbidden, "%s", refusal))
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
func limitBody(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			writeError(w, Errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", maxBodyBytes))
			return
		}
		if r.Body != nil {
			data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
			if err != nil {
				writeError(w, Errorf(http.StatusBadRequest, "reading request body: %v", err))
				return
			}
			if len(data) > maxBodyBytes {
				writeError(w, Errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", maxBodyBytes))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
		}
		next(w, r)
	}
}

// recoverPanics turns a panic in a handler into a logged 500, never a crash.
func recoverPanics(server Server, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				server.LogError("clusterdemo: panic serving request", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeError(w, fmt.Errorf("internal error"))
			}
		}()
		next(w, r)
	}
}
