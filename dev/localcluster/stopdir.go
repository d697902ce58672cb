package localcluster

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// StopDir stops the nodes whose pid files lie in the node folders under dir,
// as left by a Start in an earlier process (`make demo` then `make
// demo-stop`). A pid is signalled only while /proc shows it is still the
// Mattermost server started with that node's config.json, so a pid the
// kernel has since reused is never touched. It returns the pids it stopped.
func StopDir(dir string) ([]int, error) {
	pidFiles, err := filepath.Glob(filepath.Join(dir, "node*", pidFileName))
	if err != nil {
		return nil, err
	}
	var stopped []int
	var failures []string
	for _, pidFile := range pidFiles {
		nodeDir := filepath.Dir(pidFile)
		pid, err := readPid(pidFile)
		if err != nil {
			failures = append(failures, err.Error())
			continue
		}
		if ourServer(pid, filepath.Join(nodeDir, "config.json")) {
			if err := stopPid(pid); err != nil {
				failures = append(failures, fmt.Sprintf("pid %d (%s): %v", pid, nodeDir, err))
				continue
			}
			stopped = append(stopped, pid)
		}
		_ = os.Remove(pidFile)
	}
	if len(failures) > 0 {
		return stopped, fmt.Errorf("could not stop every node: %s", strings.Join(failures, "; "))
	}
	return stopped, nil
}

func readPid(path string) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || pid <= 1 {
		return 0, fmt.Errorf("%s does not hold a pid", path)
	}
	return pid, nil
}

// ourServer reports whether pid is alive and was started with config.
func ourServer(pid int, config string) bool {
	if !alive(pid) {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	abs, err := filepath.Abs(config)
	if err != nil {
		return false
	}
	for _, arg := range bytes.Split(cmdline, []byte{0}) {
		if string(arg) == abs {
			return true
		}
	}
	return false
}

// alive reports whether pid runs and is not a zombie: once the process that
// started a node has exited, nobody may reap it promptly (a container's pid
// 1 often does not), and a zombie still answers kill(pid, 0).
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses and may
	// itself hold spaces or parentheses.
	end := bytes.LastIndexByte(stat, ')')
	if end < 0 || end+2 >= len(stat) {
		return false
	}
	state := stat[end+2]
	return state != 'Z' && state != 'X'
}

// stopPid sends SIGTERM, waits up to stopGrace, then SIGKILL.
func stopPid(pid int) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && err != syscall.ESRCH {
		return err
	}
	deadline := time.Now().Add(stopGrace)
	for alive(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			deadline = time.Now().Add(10 * time.Second)
			for alive(pid) && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			if alive(pid) {
				return fmt.Errorf("still alive after SIGKILL")
			}
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// resetDir stops nodes an earlier run left in dir and removes what it made
// there. Only those names are removed: dir may be a folder the caller shares.
func resetDir(dir string, logf func(string, ...any)) error {
	stopped, err := StopDir(dir)
	if err != nil {
		return err
	}
	if len(stopped) > 0 {
		logf("stopped %d nodes left running in %s by an earlier run", len(stopped), dir)
	}
	stale, _ := filepath.Glob(filepath.Join(dir, "node*"))
	stale = append(stale, filepath.Join(dir, "files"), filepath.Join(dir, StateFileName))
	for _, path := range stale {
		if err := os.RemoveAll(path); err != nil {
			return err
		}
	}
	return os.MkdirAll(filepath.Join(dir, "files"), 0o755)
}
