package main

import "strings"

// Every lock and job name of a run is "bc-<workload letter>-<first four
// letters of the implementation>-<id>" (b.name here, benchName in
// bench/plugin), and PostgreSQL's DETAIL line names the key whose insert
// failed. So the whole run's count, by key, says which workload of which
// implementation caused each database ERROR line — for every workload, not
// only the windows the driver happens to count separately.

// workloadLetters are the letters the names use, in table order.
var workloadLetters = []struct{ letter, name string }{
	{"u", "uncontended Lock+Unlock"},
	{"h", "same-node handoff"},
	{"x", "cross-node handoff"},
	{"c", "contention"},
	{"w", "node waiting on a held lock"},
	{"j", "job"},
}

// dbErrorsByWorkload counts the whole run's lines per workload letter and
// implementation name; keys that name no workload (the driver's deliberate
// check of the log) are left out.
func dbErrorsByWorkload(whole pgErrors) map[string]map[string]int {
	out := map[string]map[string]int{}
	for key, lines := range whole.ByKey {
		_, rest, ok := strings.Cut(key, "bc-")
		if !ok {
			continue
		}
		parts := strings.SplitN(rest, "-", 3)
		if len(parts) < 3 {
			continue
		}
		for _, impl := range implNames {
			if parts[1] == impl[:4] {
				if out[parts[0]] == nil {
					out[parts[0]] = map[string]int{}
				}
				out[parts[0]][impl] += lines
			}
		}
	}
	return out
}
