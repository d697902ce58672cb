package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// The chart: the latency figures of both implementations on one log scale,
// and the database error lines on a linear one, as a self-contained SVG.

const (
	chartWidth  = 960
	labelWidth  = 330
	plotWidth   = chartWidth - labelWidth - 110
	barHeight   = 13
	groupHeight = 38
	colorOurs   = "#1f6feb"
	colorTheirs = "#d1861b"
)

type chartBar struct {
	label      string
	ours, them float64
	unit       string
}

func chartSVG(r *results) string {
	o, c := r.Impls[implOurs], r.Impls[implComparator]
	latency := []chartBar{
		{"Uncontended Lock+Unlock p50 (target ≤ 1.5×)", o.Uncontended.Time.P50, c.Uncontended.Time.P50, "ms"},
		{"Same-node handoff p50 (target ≤ 5 ms)", o.LocalHandoff.P50, c.LocalHandoff.P50, "ms"},
		{"Same-node handoff p99", o.LocalHandoff.P99, c.LocalHandoff.P99, "ms"},
		{"Cross-node handoff p50 (target ≤ 150 ms)", o.CrossHandoff.P50, c.CrossHandoff.P50, "ms"},
		{"Cross-node handoff p99", o.CrossHandoff.P99, c.CrossHandoff.P99, "ms"},
		{"Contention: maximum wait (target ≤ 1 s)", o.Contention.MaxWaitMS, c.Contention.MaxWaitMS, "ms"},
		{"Job start delay after due p99", o.Job.Delay.P99, c.Job.Delay.P99, "ms"},
	}
	errors := []chartBar{
		{"During the contention run", float64(o.Contention.DBErrors.Lines), float64(c.Contention.DBErrors.Lines), "lines"},
		{"While node 2 waits (target 0)", float64(o.Waiting.DBErrors.Lines), float64(c.Waiting.DBErrors.Lines), "lines"},
	}

	top := 96
	latencyTop := top + 24
	errorsTop := latencyTop + len(latency)*groupHeight + 56
	height := errorsTop + len(errors)*groupHeight + 40

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", chartWidth, height, chartWidth, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	title := "clusterdemo cluster package vs mattermost-plugin-api v0.0.19 cluster, real Mattermost nodes"
	if r.Quick {
		title = "QUICK RUN, NOT A MEASUREMENT: " + title
	}
	text(&b, 16, 26, 16, "bold", title)
	text(&b, 16, 46, 12, "normal", fmt.Sprintf("Mattermost %s, %d nodes, PostgreSQL %s; %s; %d cores; load %.2f at start, %.2f at end; %s UTC",
		r.Mattermost, r.Nodes, r.Machine.Postgres, r.Machine.CPU, r.Machine.Cores, r.LoadBefore[0], r.LoadAfter[0], r.Date.UTC().Format("2006-01-02 15:04")))
	legend(&b, 16, 68)

	text(&b, 16, latencyTop-8, 13, "bold", "Latency (ms, log scale; shorter is better)")
	lo, hi := 0.1, 100000.0
	scale := func(v float64) float64 {
		v = math.Max(v, lo)
		return math.Log10(v/lo) / math.Log10(hi/lo) * plotWidth
	}
	for _, tick := range []float64{0.1, 1, 10, 100, 1000, 10000, 100000} {
		x := float64(labelWidth) + scale(tick)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x, latencyTop, x, latencyTop+len(latency)*groupHeight)
		text(&b, int(x)-10, latencyTop+len(latency)*groupHeight+14, 10, "normal", tickLabel(tick))
	}
	for i, bar := range latency {
		bars(&b, latencyTop+i*groupHeight, bar, scale)
	}

	text(&b, 16, errorsTop-8, 13, "bold", `PostgreSQL "duplicate key … pluginkeyvaluestore_pkey" ERROR lines (linear; fewer is better)`)
	most := 1.0
	for _, bar := range errors {
		most = math.Max(most, math.Max(bar.ours, bar.them))
	}
	linear := func(v float64) float64 { return v / most * plotWidth }
	for i, bar := range errors {
		bars(&b, errorsTop+i*groupHeight, bar, linear)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func bars(b *strings.Builder, y int, bar chartBar, scale func(float64) float64) {
	text(b, 16, y+barHeight+4, 12, "normal", bar.label)
	for i, v := range []float64{bar.ours, bar.them} {
		color := colorOurs
		if i == 1 {
			color = colorTheirs
		}
		w := math.Max(scale(v), 1)
		by := y + i*(barHeight+2)
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", labelWidth, by, w, barHeight, color)
		text(b, labelWidth+int(w)+4, by+barHeight-2, 11, "normal", valueLabel(v, bar.unit))
	}
}

func legend(b *strings.Builder, x, y int) {
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", x, y-10, colorOurs)
	text(b, x+18, y, 12, "normal", "clusterdemo (server/cluster)")
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`+"\n", x+220, y-10, colorTheirs)
	text(b, x+238, y, 12, "normal", "comparator (mattermost-plugin-api v0.0.19)")
}

func text(b *strings.Builder, x, y, size int, weight, s string) {
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="%d" font-weight="%s">%s</text>`+"\n", x, y, size, weight, html.EscapeString(s))
}

func tickLabel(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%gs", v/1000)
	default:
		return fmt.Sprintf("%gms", v)
	}
}

func valueLabel(v float64, unit string) string {
	if unit == "ms" && v >= 1000 {
		return num(v/1000) + " s"
	}
	if unit == "lines" {
		return fmt.Sprintf("%.0f %s", v, unit)
	}
	return num(v) + " " + unit
}
