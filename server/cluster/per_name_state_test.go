package cluster

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// idleWindow is the longest a name's keys may stay in the store once the
// name is idle: a day, plus a minute for the counter writes' own latency.
// The package documents its own window, which must not exceed it.
const idleWindow = 24*time.Hour + time.Minute

// perNameNames is how many distinct names a plugin locking per user, per
// channel or per post uses in the scenario the package must survive.
const perNameNames = 100000

// perNameHeapSlack is how much of the plugin's heap may remain once those
// names are idle.
const perNameHeapSlack = 5 << 20

func heapNow() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// 100,000 names, each locked and unlocked once, leave neither heap nor
// keys behind once idle: the heap returns to within 5 MB of where it
// started, and after the idle window (the store's clock advanced, the
// server's daily job run) no row for them remains — fencing counters
// included. KnownLocks keeps at most a bounded list of recent names. An
// implementation that keeps a queue or a counter key per name ever used
// fails on the heap (the fake's table counts: it is in this process) or on
// the rows.
//
// The heap is the whole process's, so the test measures it in a process of
// its own (this test binary, run for this test alone): there no other test
// allocates or frees while it measures, and the other tests, which mostly
// sleep, run meanwhile instead of waiting for its 100,000 acquisitions.
func TestPerNameStateEndsOnceIdle(t *testing.T) {
	slowTest(t)
	if os.Getenv(ownProcessEnv) == "" {
		t.Parallel()
		runInOwnProcess(t, true)
		return
	}
	s, ins := newCluster(1, true)
	in := ins[0]
	// The package's per-instance state exists before the measurement.
	warm := NewMutex(in, "warm-up")
	warm.Lock()
	warm.Unlock()
	s.Advance(idleWindow)
	s.DeleteAllExpired()
	rowsBefore := s.Rows()
	heapBefore := heapNow()

	start := time.Now()
	for i := 0; i < perNameNames; i++ {
		m := NewMutex(in, fmt.Sprintf("user-%d", i))
		m.Lock()
		m.Unlock()
	}
	t.Logf("%d names locked and unlocked in %v", perNameNames, time.Since(start).Round(time.Millisecond))

	s.Advance(idleWindow)
	s.DeleteAllExpired()
	if rows := s.Rows(); rows > rowsBefore {
		var left []string
		for _, k := range s.Keys() {
			if strings.Contains(k, "user-") && len(left) < 3 {
				left = append(left, k)
			}
		}
		t.Errorf("%d rows remain after the idle window, %d before (live ones such as %v)", rows, rowsBefore, left)
	}
	// Idle state may be dropped by a timer: give it a few seconds.
	var grown int64
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if grown = int64(heapNow()) - int64(heapBefore); grown <= perNameHeapSlack {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("the heap is %d KB above where it started once the names are idle (allowed %d KB)", grown/1024, perNameHeapSlack/1024)
			break
		}
	}
	if n := len(KnownLocks(in)); n > perNameNames/10 {
		t.Errorf("KnownLocks lists %d names: not a bounded list of recent ones", n)
	}
	t.Logf("heap grew by %d KB", grown/1024)
}

// Fencing tokens of a name never go backwards, also after its counter key
// expired and the server's daily job deleted it.
func TestFencingTokensNeverGoBackAfterTheCounterExpires(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(2, true)
	const name = "expiring-counter"
	var last uint64
	for round := 0; round < 3; round++ {
		for _, in := range ins {
			m := NewMutex(in, name)
			m.Lock()
			l, _ := m.Lease()
			m.Unlock()
			if l.FencingToken <= last {
				t.Fatalf("round %d on %s: token %d after %d", round, in.ID, l.FencingToken, last)
			}
			last = l.FencingToken
		}
		s.Advance(idleWindow)
		s.DeleteAllExpired()
		time.Sleep(10 * time.Millisecond) // tokens may be made from the node clock
	}
}
