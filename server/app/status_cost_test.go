package app

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// useLocks makes known names known to n through the cluster package, the
// first held of them held until the test ends.
func useLocks(tb testing.TB, n *testNode, known, held int) {
	tb.Helper()
	for i := 0; i < known; i++ {
		m := cluster.NewMutex(n.api, fmt.Sprintf("cost-%04d", i))
		m.Lock()
		if i >= held {
			m.Unlock()
			continue
		}
		tb.Cleanup(m.Unlock)
	}
}

// Polls answered within the bound cost no KV call, however many locks: an
// open panel's cost is the refresher's, not its polls'. Catches a status
// that reads the store per request.
func TestPollsWithinTheBoundMakeNoKVCall(t *testing.T) {
	store := kvtest.NewStore()
	clock := newManualClock()
	n := startNodeWithClock(t, store, "node-a", clock)
	useLocks(t, n, 50, 10)
	statusOf(t, n)
	store.ResetStats()
	for i := 0; i < 10; i++ {
		clock.Advance(StatusMaxAge / 10)
		statusOf(t, n)
	}
	if calls := store.Stats().Calls(); calls != 0 {
		t.Fatalf("%d KV calls for polls within the bound, want 0", calls)
	}
}

// BenchmarkIdlePanelKVCalls reports what an open panel costs a node in KV
// calls: one full read per statusRefreshEvery while the panel polls, its
// polls answered from memory. Run with -benchtime=1x.
//
// Idle is once the released names' free markers lapsed (a second after
// their release): a name released in the last second is listed, and costs
// a read per refresh, like a held one. The "just released" case shows that
// second.
func BenchmarkIdlePanelKVCalls(b *testing.B) {
	for _, size := range []struct {
		known, held  int
		justReleased bool
	}{{1, 1, false}, {1000, 100, false}, {1000, 100, true}} {
		name := fmt.Sprintf("locks=%d,held=%d", size.known, size.held)
		if size.justReleased {
			name += ",900-released-just-now"
		}
		b.Run(name, func(b *testing.B) {
			store := kvtest.NewStore()
			n := startNode(b, store, "node-a", quietConfig())
			useLocks(b, n, size.known, size.held)
			if !size.justReleased {
				store.Advance(2 * time.Second) // the free markers lapse
			}
			b.ResetTimer()
			var calls int64
			for i := 0; i < b.N; i++ {
				store.ResetStats()
				if err := n.app.status.refresh(); err != nil {
					b.Fatal(err)
				}
				calls += store.Stats().Calls()
			}
			perRefresh := float64(calls) / float64(b.N)
			b.ReportMetric(perRefresh, "kvcalls/refresh")
			b.ReportMetric(perRefresh/statusRefreshEvery.Seconds(), "kvcalls/s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// kvCallLatency is a KV call's round trip as the last real-node run
// measured it (KVGet p50), for benchmarks that stand in for real nodes.
const kvCallLatency = 550 * time.Microsecond

// BenchmarkStatus compares an answer from the cache with the full read from
// the store that every request made before the cache (and that the
// refresher now makes once a second), with each KV call taking
// kvCallLatency. In process: the HTTP, RPC and JSON legs are not in it.
func BenchmarkStatus(b *testing.B) {
	for _, size := range []struct{ known, held int }{{50, 50}, {1000, 100}} {
		store := kvtest.NewStore()
		n := startNode(b, store, "node-a", quietConfig())
		useLocks(b, n, size.known, size.held)
		store.SetLatency(kvCallLatency)
		store.SetPreciseLatency(true)
		name := fmt.Sprintf("locks=%d,held=%d", size.known, size.held)
		b.Run(name+"/cached", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := n.app.Status(); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/read", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := n.app.readStatus(nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
