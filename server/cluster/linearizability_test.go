package cluster

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

var seedFlag = flag.Int64("seed", 0, "seed for randomized cluster tests (0: from CLUSTER_TEST_SEED or the clock)")

func testSeed() int64 {
	if *seedFlag != 0 {
		return *seedFlag
	}
	if v, err := strconv.ParseInt(os.Getenv("CLUSTER_TEST_SEED"), 10, 64); err == nil && v != 0 {
		return v
	}
	return time.Now().UnixNano()
}

// The model: a mutex whose lease can lapse. A lapse frees the lock and
// leaves the lapsed holder believing it holds it until it unlocks; that is
// the only way two clients may both think they hold it. Porcupine checks the
// history is explained by this model, i.e. no two clients ever hold the lock
// while both leases are valid.
type opKind int

const (
	opLock opKind = iota
	opTryLock
	opUnlock
	opLapse
)

type lockInput struct {
	kind   opKind
	client int // for opLapse, the client whose lease lapsed, -1 if nobody's
}

type lockModelState struct {
	holder int    // -1 when free
	lapsed uint64 // bit per client holding a lapsed lease
}

var lockModel = porcupine.Model{
	Init: func() interface{} { return lockModelState{holder: -1} },
	Step: func(state, input, output interface{}) (bool, interface{}) {
		st := state.(lockModelState)
		in := input.(lockInput)
		switch in.kind {
		case opLock, opTryLock:
			if !output.(bool) {
				return true, st // gave up, failed, or TryLock saw it held
			}
			if st.holder != -1 {
				return false, st
			}
			st.holder = in.client
			return true, st
		case opUnlock:
			if st.holder == in.client {
				st.holder = -1
				return true, st
			}
			if st.lapsed&(1<<uint(in.client)) != 0 {
				st.lapsed &^= 1 << uint(in.client)
				return true, st
			}
			return false, st
		case opLapse:
			if in.client == -1 {
				return true, st // a lease nobody was given (an orphan, or in flight to a cancelled waiter)
			}
			if st.holder != in.client {
				// A lease its client already gave up on: a release that
				// failed leaves it to lapse. Lapsing frees nothing then.
				return true, st
			}
			st.holder = -1
			st.lapsed |= 1 << uint(in.client)
			return true, st
		}
		return false, st
	},
	Equal: func(a, b interface{}) bool { return a.(lockModelState) == b.(lockModelState) },
	DescribeOperation: func(input, output interface{}) string {
		in := input.(lockInput)
		names := []string{"Lock", "TryLock", "Unlock", "Lapse"}
		return fmt.Sprintf("%s(c%d) -> %v", names[in.kind], in.client, output)
	},
}

// Randomized histories of Lock / TryLock / Unlock by several goroutines on
// several instances, under injected errors (some applied despite the
// error), per-instance latency and injected lease lapses, checked for
// linearizability against the model above.
//
// The runs share the fast poll timings they set, so they are subtests of one
// test, run side by side (each on its own store and lock name) in a process
// of their own: the timings are the package's, and no other test should run
// with them.
func TestLinearizability(t *testing.T) {
	slowTest(t)
	if os.Getenv(ownProcessEnv) == "" {
		t.Parallel()
		runInOwnProcess(t, false)
		return
	}
	fast := defaultTimings
	fast.pollWithoutEvents, fast.pollWithEvents = 2*time.Millisecond, 5*time.Millisecond
	currentTimings.Store(&fast)
	t.Cleanup(func() { currentTimings.Store(&defaultTimings) }) // after every subtest

	for _, run := range []linearizabilityRun{
		// The default TTL: no refresh happens.
		{name: "lin", duration: 2500 * time.Millisecond, lapseEvery: 25 * time.Millisecond, minAcquisitions: 40},
		// Short leases refreshed under errors and under partitions (an
		// instance cut off from the store for a while, so its refreshes fail
		// until its lease lapses on its own). A holder's lease counts as
		// valid until the deadline it was told it is lost at; after that
		// another holder is allowed.
		{name: "linr", duration: 5 * time.Second, ttl: time.Second, partitions: true,
			lapseEvery: 400 * time.Millisecond, minAcquisitions: 10},
		// The first run in a licensed HA cluster (see licensedHA). Waiters
		// that read a stale replica wait longer, so the run is longer and
		// fewer acquisitions make a history worth checking (22 to 80 were
		// seen in 2.5 s).
		{name: "linha", duration: 4 * time.Second, lapseEvery: 25 * time.Millisecond, minAcquisitions: 20, setup: licensedHA},
		// Refreshes and partitions in a licensed HA cluster.
		{name: "linhar", duration: 5 * time.Second, ttl: time.Second, partitions: true,
			lapseEvery: 400 * time.Millisecond, minAcquisitions: 10, setup: licensedHA},
	} {
		run := run
		t.Run(run.name, func(t *testing.T) {
			t.Parallel()
			checkLinearizable(t, run)
		})
	}
}

type linearizabilityRun struct {
	name       string
	duration   time.Duration
	ttl        time.Duration // zero: the default
	partitions bool
	lapseEvery time.Duration // mean time between injected lapses
	// minAcquisitions: fewer makes the history too thin to mean anything.
	minAcquisitions int
	// setup, when set, changes the cluster before the run (replicas,
	// events, clocks).
	setup func(s *kvtest.Store, ins []*kvtest.Instance)
}

func checkLinearizable(t *testing.T, run linearizabilityRun) {
	seed := testSeed()
	top, _, _ := strings.Cut(t.Name(), "/")
	t.Logf("seed %d (replay the fault schedule: go test ./server/cluster -run '%s$' -args -seed %d)", seed, top, seed)
	rng := rand.New(rand.NewSource(seed))
	var rngMu sync.Mutex
	rnd := func(n int) int {
		rngMu.Lock()
		defer rngMu.Unlock()
		return rng.Intn(n)
	}

	// Waiters look often, so a stale holder's mistake would be seen.
	s, ins := newCluster(3, false)
	for i, in := range ins {
		in := in
		if i < 2 { // two instances have their event hook wired, one has not
			in.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { HandleClusterEvent(in, ev) })
		}
		in.SetLatency(time.Duration(rnd(2000)) * time.Microsecond)
		SetNode(in, Node{ID: in.ID, Name: in.ID})
	}
	if run.setup != nil {
		run.setup(s, ins)
	}
	key := lockKey(run.name)
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if rnd(100) < 5 {
			return kvtest.Outcome{Err: kvtest.InjectedError("linearizability"), Applied: rnd(2) == 0}
		}
		return kvtest.Outcome{}
	})

	start := time.Now()
	ts := func() int64 { return int64(time.Since(start)) }
	var histMu sync.Mutex
	var history []porcupine.Operation
	record := func(client int, in lockInput, out interface{}, call, ret int64) {
		histMu.Lock()
		history = append(history, porcupine.Operation{ClientId: client, Input: in, Output: out, Call: call, Return: ret})
		histMu.Unlock()
	}
	owners := map[string]int{} // lease nonce -> client
	type grant struct {
		client int
		h      *holding
	}
	var grants []grant
	var ownersMu sync.Mutex

	deadline := time.Now().Add(run.duration)
	var wg sync.WaitGroup
	// One, two and three clients on the three instances: a lone client
	// releases through the store, the others also hand off locally.
	instanceOf := []int{0, 1, 1, 2, 2, 2}
	clients := len(instanceOf)
	for c := 0; c < clients; c++ {
		c := c
		m := NewMutexWithConfig(ins[instanceOf[c]], run.name, MutexConfig{TTL: run.ttl})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				kind := opLock
				if rnd(10) < 4 {
					kind = opTryLock
				}
				call := ts()
				var got bool
				if kind == opLock {
					ctx, cancel := context.WithTimeout(context.Background(), time.Duration(50+rnd(300))*time.Millisecond)
					got = m.LockWithContext(ctx) == nil
					cancel()
				} else {
					got, _ = m.TryLock()
				}
				if got {
					m.mu.Lock()
					h := m.held
					m.mu.Unlock()
					ownersMu.Lock()
					owners[h.record().Nonce] = c
					grants = append(grants, grant{c, h})
					ownersMu.Unlock()
				}
				record(c, lockInput{kind: kind, client: c}, got, call, ts())
				if !got {
					time.Sleep(time.Duration(rnd(3)) * time.Millisecond)
					continue
				}
				hold := time.Duration(2000+rnd(25000)) * time.Microsecond
				if run.ttl > 0 && rnd(10) < 3 {
					hold = run.ttl/2 + time.Duration(rnd(int(run.ttl))) // across refreshes
				}
				time.Sleep(hold)
				call = ts()
				m.Unlock()
				record(c, lockInput{kind: opUnlock, client: c}, nil, call, ts())
			}
		}()
	}

	// The lapse injector: expire whatever lease is stored, now and then.
	type lapse struct {
		value     []byte
		call, ret int64
	}
	var lapses []lapse
	wg.Add(1)
	go func() {
		defer wg.Done()
		for time.Now().Before(deadline) {
			time.Sleep(run.lapseEvery*2/5 + time.Duration(rnd(int(run.lapseEvery*6/5))))
			call := ts()
			v, ok := s.ExpireNow(key)
			if ok {
				lapses = append(lapses, lapse{v, call, ts()})
			}
		}
	}()
	// The partitioner: now and then one instance loses the store for long
	// enough that its lease lapses.
	if run.partitions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				time.Sleep(time.Duration(300+rnd(600)) * time.Millisecond)
				// Usually cut off the current holder's node.
				in := ins[rnd(len(ins))]
				if v, ok := s.Value(key); ok && rnd(4) > 0 {
					if rec, err := decodeRecord(v); err == nil {
						for _, cand := range ins {
							if cand.ID == rec.Node.ID {
								in = cand
							}
						}
					}
				}
				in.SetDown(true)
				time.Sleep(run.ttl/2 + time.Duration(rnd(int(run.ttl*3/4))))
				in.SetDown(false)
			}
		}()
	}
	wg.Wait()
	s.SetFault(nil)

	for _, l := range lapses {
		client := -1
		if rec, err := decodeRecord(l.value); err == nil {
			ownersMu.Lock()
			if c, ok := owners[rec.Nonce]; ok {
				client = c
			}
			ownersMu.Unlock()
		}
		history = append(history, porcupine.Operation{ClientId: clients, Input: lockInput{kind: opLapse, client: client}, Call: l.call, Return: l.ret})
	}
	// A lease its holder was told it lost at its deadline counts as lapsed
	// from that deadline on: the store cannot expire it earlier (same clock
	// here), and from then on the holder knows.
	deadlineLapses := 0
	for _, g := range grants {
		g.h.state.Lock()
		byDeadline, at := g.h.lostByDeadline, g.h.validUntil
		g.h.state.Unlock()
		if byDeadline {
			deadlineLapses++
			p := int64(at.Sub(start))
			history = append(history, porcupine.Operation{ClientId: clients, Input: lockInput{kind: opLapse, client: g.client}, Call: p, Return: p})
		}
	}

	acquired := 0
	for _, op := range history {
		if in := op.Input.(lockInput); (in.kind == opLock || in.kind == opTryLock) && op.Output.(bool) {
			acquired++
		}
	}
	if acquired < run.minAcquisitions {
		t.Fatalf("only %d acquisitions: the history is too thin to check (seed %d)", acquired, seed)
	}
	res := porcupine.CheckOperationsTimeout(lockModel, history, 30*time.Second)
	switch res {
	case porcupine.Illegal:
		t.Fatalf("history of %d operations (%d acquisitions, %d injected lapses, %d deadline losses) is not linearizable; seed %d",
			len(history), acquired, len(lapses), deadlineLapses, seed)
	case porcupine.Unknown:
		t.Fatalf("linearizability check timed out on %d operations; seed %d", len(history), seed)
	}
	t.Logf("%d operations, %d acquisitions, %d injected lapses, %d deadline losses: linearizable; store %+v",
		len(history), acquired, len(lapses), deadlineLapses, s.Stats())
}
