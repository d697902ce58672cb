// Command demo runs the plugin on a real local Mattermost cluster.
//
//	go run ./dev/demo up [--nodes 2] [--version 5.39.3] [--bundle dist/clusterdemo-<version>.tar.gz] [--first-port 8065]
//	go run ./dev/demo down
//	go run ./dev/demo command [-user user1] [-node 2] "/clusterdemo status"
//
// up builds (once) and starts Mattermost Team Edition nodes on ports 8065,
// 8066, … sharing one PostgreSQL database and file store, creates an admin,
// a second user and a team, installs the bundle on every node and prints
// where everything is. down stops the nodes up started, by their pid files.
// command runs a slash command on the running cluster and prints the reply.
// State lives in .demo/ at the repository root. NODES and MM_VERSION set the
// defaults of --nodes and --version.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/clusterdemo/clusterdemo/build/pluginmanifest"
	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

const (
	stateDir  = ".demo"
	database  = "clusterdemo_demo"
	firstPort = 8065
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = up(os.Args[2:])
	case "down":
		err = down()
	case "command":
		err = command(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go run ./dev/demo up [--nodes N] [--version V] [--bundle PATH] [--first-port P] | down | command [-user U] [-node N] TEXT")
	os.Exit(2)
}

func up(args []string) error {
	root, err := localcluster.FindRepoRoot()
	if err != nil {
		return err
	}
	manifest, err := pluginmanifest.Load(filepath.Join(root, "plugin.json"))
	if err != nil {
		return err
	}
	flags := flag.NewFlagSet("up", flag.ContinueOnError)
	nodes := flags.Int("nodes", envInt("NODES", 2), "number of Mattermost nodes (env NODES)")
	version := flags.String("version", envString("MM_VERSION", localcluster.DefaultVersion), "Mattermost version (env MM_VERSION)")
	bundle := flags.String("bundle", filepath.Join(root, "dist", pluginmanifest.BundleName(manifest)), "plugin bundle to install")
	port := flags.Int("first-port", firstPort, "port of node 1; node N listens on first-port+N-1")
	if err := flags.Parse(args); err != nil {
		os.Exit(2)
	}

	// Ctrl-C while starting stops the nodes started so far (Start cleans up
	// when its context ends); once up returns, the nodes keep running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cluster, err := localcluster.Start(ctx, localcluster.Config{
		Version:     *version,
		Nodes:       *nodes,
		FirstPort:   *port,
		Dir:         filepath.Join(root, stateDir),
		RepoRoot:    root,
		Database:    database,
		Bundle:      *bundle,
		PluginID:    manifest.Id,
		PluginProbe: "/api/v1/nodes",
		PluginPage:  "/dashboard",
		Logf: func(format string, args ...any) {
			fmt.Printf("demo: "+format+"\n", args...)
		},
	})
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("interrupted; the nodes started so far are stopped")
	}
	if err != nil {
		return err
	}
	printCluster(cluster, manifest.Id)
	return nil
}

func down() error {
	root, err := localcluster.FindRepoRoot()
	if err != nil {
		return err
	}
	dir := filepath.Join(root, stateDir)
	stopped, err := localcluster.StopDir(dir)
	for _, pid := range stopped {
		fmt.Printf("demo: stopped node pid %d\n", pid)
	}
	if err != nil {
		return err
	}
	// Its pids and token now describe nothing that runs.
	if err := os.Remove(filepath.Join(dir, localcluster.StateFileName)); err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(stopped) == 0 {
		fmt.Println("demo: no running demo nodes")
	}
	return nil
}

func envInt(name string, fallback int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return fallback
}

func envString(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
