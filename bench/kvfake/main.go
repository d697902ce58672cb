// Command kvfake runs this repository's cluster package and the widely used
// one (mattermost-plugin-api v0.0.19's cluster package) on the same KV fake,
// at the same per-call latency, and prints one table of the figures below,
// ours beside the comparator's, marking every target ours misses.
//
// Usage: cd bench && go run ./kvfake [-latency 1.4] [-samples 40] [-duration 20s]
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/internal/percentile"
)

func main() {
	latency := flag.Float64("latency", 1.4, "milliseconds per KV call (the measured cost through a real node)")
	samples := flag.Int("samples", 40, "handoff samples for ours")
	compSamples := flag.Int("comparator-samples", 20, "handoff samples for the comparator (each takes up to 1.25 s)")
	duration := flag.Duration("duration", 20*time.Second, "length of each 4×2 contention run")
	waitFor := flag.Duration("wait", 10*time.Second, "length of each plain-waiting run")
	flag.Parse()

	t := &table{}
	progress := func(what string) { fmt.Fprintf(os.Stderr, "bench: %s...\n", what) }

	progress("uncontended Lock+Unlock")
	oT, oCalls := uncontended(impls.Ours, 200, *latency)
	cT, cCalls := uncontended(impls.Comparator, 200, *latency)
	t.row("Uncontended Lock+Unlock: KV calls", "≤ 3", f1(oCalls), f1(cCalls), oCalls <= 3.0001)
	ratio := float64(oT) / float64(cT)
	t.row("Uncontended Lock+Unlock: time", "≤ 1.5× comparator",
		fmt.Sprintf("%.2f ms (%.2f×)", ms(oT), ratio), fmt.Sprintf("%.2f ms", ms(cT)), ratio <= 1.5)

	progress("same-instance handoff")
	oS := handoff(impls.Ours, *samples, *latency, false, true)
	cS := handoff(impls.Comparator, *compSamples, *latency, false, false)
	t.row("Same-instance handoff p50", "≤ 3 ms", msf(percentile.Of(oS, 0.50)), msf(percentile.Of(cS, 0.50)), percentile.Of(oS, 0.50) <= 3*time.Millisecond)
	t.row("Same-instance handoff p99", "", msf(percentile.Of(oS, 0.99)), msf(percentile.Of(cS, 0.99)), true)

	progress("cross-instance handoff with events")
	oE := handoff(impls.Ours, *samples, *latency, true, true)
	progress("cross-instance handoff (comparator: polling)")
	cX := handoff(impls.Comparator, *compSamples, *latency, true, false)
	t.row("Cross-instance handoff p50, with events", "≤ 10 ms", msf(percentile.Of(oE, 0.50)), msf(percentile.Of(cX, 0.50))+" (no events)", percentile.Of(oE, 0.50) <= 10*time.Millisecond)
	t.row("Cross-instance handoff p99, with events", "", msf(percentile.Of(oE, 0.99)), msf(percentile.Of(cX, 0.99))+" (no events)", true)
	progress("cross-instance handoff without events")
	oN := handoff(impls.Ours, *samples, *latency, true, false)
	t.row("Cross-instance handoff p50, without events", "≤ 150 ms", msf(percentile.Of(oN, 0.50)), msf(percentile.Of(cX, 0.50)), percentile.Of(oN, 0.50) <= 150*time.Millisecond)
	t.row("Cross-instance handoff p99, without events", "", msf(percentile.Of(oN, 0.99)), msf(percentile.Of(cX, 0.99)), true)

	progress("plain waiting (4 goroutines on the waiting instance)")
	oWaitN, oFailN := plainWaiting(impls.Ours, 4, *waitFor, *latency, false)
	oWaitE, oFailE := plainWaiting(impls.Ours, 4, *waitFor, *latency, true)
	cWait, cFail := plainWaiting(impls.Comparator, 4, *waitFor, *latency, false)
	t.row("KV calls/s, instance waiting (4 goroutines), no events", "≤ 5", f1(oWaitN), f1(cWait), oWaitN <= 5)
	t.row("KV calls/s, instance waiting (4 goroutines), events", "", f1(oWaitE), f1(cWait)+" (no events)", true)
	perMin := func(n int64) float64 { return float64(n) * 60 / waitFor.Seconds() }
	t.row("Failed inserts per minute of plain waiting, no events", "0", f1(perMin(oFailN)), f1(perMin(cFail)), oFailN == 0)
	t.row("Failed inserts per minute of plain waiting, events", "0", f1(perMin(oFailE)), f1(perMin(cFail))+" (no events)", oFailE == 0)

	progress(fmt.Sprintf("4×2 contention, %v each", *duration))
	oC := contention(impls.Ours, 2, 4, *duration, *latency, true)
	oCN := contention(impls.Ours, 2, 4, *duration, *latency, false)
	cC := contention(impls.Comparator, 2, 4, *duration, *latency, false)
	thr := func(r contentionResult) string {
		return fmt.Sprintf("%.0f/s", float64(r.acquisitions)/duration.Seconds())
	}
	per100 := func(r contentionResult) float64 {
		if r.acquisitions == 0 {
			return 0
		}
		return float64(r.failedInserts) * 100 / float64(r.acquisitions)
	}
	t.row("4×2 throughput (1 ms critical section), events", "", thr(oC), thr(cC)+" (no events)", true)
	t.row("4×2 throughput, no events", "", thr(oCN), thr(cC), true)
	t.row("4×2 maximum wait, events", "≤ 1 s", msf(oC.maxWait), msf(cC.maxWait)+" (no events)", oC.maxWait <= time.Second)
	t.row("4×2 maximum wait, no events", "≤ 1 s", msf(oCN.maxWait), msf(cC.maxWait), oCN.maxWait <= time.Second)
	t.row("4×2 least acquisitions by one goroutine, events", "", fmt.Sprint(minOf(oC.perGoroutine)), fmt.Sprint(minOf(cC.perGoroutine))+" (no events)", true)
	t.row("Failed inserts per 100 acquisitions (4×2), events", "≤ 1", f2(per100(oC)), f2(per100(cC))+" (no events)", per100(oC) <= 1)
	t.row("Failed inserts per 100 acquisitions (4×2), no events", "≤ 1", f2(per100(oCN)), f2(per100(cC)), per100(oCN) <= 1)
	t.row("Overlaps (two holders at once), all 4×2 runs", "0", fmt.Sprint(oC.overlaps+oCN.overlaps), fmt.Sprint(cC.overlaps), oC.overlaps+oCN.overlaps == 0)

	progress("goroutines and allocations")
	t.row("Goroutines per held lock", "", f2(goroutinesPerLock(impls.Ours, 100)), f2(goroutinesPerLock(impls.Comparator, 100)), true)
	t.row("Allocations per Lock+Unlock (fake store's included)", "", f1(allocsPerLockUnlock(impls.Ours, 2000)), f1(allocsPerLockUnlock(impls.Comparator, 2000)), true)

	fmt.Printf("KV fake at %.1f ms per call (measured: %.2f ms);\n"+
		"handoff samples: ours %d, comparator %d; 4×2 runs of %v; plain waiting %v.\n\n",
		*latency, ms(realisedLatency(*latency)), *samples, *compSamples, *duration, *waitFor)
	t.print(os.Stdout)
	if t.missed > 0 {
		fmt.Printf("\n%d target(s) MISSED.\n", t.missed)
	} else {
		fmt.Printf("\nAll targets met.\n")
	}
}

func f1(v float64) string        { return fmt.Sprintf("%.1f", v) }
func f2(v float64) string        { return fmt.Sprintf("%.2f", v) }
func msf(d time.Duration) string { return fmt.Sprintf("%.1f ms", ms(d)) }
func minOf(xs []int64) (m int64) {
	for i, x := range xs {
		if i == 0 || x < m {
			m = x
		}
	}
	return m
}
