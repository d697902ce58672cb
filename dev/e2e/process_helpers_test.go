//go:build e2e

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// A Mattermost node runs each plugin as a child process whose executable
// lies in the node's folder (plugins/<id>/server/dist/...). Killing the
// server with SIGKILL leaves those children running, orphaned, which a real
// machine's crash (or systemd's cgroup kill) would not. So a kill, and the
// reaper, end every process whose executable lies under the folder too.

// killProcessesUnder sends SIGKILL to every live process whose argv[0] lies
// under dir, and returns their pids.
func killProcessesUnder(dir string) []int {
	var killed []int
	for _, pid := range processesUnder(dir) {
		if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
			killed = append(killed, pid)
		}
	}
	return killed
}

// processesUnder lists the live processes whose argv[0] lies under dir.
func processesUnder(dir string) []int {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || len(cmdline) == 0 {
			continue // gone, or a zombie
		}
		exe := string(bytes.SplitN(cmdline, []byte{0}, 2)[0])
		if strings.HasPrefix(exe, dir+string(filepath.Separator)) {
			pids = append(pids, pid)
		}
	}
	return pids
}
