// Package percentile is the one nearest-rank percentile of the repository,
// shared by the stress demo and the benchmarks so their figures agree.
package percentile

import (
	"math"
	"sort"
	"time"
)

// Of returns the nearest-rank q-quantile (0 < q ≤ 1) of samples: the
// smallest sample at or above a fraction q of them, so the p99 of fewer
// than 100 samples is their maximum, never an interpolation below it. It
// returns 0 without samples and leaves samples unchanged.
func Of(samples []time.Duration, q float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), samples...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	return OfSorted(sorted, q)
}

// OfSorted is Of over samples already sorted ascending, for callers that
// read several quantiles of one set.
func OfSorted(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q*float64(len(sorted)))) - 1
	if rank < 0 {
		rank = 0
	}
	if rank >= len(sorted) {
		rank = len(sorted) - 1
	}
	return sorted[rank]
}
