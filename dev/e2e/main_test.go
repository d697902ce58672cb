//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// suite is the cluster every test drives. TestMain starts it once: starting
// Mattermost nodes is the slow part, and each test leaves the cluster as it
// found it (every node running, the plugin active) or restores it.
var suite *env

// env is the running cluster and what the tests need to reach it.
type env struct {
	cluster *localcluster.Cluster
	version string // Mattermost version of every node
	root    string // repository root
	runDir  string // .e2e/<run>: node folders, logs, screenshots
	// userToken is a session of the ordinary user, for the refusals.
	userToken string
	// channelID is a channel of the demo team both users belong to, where
	// slash commands are executed.
	channelID string
	// active are the nodes the cluster runs with: nodes 1 and 2, plus node 3
	// while a test that needs it runs (see withNode3).
	active []*localcluster.Node
}

const (
	pluginID = "clusterdemo"
	// The suite's cluster has two nodes. A third is started with them and
	// stopped at once, so the failure checks can bring it back (withNode3):
	// with three nodes, two survive a kill and can contend.
	clusterNodes = 3
	activeNodes  = 2
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(reaperEnv); dir != "" {
		os.Exit(runReaper(dir))
	}
	flag.Parse()
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	if testing.Short() {
		// A suite that passes by doing nothing would hide every failure
		// below; use -run to choose checks instead.
		fmt.Fprintln(os.Stderr, "e2e: refusing -short: the suite has no short subset (it starts a real Mattermost cluster); choose checks with -run")
		return 2
	}
	root, err := localcluster.FindRepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	version := os.Getenv("MM_VERSION")
	if version == "" {
		version = localcluster.DefaultVersion
	}
	bundle, err := bundlePath(root)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	pruneRuns(filepath.Join(root, ".e2e"))
	runDir := filepath.Join(root, ".e2e", time.Now().UTC().Format("20060102-150405")+"-"+version)
	clusterDir := filepath.Join(runDir, "cluster")
	if err := os.MkdirAll(clusterDir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	fmt.Printf("e2e: Mattermost %s, bundle %s, output in %s\n", version, bundle, runDir)

	// The reaper is started before any node: if this process dies in any way
	// (a panic in a test, go test's timeout, SIGKILL), it stops the nodes.
	database := fmt.Sprintf("clusterdemo_e2e_%d", os.Getpid())
	reaper, err := startReaper(clusterDir, runDir, database)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer reaper.finish()

	// Ctrl-C or SIGTERM while the cluster starts cancels the start (which
	// then stops what it started); while tests run, it stops the nodes.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	ctx, cancelStart := context.WithCancel(context.Background())
	defer cancelStart()
	go func() {
		if _, ok := <-signals; ok {
			cancelStart()
			fmt.Fprintln(os.Stderr, "e2e: interrupted; stopping the nodes")
			_, _ = localcluster.StopDir(clusterDir)
			reaper.finish()
			os.Exit(2)
		}
	}()
	began := time.Now()
	cluster, err := localcluster.Start(ctx, localcluster.Config{
		Version:     version,
		Nodes:       clusterNodes,
		Dir:         clusterDir,
		RepoRoot:    root,
		Database:    database,
		Bundle:      bundle,
		PluginID:    pluginID,
		PluginProbe: "/api/v1/nodes",
		PluginPage:  "/dashboard",
		Logf:        func(format string, args ...any) { fmt.Printf("e2e: "+format+"\n", args...) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting the cluster:", err)
		return 1
	}
	// The reaper, finishing after this, drops the database and makes sure
	// PostgreSQL runs.
	defer func() {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping the cluster:", err)
		}
	}()
	t := cluster.Timings
	fmt.Printf("e2e: cluster up in %v (postgres %v, server build %v, node 1 %v, other nodes %v, plugin install %v)\n",
		time.Since(began).Round(time.Millisecond), t.Postgres.Round(time.Millisecond), t.ServerBuild.Round(time.Millisecond),
		t.FirstNode.Round(time.Millisecond), t.OtherNodes.Round(time.Millisecond), t.PluginInstall.Round(time.Millisecond))

	suite = &env{cluster: cluster, version: version, root: root, runDir: runDir, active: cluster.Nodes[:activeNodes]}
	for _, spare := range cluster.Nodes[activeNodes:] {
		fmt.Printf("e2e: stopping node %d until a check needs it\n", spare.Index)
		if _, err := stopGracefully(spare); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	if err := suite.prepare(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: preparing the cluster:", err)
		fmt.Fprintln(os.Stderr, cluster.LogTails(40))
		return 1
	}

	code := m.Run()
	// Every node must still shut down cleanly after what the tests did.
	for _, n := range cluster.Nodes {
		took, err := stopGracefully(n)
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e: FAIL:", err)
			code = 1
		} else if took > 0 {
			fmt.Printf("e2e: node %d stopped in %v\n", n.Index, took.Round(time.Millisecond))
		}
	}
	return code
}

// bundlePath is CLUSTERDEMO_BUNDLE, or the bundle `make dist` writes for the
// version in plugin.json.
func bundlePath(root string) (string, error) {
	if path := os.Getenv("CLUSTERDEMO_BUNDLE"); path != "" {
		return filepath.Abs(path)
	}
	raw, err := os.ReadFile(filepath.Join(root, "plugin.json"))
	if err != nil {
		return "", err
	}
	var manifest struct {
		ID      string `json:"id"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return "", fmt.Errorf("plugin.json: %w", err)
	}
	path := filepath.Join(root, "dist", fmt.Sprintf("%s-%s.tar.gz", manifest.ID, manifest.Version))
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("no plugin bundle at %s (run make dist, or set CLUSTERDEMO_BUNDLE)", path)
	}
	return path, nil
}

// deactivatesWithDatabase reports whether a Mattermost version deactivates
// plugins before it closes its database on shutdown, so that OnDeactivate can
// still release locks and record the end of a run. 6.7.2's Server.Shutdown
// closes the store (app/server.go:1046-1047 in v6.7.2) and only then stops
// the products, the channels product shutting the plugins down last
// (server.go:1058-1064, channels.go:270).
func deactivatesWithDatabase(version string) bool {
	return version != "6.7.2"
}

// requireDeactivationWithDatabase skips a check of what a node does as it
// stops gracefully on a server that stops plugins after closing their
// database, where nothing the plugin does on deactivation can reach the
// store (see deactivatesWithDatabase); every other check runs on every
// version.
func requireDeactivationWithDatabase(t *testing.T) {
	t.Helper()
	if !deactivatesWithDatabase(suite.version) {
		t.Skipf("Mattermost %s closes the database before it deactivates plugins (app/server.go:1046-1047, then channels.go:270 in v6.7.2): a stopping node cannot release its locks or record its cut-short run, which is what this check is about; the kill -9 checks cover a node that vanishes", suite.version)
	}
}
