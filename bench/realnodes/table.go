package main

import (
	"fmt"
	"strings"

	"github.com/clusterdemo/clusterdemo/bench/report"
)

// row is one line of the results table. Targets are the README's (Performance) and
// apply to clusterdemo; Verdict is "met", "MISSED", or empty where there is no target.
type row struct {
	Figure     string `json:"figure"`
	Ours       string `json:"clusterdemo"`
	Comparator string `json:"comparator"`
	Target     string `json:"target"`
	Verdict    string `json:"verdict"`
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "MISSED"
}

func buildTable(r *results) []row {
	o, c := r.Impls[implOurs], r.Impls[implComparator]
	p := r.Plan
	var rows []row
	add := func(figure, ours, comparator, target, v string) {
		rows = append(rows, row{figure, ours, comparator, target, v})
	}

	add("KV call p50, KVGet / atomic KVSet (ms)",
		num(r.KVCost.Get.P50)+" / "+num(r.KVCost.Set.P50), "same store", "", "")

	ratio := o.Uncontended.Time.P50 / c.Uncontended.Time.P50
	add("Uncontended Lock+Unlock p50 (ms)",
		num(o.Uncontended.Time.P50), num(c.Uncontended.Time.P50),
		"≤ 1.5× comparator", fmt.Sprintf("%s (%.2f×)", verdict(ratio <= 1.5), ratio))
	add("KV calls per uncontended Lock+Unlock",
		callsText(o.Uncontended), callsText(c.Uncontended), "", "")

	add(fmt.Sprintf("Same-node handoff p50 / p99 (ms, n=%d)", o.LocalHandoff.N),
		pair(o.LocalHandoff.Summary), pair(c.LocalHandoff.Summary), "p50 ≤ 5 ms", verdict(o.LocalHandoff.P50 <= 5))
	add(fmt.Sprintf("Cross-node handoff p50 / p99 (ms, n=%d)", o.CrossHandoff.N),
		pair(o.CrossHandoff.Summary), pair(c.CrossHandoff.Summary), "p50 ≤ 150 ms", verdict(o.CrossHandoff.P50 <= 150))

	cont := fmt.Sprintf("Contention %d+%d workers, %s critical section, %s: ", p.ContentionWorkers, p.ContentionWorkers, p.ContentionCritical, p.ContentionDuration)
	add(cont+"acquisitions/s", num(o.Contention.PerSecond), num(c.Contention.PerSecond), "", "")
	add(cont+"maximum wait (s)", maxWaitText(o.Contention), maxWaitText(c.Contention),
		"≤ 1 s", verdict(o.Contention.MaxWaitMS <= 1000))
	add(cont+"share node 1 / node 2", shares(o.Contention), shares(c.Contention), "", "")
	add(cont+"overlaps", fmt.Sprint(o.Contention.Overlaps), fmt.Sprint(c.Contention.Overlaps),
		"0", verdict(o.Contention.Overlaps == 0))

	add("DB duplicate-key ERROR lines during contention (per 100 acquisitions)",
		dbText(o.Contention), dbText(c.Contention), "≤ 1 per 100", verdict(o.Contention.DBErrorsPer100 <= 1))
	add(fmt.Sprintf("DB duplicate-key ERROR lines, %s of node 2 waiting (%d goroutines)", p.WaitingDuration, p.WaitingGoroutines),
		fmt.Sprint(o.Waiting.DBErrors.Lines), fmt.Sprint(c.Waiting.DBErrors.Lines), "0", verdict(o.Waiting.DBErrors.Lines == 0))

	job := fmt.Sprintf("Job every %s for %s on %d nodes: ", p.JobInterval, p.JobDuration, r.Nodes)
	add(job+"runs; early / missed / overlapping", jobCounts(o.Job), jobCounts(c.Job),
		"exactly 1 start per interval", verdict(o.Job.ExactlyOncePerInterval))
	add(job+"delay after due p50 / p99 (ms)", pair(o.Job.Delay), pair(c.Job.Delay),
		"p99 ≤ comparator + 10 ms", verdict(o.Job.Delay.P99 <= c.Job.Delay.P99+10))

	add(fmt.Sprintf("Status route p50 / p99 (ms; %d locks held, %d jobs scheduled; the answer lists %d locks, %d jobs)",
		r.Status.LocksHeld, r.Status.JobsScheduled, r.Status.LocksListed, r.Status.JobsListed),
		pair(r.Status.Latency), "no such route", "p99 ≤ 50 ms", verdict(r.Status.Latency.P99 <= 50))

	add("Plugin RSS (MiB) idle, node 1 / node 2", rssText(r.IdleBefore), "same process", "", "")
	add("Plugin RSS (MiB) peak under contention", rssText(o.Contention.Memory), rssText(c.Contention.Memory), "", "")
	add("Plugin goroutines idle, node 1 / node 2", goroutinesText(r.IdleBefore), "same process", "", "")
	add("Plugin goroutines peak under contention", goroutinesText(o.Contention.Memory), goroutinesText(c.Contention.Memory), "", "")
	return rows
}

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func pair(s report.Summary) string { return num(s.P50) + " / " + num(s.P99) }

func callsText(u uncontendedResult) string {
	text := num(u.KVCallsPerOp)
	if u.EventsPerOp > 0 {
		text += fmt.Sprintf(" + %s events", num(u.EventsPerOp))
	}
	return text
}

func maxWaitText(c contentionResult) string {
	text := num(c.MaxWaitMS / 1000)
	if c.UnfinishedWaits > 0 && c.MaxUnfinishedWaitMS >= c.Wait.Max {
		text += " (still waiting at the end)"
	}
	return text
}

func shares(c contentionResult) string {
	parts := make([]string, len(c.SharePerNode))
	for i, s := range c.SharePerNode {
		parts[i] = fmt.Sprintf("%.0f%%", s*100)
	}
	return strings.Join(parts, " / ")
}

func dbText(c contentionResult) string {
	return fmt.Sprintf("%d (%s)", c.DBErrors.Lines, num(c.DBErrorsPer100))
}

func jobCounts(j jobResult) string {
	return fmt.Sprintf("%d; %d / %d / %d", j.Runs, j.EarlyStarts, j.MissedIntervals, j.Overlaps)
}

func rssText(rs []nodeRuntime) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.1f", r.RSSMiB)
	}
	return strings.Join(parts, " / ")
}

func goroutinesText(rs []nodeRuntime) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprint(r.Goroutines)
	}
	return strings.Join(parts, " / ")
}

// markdown renders the table for the terminal and the README alike.
func markdown(rows []row) string {
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = []string{r.Figure, r.Ours, r.Comparator, r.Target, r.Verdict}
	}
	return report.Markdown([]string{"Figure", "clusterdemo", "comparator (plugin-api v0.0.19)", "Target", "Verdict"}, cells)
}
