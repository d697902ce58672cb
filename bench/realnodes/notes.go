package main

import (
	"fmt"
	"sort"
	"strings"
)

// notes are the facts a reader needs beside the table.
func notes(r *results) []string {
	var out []string
	if r.Quick {
		out = append(out, "QUICK RUN: shortened workloads to check the harness; these figures are not measurements.")
	}
	if r.WholeRun.Restarts > 0 {
		out = append(out, fmt.Sprintf("PostgreSQL restarted %d time(s) during the run (it is shared with other work on this machine).", r.WholeRun.Restarts))
	}
	for _, retry := range r.Retries {
		out = append(out, "Run again, and the second run's figures kept: "+retry+".")
	}
	for _, step := range r.Suspect {
		out = append(out, "SUSPECT: PostgreSQL restarted during "+step+" even when it was run again; its figures include the outage.")
	}
	for _, impl := range implNames {
		ir := r.Impls[impl]
		if ir.Contention.Errors > 0 {
			out = append(out, fmt.Sprintf("%s: %d lock calls failed during contention (last: %s).", impl, ir.Contention.Errors, ir.Contention.LastError))
		}
		if ir.Contention.UnfinishedWaits > 0 {
			out = append(out, fmt.Sprintf("%s: %d workers were still waiting when the contention run ended, the longest for %s ms; the maximum wait counts them.",
				impl, ir.Contention.UnfinishedWaits, num(ir.Contention.MaxUnfinishedWaitMS)))
		}
	}
	if len(r.Order) == 0 {
		out = append(out, "This run did not record the order of the implementations: runs before the order alternated ran clusterdemo first in every workload.")
	} else {
		var parts []string
		for _, w := range sortedKeys(r.Order) {
			parts = append(parts, fmt.Sprintf("%s: %s", w, strings.Join(r.Order[w], " then ")))
		}
		out = append(out, "Order of the implementations, alternating by workload: "+strings.Join(parts, "; ")+".")
	}
	out = append(out,
		"Times are wall clock on one machine: both nodes run here, so node 1's release and node 2's acquisition are read from one clock.",
		fmt.Sprintf("Job delay is measured from each implementation's own due time: clusterdemo promises a start %s after the previous start, the comparator %s after the previous run finished (MakeWaitForInterval).",
			r.Plan.JobInterval, r.Plan.JobInterval),
		"Team Edition nodes on one database carry no plugin cluster events between them, so cross-node figures are what polling gives.",
		"Database error lines are counted in the PostgreSQL log for the benchmark's database only, from the first workload to the last, and attributed to a workload and an implementation by the key each line names.")
	return out
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
