//go:build e2e

package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
)

// keepRuns is how many finished runs' folders stay under .e2e/ (each holds
// node folders with the plugin unpacked, logs and screenshots, ~80 MB).
const keepRuns = 5

// pruneRuns removes the folders of finished runs under dir beyond the newest
// keepRuns. A run is finished once its reaper has logged "done"; a folder
// without that (a run in progress, or one whose reaper was killed) stays.
func pruneRuns(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	var finished []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		log, err := os.ReadFile(filepath.Join(dir, e.Name(), "reaper.log"))
		if err == nil && bytes.Contains(log, []byte("reaper: done")) {
			finished = append(finished, e.Name())
		}
	}
	sort.Strings(finished) // names start with the run's UTC time
	for len(finished) > keepRuns {
		_ = os.RemoveAll(filepath.Join(dir, finished[0]))
		finished = finished[1:]
	}
}
