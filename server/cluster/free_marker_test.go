package cluster

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Locking again what this instance released a moment ago costs one
// compare-and-set from the free marker the release left: no look, no
// insert; the release is one compare-and-set too. Catches a Lock that looks
// (KVGet) or inserts after its own release, and an Unlock that deletes.
func TestRelockReplacesTheFreeMarkerWithOneCall(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	m := NewMutex(ins[0], "relock")
	m.Lock()
	m.Unlock()

	s.ResetStats()
	m.Lock()
	if got := s.Stats(); got.Calls() != 1 || got.Sets != 1 || got.AtomicInserts != 0 || got.FailedCAS != 0 {
		t.Fatalf("Lock after own release made %+v, want one compare-and-set", got)
	}
	s.ResetStats()
	m.Unlock()
	if got := s.Stats(); got.Calls() != 1 || got.Sets != 1 || got.FailedCAS != 0 {
		t.Fatalf("Unlock made %+v, want one compare-and-set", got)
	}
}

// Another instance that finds a free marker takes the lock by
// compare-and-set from it: one look, one update, no insert (an insert
// would meet the marker's live row: a duplicate-key ERROR line in
// PostgreSQL's log). Catches a waiter that reads a marker as a lease, or
// that inserts over it.
func TestAnotherInstanceTakesAFreeMarkerWithoutAnInsert(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(2, false)
	a, b := NewMutex(ins[0], "shared"), NewMutex(ins[1], "shared")
	a.Lock()
	a.Unlock()

	var mu sync.Mutex
	var calls []kvtest.Call
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if c.Instance == ins[1].ID && c.Key == lockKey("shared") {
			mu.Lock()
			calls = append(calls, c)
			mu.Unlock()
		}
		return kvtest.Outcome{}
	})
	s.ResetStats()
	lockWithin(t, b, 5*time.Second)
	s.SetFault(nil)
	defer b.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 2 || calls[0].Op != kvtest.OpGet || calls[1].Op != kvtest.OpSet || calls[1].Options.OldValue == nil {
		var ops []string
		for _, c := range calls {
			ops = append(ops, fmt.Sprintf("%s(from a value: %v)", c.Op, c.Options.OldValue != nil))
		}
		t.Fatalf("taking the released lock made %q, want a look and a compare-and-set from the marker", ops)
	}
	if got := s.Stats(); got.FailedInserts != 0 || got.FailedCAS != 0 {
		t.Fatalf("taking the released lock made %+v: a failed write", got)
	}
}

// Once the store expired the marker, this instance's belief that it is
// stored is wrong: TryLock must still get the free lock (look, then
// insert), not report it held because the compare-and-set from the marker
// failed.
func TestTryLockGetsTheLockAfterItsFreeMarkerLapsed(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	m := NewMutex(ins[0], "lapsed-marker")
	m.Lock()
	m.Unlock()
	s.Advance(freeMarkerSeconds*time.Second + time.Millisecond)

	ok, err := m.TryLock()
	if err != nil || !ok {
		t.Fatalf("TryLock on a free lock whose marker lapsed = %v, %v; want true", ok, err)
	}
	m.Unlock()
}
