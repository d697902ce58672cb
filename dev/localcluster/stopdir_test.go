package localcluster

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// startSleeper starts a process whose command line holds args, standing in
// for a Mattermost node, and reaps it when it exits.
func startSleeper(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", "sleep 60"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	return cmd
}

func writePidFile(t *testing.T, nodeDir string, pid int) {
	t.Helper()
	if err := os.MkdirAll(nodeDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(nodeDir, pidFileName), []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func waitGone(pid int, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// StopDir stops a process started with the node's config.json, and leaves
// alone a live process whose pid file is stale (the pid now belongs to
// something else).
func TestStopDirStopsOnlyItsOwnNodes(t *testing.T) {
	dir := t.TempDir()
	ours := startSleeper(t, filepath.Join(dir, "node1", "config.json"))
	stranger := startSleeper(t, "/somewhere/else/config.json")
	writePidFile(t, filepath.Join(dir, "node1"), ours.Process.Pid)
	writePidFile(t, filepath.Join(dir, "node2"), stranger.Process.Pid)

	stopped, err := StopDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stopped) != 1 || stopped[0] != ours.Process.Pid {
		t.Fatalf("stopped %v, want only pid %d", stopped, ours.Process.Pid)
	}
	if !waitGone(ours.Process.Pid, 5*time.Second) {
		t.Fatalf("pid %d still alive after StopDir", ours.Process.Pid)
	}
	if !alive(stranger.Process.Pid) {
		t.Fatalf("StopDir killed pid %d, which was not started with this node's config", stranger.Process.Pid)
	}
	if _, err := os.Stat(filepath.Join(dir, "node2", pidFileName)); !os.IsNotExist(err) {
		t.Fatalf("stale pid file kept: %v", err)
	}
}

func TestStopDirWithNothingToStop(t *testing.T) {
	stopped, err := StopDir(t.TempDir())
	if err != nil || len(stopped) != 0 {
		t.Fatalf("StopDir on an empty folder = %v, %v", stopped, err)
	}
}
