package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// The database errors a lock implementation causes: every failed atomic
// insert into the plugin KV store is a primary-key violation that PostgreSQL
// logs as an ERROR line. A window is counted by the log file's size before
// and after, keeping only lines of the benchmark's own database, so other
// databases on the same server (a demo, the end-to-end tests) do not count.

const duplicateKeyError = `duplicate key value violates unique constraint "pluginkeyvaluestore_pkey"`

type pgLog struct {
	path     string
	database string
}

// pgWindow is the log from one offset on.
type pgWindow struct {
	log   *pgLog
	start int64
}

// pgErrors is what a window held.
type pgErrors struct {
	Lines int `json:"lines"`
	// ByKey counts the lines by the KV key PostgreSQL names in the DETAIL
	// line after each ERROR, which tells whose insert failed.
	ByKey map[string]int `json:"by_key"`
	// Restarts counts PostgreSQL coming back up in the window: the server
	// is shared with other work on this machine, and a restart during a
	// workload makes its figures suspect.
	Restarts int `json:"postgres_restarts"`
}

func (l *pgLog) open() (*pgWindow, error) {
	info, err := os.Stat(l.path)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL log: %w (set -pglog to the server's log file)", err)
	}
	return &pgWindow{log: l, start: info.Size()}, nil
}

// close reads the window to the log's current end. PostgreSQL writes its
// log lines as they happen; a short pause lets the last ones land.
func (w *pgWindow) close() (pgErrors, error) {
	time.Sleep(500 * time.Millisecond)
	f, err := os.Open(w.log.path)
	if err != nil {
		return pgErrors{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return pgErrors{}, err
	}
	if info.Size() < w.start {
		return pgErrors{}, fmt.Errorf("PostgreSQL log %s shrank during the window (rotated?); run again", w.log.path)
	}
	raw, err := io.ReadAll(io.NewSectionReader(f, w.start, info.Size()-w.start))
	if err != nil {
		return pgErrors{}, err
	}
	return countDuplicateKeys(raw, w.log.database), nil
}

// countDuplicateKeys counts the duplicate-key ERROR lines of database in a
// log written with Debian's default log_line_prefix ('%m [%p] %q%u@%d '),
// attributing each to the key in the DETAIL line of the same backend.
func countDuplicateKeys(raw []byte, database string) pgErrors {
	out := pgErrors{ByKey: map[string]int{}}
	marker := "@" + database + " "
	pendingByPid := map[string]bool{}
	scanner := bufio.NewScanner(bytes.NewReader(raw))
	scanner.Buffer(make([]byte, 64<<10), 1<<20)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.Contains(line, "database system is ready to accept connections") {
			out.Restarts++
			continue
		}
		if !strings.Contains(line, marker) {
			continue
		}
		pid := backendPid(line)
		switch {
		case strings.Contains(line, "ERROR:") && strings.Contains(line, duplicateKeyError):
			out.Lines++
			pendingByPid[pid] = true
		case strings.Contains(line, "DETAIL:") && pendingByPid[pid]:
			delete(pendingByPid, pid)
			out.ByKey[detailKey(line)]++
		}
	}
	return out
}

// backendPid is the "[1234]" of a log line.
func backendPid(line string) string {
	open := strings.IndexByte(line, '[')
	end := strings.IndexByte(line, ']')
	if open < 0 || end < open {
		return ""
	}
	return line[open+1 : end]
}

// detailKey reads "Key (pluginid, pkey)=(clusterdemo, mutex_x) already exists."
func detailKey(line string) string {
	i := strings.Index(line, ")=(")
	if i < 0 {
		return "?"
	}
	rest := line[i+3:]
	if j := strings.Index(rest, ") already exists"); j >= 0 {
		rest = rest[:j]
	}
	if k := strings.Index(rest, ", "); k >= 0 {
		rest = rest[k+2:]
	}
	return rest
}
