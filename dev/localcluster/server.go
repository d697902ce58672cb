package localcluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// serverBuild says how one Mattermost version is built from its Go module:
// a small build module under build/ requires the server module, and go
// builds its cmd/mattermost. The server's source is never copied here.
type serverBuild struct {
	buildModule string // directory under the repository root holding go.mod
	module      string // the server's Go module path
	ldflags     string
}

var serverBuilds = map[string]serverBuild{
	"5.39.3": {buildModule: "build/mmserver", module: "github.com/mattermost/mattermost-server/v5"},
	// v6.7.2's old golang.org/x/net reaches into syscall internals that
	// Go 1.26's linker refuses unless told otherwise.
	"6.7.2": {buildModule: "build/mmserver-v6", module: "github.com/mattermost/mattermost-server/v6", ldflags: "-checklinkname=0"},
}

// DefaultVersion is the Mattermost version the plugin targets.
const DefaultVersion = "5.39.3"

// Versions lists the Mattermost versions this package can build and run.
func Versions() []string {
	versions := make([]string, 0, len(serverBuilds))
	for v := range serverBuilds {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	return versions
}

// Server is a built Mattermost server: its binary, and the module folder
// holding the i18n/, templates/ and fonts/ every node needs beside it.
type Server struct {
	Version   string
	Binary    string
	ModuleDir string
}

// BuildServer returns the server binary for version, building it into
// <repoRoot>/build/bin/ when it is missing or older than its build module.
func BuildServer(ctx context.Context, repoRoot, version string, logf func(string, ...any)) (*Server, error) {
	build, ok := serverBuilds[version]
	if !ok {
		return nil, fmt.Errorf("unknown Mattermost version %q (known: %s)", version, strings.Join(Versions(), ", "))
	}
	moduleDir := filepath.Join(repoRoot, build.buildModule)
	binary := filepath.Join(repoRoot, "build", "bin", "mattermost-"+version)
	if !upToDate(binary, filepath.Join(moduleDir, "go.mod"), filepath.Join(moduleDir, "go.sum")) {
		logf("building the Mattermost %s server (slow the first time, then cached in build/bin)", version)
		if err := goBuild(ctx, moduleDir, build, binary); err != nil {
			return nil, fmt.Errorf("building the Mattermost %s server failed: %w", version, err)
		}
	}
	out, err := goCommand(ctx, moduleDir, "list", "-m", "-f", "{{.Dir}}", build.module)
	dir := strings.TrimSpace(out)
	if err != nil || dir == "" {
		return nil, fmt.Errorf("cannot locate the Mattermost %s module folder: %v", version, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "i18n")); err != nil {
		return nil, fmt.Errorf("the Mattermost %s module has no i18n folder: %w", version, err)
	}
	return &Server{Version: version, Binary: binary, ModuleDir: dir}, nil
}

// goBuild builds into a temporary name and renames, so a concurrent run
// never starts a half-written binary. The full output is kept beside the
// binary; the error carries its last line.
func goBuild(ctx context.Context, moduleDir string, build serverBuild, binary string) error {
	if err := os.MkdirAll(filepath.Dir(binary), 0o755); err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s.tmp%d", binary, os.Getpid())
	defer os.Remove(tmp)
	args := []string{"build", "-o", tmp}
	if build.ldflags != "" {
		args = append(args, "-ldflags="+build.ldflags)
	}
	args = append(args, build.module+"/cmd/mattermost")
	out, err := goCommand(ctx, moduleDir, args...)
	logPath := binary + ".build.log"
	_ = os.WriteFile(logPath, []byte(out), 0o644)
	if err != nil {
		return fmt.Errorf("%v (full output: %s)", err, logPath)
	}
	return os.Rename(tmp, binary)
}

func goCommand(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	// The build module must be built as itself, whatever the caller's
	// environment says about workspaces or flags.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("go %s: %v: %s", args[0], err, lastLine(string(out)))
	}
	return string(out), nil
}

// upToDate reports whether target exists and is newer than every source.
func upToDate(target string, sources ...string) bool {
	info, err := os.Stat(target)
	if err != nil {
		return false
	}
	for _, src := range sources {
		if s, err := os.Stat(src); err == nil && s.ModTime().After(info.ModTime()) {
			return false
		}
	}
	return true
}
