//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// logMark is a position in a node's log files, to read what was written
// after it. localcluster names the files: the server log and the console
// (the process's stdout and stderr, where a panic lands).
type logMark struct {
	node    *localcluster.Node
	offsets map[string]int64
}

var nodeLogFiles = []string{"mattermost.log", "console.log"}

func markLogs(n *localcluster.Node) logMark {
	m := logMark{node: n, offsets: map[string]int64{}}
	for _, name := range nodeLogFiles {
		if info, err := os.Stat(filepath.Join(n.Dir, name)); err == nil {
			m.offsets[name] = info.Size()
		}
	}
	return m
}

// linesSince returns the lines of file name written after the mark.
func (m logMark) linesSince(name string) []string {
	raw, err := os.ReadFile(filepath.Join(m.node.Dir, name))
	if err != nil {
		return nil
	}
	if off := m.offsets[name]; off <= int64(len(raw)) {
		raw = raw[off:]
	}
	return strings.Split(strings.TrimSpace(string(raw)), "\n")
}

// matching returns the lines since the mark, in any log file, that contain
// every one of parts (case-insensitive).
func (m logMark) matching(parts ...string) []string {
	var out []string
	for _, name := range nodeLogFiles {
		for _, line := range m.linesSince(name) {
			lower := strings.ToLower(line)
			all := line != ""
			for _, p := range parts {
				all = all && strings.Contains(lower, strings.ToLower(p))
			}
			if all {
				out = append(out, name+": "+line)
			}
		}
	}
	return out
}
