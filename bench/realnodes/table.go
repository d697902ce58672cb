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

	// Every workload's database ERROR lines, for both implementations,
	// attributed by the key each failed insert names (dberrors.go).
	db := dbErrorsByWorkload(r.WholeRun)
	for _, w := range workloadLetters {
		ours, theirs := db[w.letter][implOurs], db[w.letter][implComparator]
		figure := "DB duplicate-key ERROR lines, " + w.name
		switch w.letter {
		case "c":
			add(figure+" (per 100 acquisitions)", perHundred(ours, o.Contention), perHundred(theirs, c.Contention),
				"≤ 1 per 100", verdict(per100(ours, o.Contention) <= 1))
		case "w":
			add(fmt.Sprintf("%s, %s, %d goroutines", figure, p.WaitingDuration, p.WaitingGoroutines),
				fmt.Sprint(ours), fmt.Sprint(theirs), "0", verdict(ours == 0))
		default:
			add(figure, fmt.Sprint(ours), fmt.Sprint(theirs), "", "")
		}
	}

	job := fmt.Sprintf("Job every %s for %s on %d nodes: ", p.JobInterval, p.JobDuration, r.Nodes)
	add(job+"runs; early / missed / overlapping", jobCounts(o.Job), jobCounts(c.Job),
		"exactly 1 start per interval", verdict(o.Job.ExactlyOncePerInterval))
	add(job+"delay after due p50 / p99 (ms)", pair(o.Job.Delay), pair(c.Job.Delay),
		"p99 ≤ comparator + 10 ms", verdict(o.Job.Delay.P99 <= c.Job.Delay.P99+10))

	rows = append(rows, statusRows(r)...)

	add("Plugin RSS (MiB) idle, node 1 / node 2", rssText(r.IdleBefore), "same process", "", "")
	add("Plugin RSS (MiB) peak under contention", rssText(o.Contention.Memory), rssText(c.Contention.Memory), "", "")
	add("Plugin goroutines idle, node 1 / node 2", goroutinesText(r.IdleBefore), "same process", "", "")
	add("Plugin goroutines peak under contention", goroutinesText(o.Contention.Memory), goroutinesText(c.Contention.Memory), "", "")
	return rows
}

// statusTargetMS and statusMaxAgeMS are the status route's targets: its
// p99 from outside, and the age of the oldest part of any answer.
const (
	statusTargetMS = 20
	statusMaxAgeMS = 2000
)

// statusRows are the status route's rows, one per size.
func statusRows(r *results) []row {
	var rows []row
	for _, s := range r.Status {
		rows = append(rows, row{
			Figure: fmt.Sprintf("Status route p50 / p99 (ms; %d locks known, %d held, %d jobs; the answer lists %d locks, %d jobs, %d KiB; first answer %s ms; oldest part %s ms%s)",
				s.LocksKnown, s.LocksHeld, s.JobsScheduled, s.LocksListed, s.JobsListed, s.ResponseBytes/1024, num(s.FirstMS), num(s.MaxAgeMS), panelCost(s.PanelKVCallsPerS)),
			Ours:       pair(s.Latency),
			Comparator: "no such route",
			Target:     fmt.Sprintf("p99 ≤ %d ms, oldest part ≤ %d ms", statusTargetMS, statusMaxAgeMS),
			Verdict:    verdict(s.Latency.P99 <= statusTargetMS && s.MaxAgeMS <= statusMaxAgeMS),
		})
	}
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

func per100(lines int, c contentionResult) float64 {
	if c.Acquisitions == 0 {
		return 0
	}
	return float64(lines) * 100 / float64(c.Acquisitions)
}

func perHundred(lines int, c contentionResult) string {
	return fmt.Sprintf("%d (%s)", lines, num(per100(lines, c)))
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

// panelCost is the status row's KV calls per second per node with a panel
// open, or nothing for results measured before it was.
func panelCost(perNode []float64) string {
	if len(perNode) == 0 {
		return ""
	}
	parts := make([]string, len(perNode))
	for i, v := range perNode {
		parts[i] = num(v)
	}
	return fmt.Sprintf("; KV calls/s with a panel open on node 1, per node: %s", strings.Join(parts, " / "))
}
