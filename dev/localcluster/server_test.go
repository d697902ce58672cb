package localcluster

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A build that fails says which version failed and where the full output is.
func TestBuildServerFailureIsOneClearError(t *testing.T) {
	root := t.TempDir()
	moduleDir := filepath.Join(root, "build", "mmserver")
	if err := os.MkdirAll(moduleDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(moduleDir, "go.mod"), []byte("module broken\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOPROXY", "off") // the broken module must fail without asking the network
	_, err := BuildServer(context.Background(), root, DefaultVersion, t.Logf)
	if err == nil {
		t.Fatal("BuildServer succeeded on a module that cannot build the server")
	}
	msg := err.Error()
	if !strings.Contains(msg, "building the Mattermost "+DefaultVersion+" server failed") || strings.Contains(msg, "\n") {
		t.Fatalf("error is not one clear line: %q", msg)
	}
	if _, statErr := os.Stat(filepath.Join(root, "build", "bin", "mattermost-"+DefaultVersion)); !os.IsNotExist(statErr) {
		t.Fatalf("a failed build left a binary behind: %v", statErr)
	}
}

func TestBuildServerRejectsUnknownVersion(t *testing.T) {
	_, err := BuildServer(context.Background(), t.TempDir(), "4.0.0", t.Logf)
	if err == nil || !strings.Contains(err.Error(), "unknown Mattermost version") {
		t.Fatalf("err = %v", err)
	}
}
