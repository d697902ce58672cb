package cluster

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// writeFailureRate is the share of KV writes that fail in the scenario
// tokens must survive; some of the failures take effect before the error
// is returned.
const writeFailureRate = 0.12

// With 12% of KV writes failing, fewer than 1 acquisition in 1,000 is
// unfenced (token 0): the package retries the counter within the lease's
// deadline instead of giving up after one error. Tokens of a name also
// keep growing across its acquisitions, errors or not.
//
// Releases (the compare-and-sets that store a free marker, and
// compare-and-deletes) are spared: a failed release only leaves a lease to
// lapse, which costs a TTL of waiting and nothing in tokens.
// Ten names run side by side so that error backoffs overlap.
func TestTokensUnderWriteErrors(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly waits out error backoffs; it touches no package state
	s, ins := newCluster(2, true)
	seed := testSeed()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	var rngMu sync.Mutex
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if _, release := isFreeMarker(c.Value); c.Op != kvtest.OpSet || (c.Value == nil && c.Options.Atomic) || release {
			return kvtest.Outcome{}
		}
		rngMu.Lock()
		defer rngMu.Unlock()
		if rng.Float64() < writeFailureRate {
			return kvtest.Outcome{Err: kvtest.InjectedError("tokens"), Applied: rng.Intn(4) == 0}
		}
		return kvtest.Outcome{}
	})
	const names, perInstance = 10, 150 // 3,000 acquisitions: "fewer than 1 in 1,000" allows 2
	total := names * len(ins) * perInstance
	var mu sync.Mutex
	tokens := map[string][]uint64{}
	unfenced := 0
	var wg sync.WaitGroup
	for n := 0; n < names; n++ {
		name := fmt.Sprintf("tokens-%d", n)
		for _, in := range ins {
			m := NewMutex(in, name)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perInstance; i++ {
					m.Lock()
					l, _ := m.Lease()
					mu.Lock() // under the cluster lock: this is the name's acquisition order
					if l.FencingToken == 0 {
						unfenced++
					} else {
						tokens[name] = append(tokens[name], l.FencingToken)
					}
					mu.Unlock()
					m.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	s.SetFault(nil)
	if limit := (total - 1) / 1000; unfenced > limit {
		t.Errorf("%d of %d acquisitions unfenced, want at most %d", unfenced, total, limit)
	}
	for name, ts := range tokens {
		for i := 1; i < len(ts); i++ {
			if ts[i] <= ts[i-1] {
				t.Errorf("%s: token %d came after %d", name, ts[i], ts[i-1])
				break
			}
		}
	}
}
