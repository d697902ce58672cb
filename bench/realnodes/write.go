package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Result files, kept in git for the latest full run.
const (
	jsonFile  = "bench-cluster.json"
	chartFile = "bench-cluster.svg"
	tableFile = "bench-cluster.md"
)

func write(dir string, res *results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	header := runHeader(res) + "\n\n"
	table := header + markdown(res.Table)
	for _, n := range res.Notes {
		table += "\n- " + n
	}
	files := map[string][]byte{
		jsonFile:  append(raw, '\n'),
		chartFile: []byte(chartSVG(res)),
		tableFile: []byte(table + "\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("\nwrote %s, %s and %s in %s\n", jsonFile, chartFile, tableFile, dir)
	return nil
}

// runHeader is the line that says which code ran where, under what load.
func runHeader(res *results) string {
	dirty := ""
	if res.ServerDirty {
		dirty = " plus uncommitted server changes"
	}
	return fmt.Sprintf("Commit %s%s. Measured %s UTC on %s (%s, %d cores, %d MiB), Mattermost %s × %d nodes, PostgreSQL %s; load average %.2f / %.2f / %.2f at start, %.2f / %.2f / %.2f at end; run took %s.",
		res.Commit, dirty, res.Date.Format("2006-01-02 15:04"), res.Machine.Host, res.Machine.CPU, res.Machine.Cores, res.Machine.MemoryMiB,
		res.Mattermost, res.Nodes, res.Machine.Postgres,
		res.LoadBefore[0], res.LoadBefore[1], res.LoadBefore[2], res.LoadAfter[0], res.LoadAfter[1], res.LoadAfter[2], res.Duration)
}
