package percentile_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/internal/percentile"
)

// Nearest rank, not interpolation: an implementation that interpolates
// gives 50.5 ms for the p50 of 1..100 ms, and one that rounds the rank
// down gives 98 ms for the p99.
func TestNearestRank(t *testing.T) {
	var samples []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		samples = append(samples, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 50 * time.Millisecond}, {0.9, 90 * time.Millisecond}, {0.99, 99 * time.Millisecond}, {1, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile.Of(samples, c.q); got != c.want {
			t.Errorf("q %v: %v, want %v", c.q, got, c.want)
		}
	}
	if samples[0] != 100*time.Millisecond {
		t.Error("Of sorted the caller's samples")
	}
	// Fewer samples than 1/(1-q): the p99 is the maximum.
	if got := percentile.Of(samples[:60], 0.99); got != 100*time.Millisecond {
		t.Errorf("p99 of 60 samples: %v, want their maximum", got)
	}
	if got := percentile.Of(nil, 0.5); got != 0 {
		t.Errorf("no samples: %v", got)
	}
}

func ExampleOf() {
	samples := []time.Duration{3 * time.Millisecond, 1 * time.Millisecond, 2 * time.Millisecond}
	fmt.Println(percentile.Of(samples, 0.5), percentile.Of(samples, 0.99))
	// Output: 2ms 3ms
}
