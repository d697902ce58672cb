// Command kvfake runs this repository's cluster package and the widely used
// one (mattermost-plugin-api v0.0.19's cluster package) on the same KV fake,
// at the same per-call latency, and prints one table of the figures below,
// ours beside the comparator's, marking every target ours misses.
//
// Both implementations take the same number of samples of every workload,
// and which one goes first alternates from workload to workload
// (impls.InOrder); the output says the order used.
//
// Usage: cd bench && go run ./kvfake [-latency 1.4] [-samples 40] [-duration 20s]
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/internal/percentile"
)

func main() {
	latency := flag.Float64("latency", 1.4, "milliseconds per KV call (the measured cost through a real node)")
	samples := flag.Int("samples", 40, "handoff samples for each implementation (a comparator sample takes up to 1.25 s)")
	duration := flag.Duration("duration", 20*time.Second, "length of each 4×2 contention run")
	waitFor := flag.Duration("wait", 10*time.Second, "length of each plain-waiting run")
	flag.Parse()

	t := &table{}
	progress := func(what string) { fmt.Fprintf(os.Stderr, "bench: %s...\n", what) }

	var order []string
	type timed struct {
		t     time.Duration
		calls float64
	}
	o, c := both(0, "uncontended Lock+Unlock", &order, func(im impls.Impl) timed {
		t, calls := uncontended(im, 200, *latency)
		return timed{t, calls}
	})
	oT, oCalls, cT, cCalls := o.t, o.calls, c.t, c.calls
	t.row("Uncontended Lock+Unlock: KV calls", "≤ 3", f1(oCalls), f1(cCalls), oCalls <= 3.0001)
	ratio := float64(oT) / float64(cT)
	t.row("Uncontended Lock+Unlock: time", "≤ 1.5× comparator",
		fmt.Sprintf("%.2f ms (%.2f×)", ms(oT), ratio), fmt.Sprintf("%.2f ms", ms(cT)), ratio <= 1.5)

	oS, cS := both(1, "same-instance handoff", &order, func(im impls.Impl) []time.Duration {
		return handoff(im, *samples, *latency, false, im.Events)
	})
	t.row("Same-instance handoff p50", "≤ 3 ms", msf(percentile.Of(oS, 0.50)), msf(percentile.Of(cS, 0.50)), percentile.Of(oS, 0.50) <= 3*time.Millisecond)
	t.row("Same-instance handoff p99", "", msf(percentile.Of(oS, 0.99)), msf(percentile.Of(cS, 0.99)), true)

	oE, cX := both(2, "cross-instance handoff (events where the implementation has them)", &order, func(im impls.Impl) []time.Duration {
		return handoff(im, *samples, *latency, true, im.Events)
	})
	t.row("Cross-instance handoff p50, with events", "≤ 10 ms", msf(percentile.Of(oE, 0.50)), msf(percentile.Of(cX, 0.50))+" (no events)", percentile.Of(oE, 0.50) <= 10*time.Millisecond)
	t.row("Cross-instance handoff p99, with events", "", msf(percentile.Of(oE, 0.99)), msf(percentile.Of(cX, 0.99))+" (no events)", true)
	progress("cross-instance handoff without events")
	oN := handoff(impls.Ours, *samples, *latency, true, false)
	t.row("Cross-instance handoff p50, without events", "≤ 150 ms", msf(percentile.Of(oN, 0.50)), msf(percentile.Of(cX, 0.50)), percentile.Of(oN, 0.50) <= 150*time.Millisecond)
	t.row("Cross-instance handoff p99, without events", "", msf(percentile.Of(oN, 0.99)), msf(percentile.Of(cX, 0.99)), true)

	type waited struct {
		callsPerSecond float64
		failed         int64
	}
	oW, cW := both(3, "plain waiting (4 goroutines on the waiting instance), no events", &order, func(im impls.Impl) waited {
		calls, failed := plainWaiting(im, 4, *waitFor, *latency, false)
		return waited{calls, failed}
	})
	oWaitN, oFailN, cWait, cFail := oW.callsPerSecond, oW.failed, cW.callsPerSecond, cW.failed
	progress("plain waiting, ours with events")
	oWaitE, oFailE := plainWaiting(impls.Ours, 4, *waitFor, *latency, true)
	t.row("KV calls/s, instance waiting (4 goroutines), no events", "≤ 5", f1(oWaitN), f1(cWait), oWaitN <= 5)
	t.row("KV calls/s, instance waiting (4 goroutines), events", "", f1(oWaitE), f1(cWait)+" (no events)", true)
	perMin := func(n int64) float64 { return float64(n) * 60 / waitFor.Seconds() }
	t.row("Failed inserts per minute of plain waiting, no events", "0", f1(perMin(oFailN)), f1(perMin(cFail)), oFailN == 0)
	t.row("Failed inserts per minute of plain waiting, events", "0", f1(perMin(oFailE)), f1(perMin(cFail))+" (no events)", oFailE == 0)

	oCN, cC := both(4, fmt.Sprintf("4×2 contention, no events, %v each", *duration), &order, func(im impls.Impl) contentionResult {
		return contention(im, 2, 4, *duration, *latency, false)
	})
	progress("4×2 contention, ours with events")
	oC := contention(impls.Ours, 2, 4, *duration, *latency, true)
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

	oG, cG := both(5, "goroutines per held lock", &order, func(im impls.Impl) float64 { return goroutinesPerLock(im, 100) })
	t.row("Goroutines per held lock", "", f2(oG), f2(cG), true)
	oA, cA := both(6, "allocations", &order, func(im impls.Impl) float64 { return allocsPerLockUnlock(im, 2000) })
	t.row("Allocations per Lock+Unlock (fake store's included)", "", f1(oA), f1(cA), true)

	fmt.Printf("KV fake at %.1f ms per call (measured: %.2f ms);\n"+
		"handoff samples: %d per implementation; 4×2 runs of %v; plain waiting %v.\n"+
		"Order of the implementations, alternating by workload:\n%s\n\n",
		*latency, ms(realisedLatency(*latency)), *samples, *duration, *waitFor, strings.Join(order, "\n"))
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

// both runs one workload for the two implementations in the round's order
// (impls.InOrder), notes the order, and returns ours and the comparator's.
func both[T any](round int, what string, order *[]string, run func(impls.Impl) T) (ours, comparator T) {
	var names []string
	for _, im := range impls.InOrder(round) {
		fmt.Fprintf(os.Stderr, "bench: %s: %s...\n", what, im.Name)
		names = append(names, im.Name)
		if im.Name == impls.OursName {
			ours = run(im)
		} else {
			comparator = run(im)
		}
	}
	*order = append(*order, "- "+what+": "+strings.Join(names, " then "))
	return ours, comparator
}
