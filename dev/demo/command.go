package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// The command lines make demo prints; the Makefile's demo-command target
// runs the first.
const (
	commandUsage     = `go run ./dev/demo command [-user user1] [-node 2] "/clusterdemo status"`
	makeCommandUsage = `make demo-command CMD="/clusterdemo status" [DEMO_USER=user1] [DEMO_NODE=2]`
)

// command runs a slash command on the running demo cluster, as the admin or
// the demo user, and prints its (ephemeral) reply: the demo nodes have no
// web app, so this stands in for the message box.
func command(args []string) error {
	root, err := localcluster.FindRepoRoot()
	if err != nil {
		return err
	}
	state, err := localcluster.ReadState(filepath.Join(root, stateDir))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no demo cluster runs (no %s): start one with make demo", filepath.Join(stateDir, localcluster.StateFileName))
	}
	if err != nil {
		return err
	}
	flags := flag.NewFlagSet("command", flag.ContinueOnError)
	user := flags.String("user", state.Admin.Username, "run as this demo account: "+state.Admin.Username+" (system admin) or "+state.User.Username)
	node := flags.Int("node", 1, "the node that answers (1 to the number of nodes)")
	flags.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: "+commandUsage)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		os.Exit(2)
	}
	text := strings.TrimSpace(strings.Join(flags.Args(), " "))
	if !strings.HasPrefix(text, "/") {
		flags.Usage()
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "demo: %s on node %d as %s\n", text, *node, *user)
	reply, err := state.RunCommand(*node, *user, text)
	if reply != "" {
		fmt.Println(reply)
	}
	return err
}
