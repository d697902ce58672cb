//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

// markLogs fails when a log file cannot be read: a check that reads no
// log would find no panic and pass.
func markLogs(n *localcluster.Node) (logMark, error) {
	m := logMark{node: n, offsets: map[string]int64{}}
	for _, name := range nodeLogFiles {
		info, err := os.Stat(filepath.Join(n.Dir, name))
		if err != nil {
			return m, fmt.Errorf("node %d's %s: %w", n.Index, name, err)
		}
		m.offsets[name] = info.Size()
	}
	return m, nil
}

// linesSince returns the lines of file name written after the mark; a log
// that cannot be read, or is shorter than at the mark, is an error.
func (m logMark) linesSince(name string) ([]string, error) {
	raw, err := os.ReadFile(filepath.Join(m.node.Dir, name))
	if err != nil {
		return nil, fmt.Errorf("node %d's %s: %w", m.node.Index, name, err)
	}
	off := m.offsets[name]
	if off > int64(len(raw)) {
		return nil, fmt.Errorf("node %d's %s is shorter (%d bytes) than when marked (%d): truncated or replaced", m.node.Index, name, len(raw), off)
	}
	return strings.Split(strings.TrimSpace(string(raw[off:])), "\n"), nil
}

// matching returns the lines since the mark, in any log file, that contain
// every one of parts (case-insensitive).
func (m logMark) matching(parts ...string) ([]string, error) {
	var out []string
	for _, name := range nodeLogFiles {
		lines, err := m.linesSince(name)
		if err != nil {
			return nil, err
		}
		for _, line := range lines {
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
	return out, nil
}

// mustMarkLogs is markLogs for a check that cannot go on without the mark:
// an unreadable log fails the check rather than letting it read nothing.
func mustMarkLogs(t *testing.T, n *localcluster.Node) logMark {
	t.Helper()
	m, err := markLogs(n)
	if err != nil {
		t.Fatalf("marking the logs of the node in %s: %v", n.Dir, err)
	}
	return m
}

// mustMatch is matching for a check: a log that cannot be read fails the
// check, never reads as "no such line".
func (m logMark) mustMatch(t *testing.T, parts ...string) []string {
	t.Helper()
	lines, err := m.matching(parts...)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// logField is how a node's log writes a plugin's log field: Mattermost 5.39
// as JSON (`"key": "value"`), 6.7.2 as logfmt (key=value).
func logField(key, value string) string {
	if suite.version == "6.7.2" {
		return key + "=" + value
	}
	return fmt.Sprintf("%q: %q", key, value)
}

// errorLevel is how a node's log marks an error line: 5.39 a tab-separated
// level, 6.7.2 the level before the bracketed time.
func errorLevel() string {
	if suite.version == "6.7.2" {
		return "error ["
	}
	return "\terror\t"
}
