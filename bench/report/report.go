// Package report is the benchmarks' one way to summarise samples and write
// result tables, so the KV-fake and the real-node figures read alike.
package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/clusterdemo/clusterdemo/internal/percentile"
)

// Summary describes a set of durations in milliseconds.
type Summary struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
}

// Summarize uses nearest-rank percentiles (internal/percentile): p99 of
// fewer than 100 samples is their maximum, never an interpolation below it.
func Summarize(samples []time.Duration) Summary {
	if len(samples) == 0 {
		return Summary{}
	}
	sorted := append([]time.Duration(nil), samples...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	var total time.Duration
	for _, d := range sorted {
		total += d
	}
	return Summary{
		N:    len(sorted),
		Mean: Millis(total / time.Duration(len(sorted))),
		P50:  Millis(percentile.OfSorted(sorted, 0.50)),
		P90:  Millis(percentile.OfSorted(sorted, 0.90)),
		P99:  Millis(percentile.OfSorted(sorted, 0.99)),
		Max:  Millis(sorted[len(sorted)-1]),
	}
}

// Millis is d in milliseconds, to the microsecond.
func Millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// Micros turns microsecond samples, as the benchmark routes report them,
// into durations.
func Micros(us []int64) []time.Duration {
	out := make([]time.Duration, len(us))
	for i, u := range us {
		out[i] = time.Duration(u) * time.Microsecond
	}
	return out
}

// Markdown writes a table: the header, the separator, one line per row.
// Empty cells are written as a dash, so no column looks misaligned.
func Markdown(header []string, rows [][]string) string {
	var b strings.Builder
	line := func(cells []string) {
		out := make([]string, len(cells))
		for i, c := range cells {
			out[i] = c
			if c == "" {
				out[i] = "—"
			}
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(out, " | "))
	}
	line(header)
	b.WriteString("|" + strings.Repeat("---|", len(header)) + "\n")
	for _, r := range rows {
		line(r)
	}
	return b.String()
}
