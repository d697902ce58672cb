package localcluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

const (
	pidFileName     = "mattermost.pid"
	consoleLogName  = "console.log"
	serverLogName   = "mattermost.log"
	readyPollPeriod = 200 * time.Millisecond
	// stopGrace is how long a node may take to shut down on SIGTERM before
	// it is killed; Mattermost waits for its own jobs and plugins first.
	stopGrace = 30 * time.Second
)

// Node is one Mattermost server process of the local cluster, with its own
// working folder, config.json, port and log.
type Node struct {
	Index int    // 1-based, as printed to people
	Port  int    // the port it listens on, on 127.0.0.1
	URL   string // http://localhost:<Port>
	Dir   string // its working folder

	server *Server

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the current process has exited
	waitErr error         // how it exited, once exited is closed
}

// Start launches the node and waits until it answers /api/v4/system/ping.
// If it fails to come up it is stopped, and the error carries its log's tail.
func (n *Node) Start(ctx context.Context) error {
	if err := n.launch(); err != nil {
		return err
	}
	if err := n.waitReady(ctx); err != nil {
		_ = n.Stop()
		return err
	}
	return nil
}

// launch starts the process in its own session, so it outlives the command
// that started it (make demo returns; the nodes keep running) and is not hit
// by the terminal's Ctrl-C, and records its pid for Stop and StopDir.
func (n *Node) launch() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil && !isClosed(n.exited) {
		return fmt.Errorf("node %d is already running (pid %d)", n.Index, n.cmd.Process.Pid)
	}
	if err := checkPortFree(n.Port); err != nil {
		return fmt.Errorf("node %d: %w", n.Index, err)
	}
	console, err := os.OpenFile(filepath.Join(n.Dir, consoleLogName), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer console.Close()
	cmd := exec.Command(n.server.Binary, "server", "--config", filepath.Join(n.Dir, "config.json"))
	cmd.Dir = n.Dir
	cmd.Env = nodeEnv()
	cmd.Stdout = console
	cmd.Stderr = console
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("node %d: cannot start %s: %w", n.Index, n.server.Binary, err)
	}
	if err := os.WriteFile(filepath.Join(n.Dir, pidFileName), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return err
	}
	n.cmd = cmd
	exited := make(chan struct{})
	n.exited = exited
	go func() {
		err := cmd.Wait()
		n.mu.Lock()
		n.waitErr = err
		n.mu.Unlock()
		close(exited)
	}()
	return nil
}

// nodeEnv is our environment without MM_* variables: those override
// config.json (MM_SERVICESETTINGS_SITEURL is set for `make deploy`, for
// example) and would point every node at the same place.
func nodeEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MM_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitReady polls the ping route until it answers, the process exits, or ctx ends.
func (n *Node) waitReady(ctx context.Context) error {
	n.mu.Lock()
	exited := n.exited
	n.mu.Unlock()
	client := &http.Client{Timeout: 2 * time.Second}
	lastSeen := "no answer yet"
	for {
		resp, err := client.Get(n.URL + "/api/v4/system/ping")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			lastSeen = resp.Status
		} else {
			lastSeen = err.Error()
		}
		select {
		case <-exited:
			return fmt.Errorf("node %d (port %d) exited during start-up: %s; log: %s",
				n.Index, n.Port, n.lastLogLine(), filepath.Join(n.Dir, serverLogName))
		case <-ctx.Done():
			return fmt.Errorf("node %d (port %d) did not answer ping (%v); last seen: %s; log: %s",
				n.Index, n.Port, ctx.Err(), lastSeen, filepath.Join(n.Dir, serverLogName))
		case <-time.After(readyPollPeriod):
		}
	}
}

// Stop asks the node to shut down (SIGTERM) and kills it if it has not
// exited within stopGrace. Stopping a stopped node is not an error.
func (n *Node) Stop() error {
	return n.signalAndWait(syscall.SIGTERM, stopGrace)
}

// Kill ends the node with SIGKILL, as a crash would: no shutdown hooks run.
func (n *Node) Kill() error {
	return n.signalAndWait(syscall.SIGKILL, stopGrace)
}

func (n *Node) signalAndWait(sig syscall.Signal, grace time.Duration) error {
	n.mu.Lock()
	cmd, exited := n.cmd, n.exited
	n.mu.Unlock()
	if cmd == nil || isClosed(exited) {
		return nil
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("node %d: %v: %w", n.Index, sig, err)
	}
	select {
	case <-exited:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-exited
	}
	_ = os.Remove(filepath.Join(n.Dir, pidFileName))
	return nil
}

// Restart stops the node if it runs and starts it again; it reads the same
// config.json, so the plugins enabled there come back.
func (n *Node) Restart(ctx context.Context) error {
	if err := n.Stop(); err != nil {
		return err
	}
	return n.Start(ctx)
}

// Running reports whether the node's process is alive.
func (n *Node) Running() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cmd != nil && !isClosed(n.exited)
}

// Pid is the process id of the running node, 0 when it is not running.
func (n *Node) Pid() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil || isClosed(n.exited) {
		return 0
	}
	return n.cmd.Process.Pid
}

// Client is a REST client for this node with a request timeout, so a hung
// node fails a call instead of stalling it.
func (n *Node) Client() *model.Client4 {
	client := model.NewAPIv4Client(n.URL)
	client.HttpClient = &http.Client{Timeout: 2 * time.Minute}
	return client
}

// LogTail returns the last lines of the node's server log and console output.
func (n *Node) LogTail(lines int) string {
	var b strings.Builder
	for _, name := range []string{serverLogName, consoleLogName} {
		path := filepath.Join(n.Dir, name)
		fmt.Fprintf(&b, "--- node %d: %s\n%s\n", n.Index, path, tailFile(path, lines))
	}
	return b.String()
}

// lastLogLine is the most recent line worth quoting in a one-line error:
// a panic on the console wins over the server log.
func (n *Node) lastLogLine() string {
	for _, line := range strings.Split(tailFile(filepath.Join(n.Dir, consoleLogName), 200), "\n") {
		if strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "fatal error:") || strings.HasPrefix(line, "Error:") {
			return line
		}
	}
	if line := tailFile(filepath.Join(n.Dir, serverLogName), 1); line != "" {
		return line
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return fmt.Sprint(n.waitErr)
}

func tailFile(path string, lines int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	all := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

func isClosed(ch chan struct{}) bool {
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
