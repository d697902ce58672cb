package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine is what the results file says about where they were measured.
type machine struct {
	Host      string `json:"host"`
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	MemoryMiB int64  `json:"memory_mib"`
	Kernel    string `json:"kernel"`
	GoVersion string `json:"go_version"`
	Postgres  string `json:"postgres"`
}

func describeMachine(pgVersion string) machine {
	m := machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version(), Postgres: pgVersion}
	m.Host, _ = os.Hostname()
	m.CPU = firstField("/proc/cpuinfo", "model name")
	if kb, err := strconv.ParseInt(strings.Fields(firstField("/proc/meminfo", "MemTotal") + " 0")[0], 10, 64); err == nil {
		m.MemoryMiB = kb / 1024
	}
	if out, err := exec.Command("uname", "-sr").Output(); err == nil {
		m.Kernel = strings.TrimSpace(string(out))
	}
	return m
}

// firstField returns the value of the first "name : value" line of a /proc file.
func firstField(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		key, value, ok := strings.Cut(scanner.Text(), ":")
		if ok && strings.TrimSpace(key) == name {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// loadAverage is /proc/loadavg's 1, 5 and 15 minute figures.
func loadAverage() [3]float64 {
	var out [3]float64
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return out
	}
	fields := strings.Fields(string(raw))
	for i := 0; i < 3 && i < len(fields); i++ {
		out[i], _ = strconv.ParseFloat(fields[i], 64)
	}
	return out
}

// processRSS is the resident set of pid in MiB, from /proc/<pid>/status.
// It fails unless pid is the plugin executable, so a reused pid is never
// measured in its place.
func processRSS(pid int) (float64, error) {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return 0, fmt.Errorf("plugin process %d: %w", pid, err)
	}
	if !strings.Contains(exe, "plugin-") {
		return 0, fmt.Errorf("process %d is %s, not the plugin", pid, exe)
	}
	kb, err := strconv.ParseInt(strings.Fields(firstField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS") + " x")[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("plugin process %d: no VmRSS", pid)
	}
	return float64(kb) / 1024, nil
}

// sourceVersion names the code measured: the commit, and whether the
// plugin's server code differed from it.
func sourceVersion(root string) (commit string, dirty bool) {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown", false
	}
	status, err := exec.Command("git", "-C", root, "status", "--porcelain", "--", "server").Output()
	return strings.TrimSpace(string(out)), err != nil || len(strings.TrimSpace(string(status))) > 0
}
