package main

import "fmt"

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
	out = append(out,
		"Times are wall clock on one machine: both nodes run here, so node 1's release and node 2's acquisition are read from one clock.",
		fmt.Sprintf("Job delay is measured from each implementation's own due time: clusterdemo promises a start %s after the previous start, the comparator %s after the previous run finished (MakeWaitForInterval).",
			r.Plan.JobInterval, r.Plan.JobInterval),
		"Team Edition nodes on one database carry no plugin cluster events between them, so cross-node figures are what polling gives.",
		"Database error lines are counted in the PostgreSQL log for the benchmark's database only, between the log's size before and after each window.")
	return out
}
