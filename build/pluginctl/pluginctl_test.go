package pluginctl

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// mattermostError answers as Mattermost's API does on failure.
func mattermostError(status int, id, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(model.NewAppError("test", id, nil, message, status).ToJson()))
	}
}

func bundleFile(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "bundle.tar.gz")
	if err := os.WriteFile(path, []byte("not really a bundle"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Each way an install goes wrong ends in one line that names the cause.
func TestInstallErrorsAreOneClearLine(t *testing.T) {
	pingOK := func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"OK"}`)) }
	cases := []struct {
		name   string
		upload http.HandlerFunc
		want   string
	}{
		{"bad token", mattermostError(http.StatusUnauthorized, "api.context.session_expired.app_error", "Invalid or expired session"), "rejected the credentials (401)"},
		{"not an admin", mattermostError(http.StatusForbidden, "api.context.permissions.app_error", "no permission"), "not a system admin"},
		{"uploads off", mattermostError(http.StatusNotImplemented, "app.plugin.upload_disabled.app_error", ""), "refuses plugin uploads"},
		{"not mattermost", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "answered 404"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/api/v4/system/ping", pingOK)
			mux.HandleFunc("/api/v4/plugins", c.upload)
			server := httptest.NewServer(mux)
			defer server.Close()
			err := Install(context.Background(), model.NewAPIv4Client(server.URL), bundleFile(t), "clusterdemo")
			if err == nil {
				t.Fatal("Install succeeded against a refusing server")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), server.URL) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: want one line naming %s and %q", err, server.URL, c.want)
			}
		})
	}
}

func TestInstallUnreachableServer(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	url := server.URL
	server.Close() // nothing listens there any more
	err := Install(context.Background(), model.NewAPIv4Client(url), bundleFile(t), "clusterdemo")
	if err == nil || !strings.Contains(err.Error(), "cannot reach "+url) {
		t.Fatalf("err = %v, want cannot reach %s", err, url)
	}
}

// A wrong path under a real server answers ping with the web app's page.
func TestInstallNotAMattermostURL(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<!doctype html><html></html>"))
	}))
	defer server.Close()
	err := Install(context.Background(), model.NewAPIv4Client(server.URL+"/foo"), bundleFile(t), "clusterdemo")
	if err == nil || !strings.Contains(err.Error(), "does not answer as a Mattermost server") {
		t.Fatalf("err = %v", err)
	}
}

func TestInstallMissingBundle(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v4/system/ping", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"OK"}`)) })
	server := httptest.NewServer(mux)
	defer server.Close()
	err := Install(context.Background(), model.NewAPIv4Client(server.URL), filepath.Join(t.TempDir(), "missing.tar.gz"), "clusterdemo")
	if err == nil || !strings.Contains(err.Error(), "cannot read plugin bundle") {
		t.Fatalf("err = %v", err)
	}
}

// WaitRunning gives up at once on a plugin that failed to start, and waits
// through states the server moves out of by itself.
func TestWaitRunning(t *testing.T) {
	states := []int{model.PluginStateNotRunning, model.PluginStateFailedToStayRunning, model.PluginStateRunning}
	calls := 0
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		state := states[min(calls, len(states)-1)]
		calls++
		statuses := model.PluginStatuses{{PluginId: "other", State: model.PluginStateFailedToStart}, {PluginId: "clusterdemo", State: state}}
		w.Write([]byte(statuses.ToJson()))
	}))
	defer server.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := WaitRunning(ctx, model.NewAPIv4Client(server.URL), "clusterdemo"); err != nil {
		t.Fatal(err)
	}
	if calls != len(states) {
		t.Fatalf("returned after %d polls, want %d", calls, len(states))
	}

	failed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		statuses := model.PluginStatuses{{PluginId: "clusterdemo", State: model.PluginStateFailedToStart}}
		w.Write([]byte(statuses.ToJson()))
	}))
	defer failed.Close()
	err := WaitRunning(ctx, model.NewAPIv4Client(failed.URL), "clusterdemo")
	if err == nil || !strings.Contains(err.Error(), "failed to start") {
		t.Fatalf("err = %v, want failed to start", err)
	}
}

func TestWaitRunningNotInstalledTimesOut(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("[]"))
	}))
	defer server.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := WaitRunning(ctx, model.NewAPIv4Client(server.URL), "clusterdemo")
	if err == nil || !strings.Contains(err.Error(), "not installed") {
		t.Fatalf("err = %v, want last seen: not installed", err)
	}
}
