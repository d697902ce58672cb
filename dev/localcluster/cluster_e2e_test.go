//go:build e2e

package localcluster

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/build/pluginctl"
)

// The lifecycle the end-to-end suite relies on, on real nodes and a real
// PostgreSQL: start, kill -9 one node and start it again (it must bring the
// plugin back by itself), restart another cleanly, restart PostgreSQL (nodes
// must live through it and serve again).
//
//	CLUSTERDEMO_BUNDLE=$PWD/dist/clusterdemo-0.1.0.tar.gz MM_VERSION=5.39.3 \
//	CLUSTERDEMO_RESTART_POSTGRES=1 go test -tags e2e -run TestClusterLifecycle -v ./dev/localcluster
func TestClusterLifecycle(t *testing.T) {
	bundle := os.Getenv("CLUSTERDEMO_BUNDLE")
	if bundle == "" {
		t.Skip("CLUSTERDEMO_BUNDLE (path of the plugin bundle) not set")
	}
	// recoverWithin bounds how long a node may take to serve again after a
	// restart: its start-up takes a few seconds here, with wide headroom.
	const recoverWithin = 90 * time.Second
	ctx := context.Background()
	began := time.Now()
	cluster, err := Start(ctx, Config{
		Version:  os.Getenv("MM_VERSION"),
		Nodes:    2,
		Dir:      t.TempDir(),
		Database: "clusterdemo_lifecycle",
		Bundle:   bundle,
		PluginID: "clusterdemo",
		Logf:     t.Logf,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(cluster.LogTails(30))
		}
		if err := cluster.Stop(); err != nil {
			t.Error(err)
		}
	})
	t.Logf("up in %s: %+v", time.Since(began).Round(time.Millisecond), cluster.Timings)

	node2 := cluster.Nodes[1]
	pid := node2.Pid()
	if err := node2.Kill(); err != nil {
		t.Fatal(err)
	}
	if node2.Running() || alive(pid) {
		t.Fatalf("node 2 (pid %d) still alive after Kill", pid)
	}
	if _, resp := node2.Client().GetPing(); resp.Error == nil {
		t.Fatal("node 2 answers ping after Kill")
	}

	restartCtx, cancel := context.WithTimeout(ctx, recoverWithin)
	defer cancel()
	began = time.Now()
	if err := node2.Start(restartCtx); err != nil {
		t.Fatal(err)
	}
	if err := pluginctl.WaitRunning(restartCtx, cluster.AdminClient(node2), "clusterdemo"); err != nil {
		t.Fatalf("plugin did not come back on the restarted node: %v", err)
	}
	t.Logf("node 2 restarted with the plugin running in %s", time.Since(began).Round(time.Millisecond))

	node1 := cluster.Nodes[0]
	began = time.Now()
	if err := node1.Restart(restartCtx); err != nil {
		t.Fatal(err)
	}
	if err := pluginctl.WaitRunning(restartCtx, cluster.AdminClient(node1), "clusterdemo"); err != nil {
		t.Fatalf("plugin did not come back after a clean restart: %v", err)
	}
	t.Logf("node 1 stopped and started again with the plugin running in %s", time.Since(began).Round(time.Millisecond))

	// PostgreSQL is shared with everything else on this machine (the
	// end-to-end suite may be running beside this test), so restarting it is
	// asked for explicitly.
	if os.Getenv("CLUSTERDEMO_RESTART_POSTGRES") != "1" {
		t.Log("PostgreSQL restart skipped: set CLUSTERDEMO_RESTART_POSTGRES=1 when nothing else uses it")
		return
	}
	if err := cluster.Postgres.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	// A node must ride out a database outage, not exit.
	for _, n := range cluster.Nodes {
		_, _ = cluster.AdminClient(n).GetUserByUsername(cluster.User.Username, "")
		if !n.Running() {
			t.Fatalf("node %d exited while PostgreSQL was down", n.Index)
		}
	}
	if err := cluster.Postgres.Start(ctx); err != nil {
		t.Fatal(err)
	}
	began = time.Now()
	for _, n := range cluster.Nodes {
		for {
			_, resp := cluster.AdminClient(n).GetUserByUsername(cluster.User.Username, "")
			if resp.Error == nil {
				break
			}
			if time.Since(began) > recoverWithin {
				t.Fatalf("node %d does not read the database %s after PostgreSQL restarted: %v", n.Index, recoverWithin, resp.Error)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	t.Logf("both nodes read the database again %s after PostgreSQL restarted", time.Since(began).Round(time.Millisecond))
}
