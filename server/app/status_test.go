package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// statusFixture is a cluster with something of every kind the status answer
// lists, and an answering application that is built but not started, so that its
// KV instance carries the status request's calls and nothing else (no
// heartbeat, no stress poll).
type statusFixture struct {
	store   *kvtest.Store
	api     *apptest.FakeAPI
	app     *App
	demo    int // demo locks held on another node
	held    int // other locks held through the answering node's API
	nodes   int // node records
	results int // stress results of the last run
}

func newStatusFixture(t *testing.T) *statusFixture {
	t.Helper()
	f := &statusFixture{store: kvtest.NewStore(), demo: 20, held: 10, results: 2}
	other := startNode(t, f.store, "node-b", quietConfig())
	startNode(t, f.store, "node-c", quietConfig())
	f.api = apptest.NewFakeAPI(f.store)
	f.app = New(testOptions(f.api, "node-a", quietConfig()))
	if err := f.app.nodes.beat(); err != nil {
		t.Fatal(err)
	}
	f.nodes = 3
	for i := 0; i < f.demo; i++ {
		if _, err := other.app.AcquireLock(apptest.AdminUser, fmt.Sprintf("demo-%02d", i), time.Minute, 0); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < f.held; i++ {
		m := cluster.NewMutex(f.api, fmt.Sprintf("held-%02d", i))
		if ok, err := m.TryLock(); !ok || err != nil {
			t.Fatalf("TryLock: %v %v", ok, err)
		}
		// Lease waits for the fencing counter's move, so that write is not
		// counted with the status request's calls.
		m.Lease()
		t.Cleanup(m.Unlock)
	}
	now := time.Now()
	run := stressRun{ID: "run1", Seconds: 1, StartedAt: now.Add(-time.Minute), EndsAt: now.Add(-time.Minute + time.Second), StartedBy: "admin"}
	if err := kvSetJSON(f.api, stressRunKey, run, 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < f.results; i++ {
		res := stressNodeResult{RunID: run.ID, NodeID: fmt.Sprint(i), NodeName: fmt.Sprintf("node-%d", i), Acquisitions: 3, Handoffs: []int64{1000, 2000}, Seen: 2, SumUS: 3000, MaxUS: 2000}
		if err := kvSetJSON(f.api, stressResultPrefix+fmt.Sprint(i), res, stressResultTTL); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// locksListed is how many locks the status answer lists: the demo locks,
// the demo jobs' locks, the stress lock and the locks held here.
func (f *statusFixture) locksListed() int {
	return f.demo + len(DemoJobNames) + 1 + f.held
}

// The status answer reads every key it shows once, lists the keys once,
// writes nothing, and does its reads in parallel: with every KV call taking
// statusTestLatency, it finishes within a few round trips, not one per item.
func TestStatusReadsEachKeyOnceInFewRoundTrips(t *testing.T) {
	f := newStatusFixture(t)

	const statusTestLatency = 5 * time.Millisecond
	f.api.SetLatency(statusTestLatency)
	f.store.ResetStats()
	start := time.Now()
	st, err := f.app.Status()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	calls := f.api.Stats()
	t.Logf("status: %v, %d gets, %d lists, %d sets (%.1f round trips of %v)", elapsed, calls.Gets, calls.Lists, calls.Sets, float64(elapsed)/float64(statusTestLatency), statusTestLatency)

	// The answer is complete.
	if len(st.Nodes) != f.nodes {
		t.Errorf("%d nodes, want %d", len(st.Nodes), f.nodes)
	}
	if len(st.Locks) != f.locksListed() {
		t.Errorf("%d locks, want %d", len(st.Locks), f.locksListed())
	}
	heldDemo := 0
	for _, l := range st.Locks {
		if l.Kind == LockDemo && l.Held {
			heldDemo++
		}
	}
	if heldDemo != f.demo {
		t.Errorf("%d demo locks held, want %d", heldDemo, f.demo)
	}
	if len(st.Jobs) != len(DemoJobNames) {
		t.Errorf("%d jobs, want %d", len(st.Jobs), len(DemoJobNames))
	}
	if st.Stress == nil || st.Stress.Acquisitions["node-0"] != 3 || st.Stress.Handoffs == 0 {
		t.Errorf("stress results missing: %+v", st.Stress)
	}

	// Each key once: a node record, a demo lock record and a stress result
	// per item, a lock state per lock with a lease stored (the held ones:
	// the listing shows every other lock free without a read), a job
	// record and a run request per job, the stress run; one listing serves
	// nodes, demo locks, lock states and stress results.
	wantGets := int64(f.nodes + f.demo + f.results + f.demo + f.held + 2*len(DemoJobNames) + 1)
	if calls.Gets != wantGets || calls.Lists != 1 || calls.Sets != 0 || calls.Deletes != 0 {
		t.Errorf("KV calls: %d gets (want %d), %d lists (want 1), %d sets, %d deletes (want none)", calls.Gets, wantGets, calls.Lists, calls.Sets, calls.Deletes)
	}

	// The design's round trips: the longest chain of reads that depend on
	// each other is three (list the keys, read a demo lock record to learn
	// its name, read that lock's state); on top of it, with at most
	// statusReadParallelism calls in flight, all calls take at most
	// ceil(calls/statusReadParallelism) more rounds. Three times that is
	// the bound, for slow timers and the race detector on a busy machine;
	// reading the items one after the other would take over 60 rounds.
	total := int(calls.Gets + calls.Lists)
	rounds := 3 + (total+statusReadParallelism-1)/statusReadParallelism
	bound := 3 * time.Duration(rounds) * statusTestLatency
	if elapsed > bound {
		t.Errorf("status took %v for %d calls of %v; designed for %d round trips, bound %v", elapsed, total, statusTestLatency, rounds, bound)
	}
}

// A KV failure in any part of the status answer fails the whole answer.
func TestStatusFailsWhenAnyReadFails(t *testing.T) {
	f := newStatusFixture(t)
	for _, what := range []struct {
		name string
		fail func(kvtest.Call) bool
	}{
		// First: once a read gets a demo lock record's name, its key is
		// not read again.
		{"demo lock record", func(c kvtest.Call) bool { return c.Op == kvtest.OpGet && c.Key == demoLockKey("demo-07") }},
		{"listing", func(c kvtest.Call) bool { return c.Op == kvtest.OpList }},
		{"node record", func(c kvtest.Call) bool {
			return c.Op == kvtest.OpGet && len(c.Key) > len(nodeKeyPrefix) && c.Key[:len(nodeKeyPrefix)] == nodeKeyPrefix
		}},
		{"stress run", func(c kvtest.Call) bool { return c.Op == kvtest.OpGet && c.Key == stressRunKey }},
		{"stress result", func(c kvtest.Call) bool { return c.Op == kvtest.OpGet && c.Key == stressResultPrefix+"1" }},
		{"any read", func(c kvtest.Call) bool { return c.Op == kvtest.OpGet }},
	} {
		t.Run(what.name, func(t *testing.T) {
			f.store.SetFault(func(c kvtest.Call) kvtest.Outcome {
				if c.Instance == f.api.ID && what.fail(c) {
					return kvtest.Outcome{Err: kvtest.InjectedError("status test")}
				}
				return kvtest.Outcome{}
			})
			defer f.store.SetFault(nil)
			if _, err := f.app.Status(); err == nil || !strings.Contains(err.Error(), "injected failure") {
				t.Errorf("status answered with error %v, want the injected one", err)
			}
		})
	}
	// And with the store healthy again, the answer is whole.
	if _, err := f.app.Status(); err != nil {
		t.Fatal(err)
	}
}
