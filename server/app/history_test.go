package app

import (
	"fmt"
	"testing"
	"time"
)

func leaseSeen(name, node string, token uint64, from, at time.Time) Lock {
	return Lock{Name: name, Kind: LockDemo, Held: true, HolderID: node, HolderName: node,
		AcquiredAt: from, ExpiresAt: at.Add(time.Minute), FencingToken: token, ObservedAt: at}
}

func freeSeen(name string, at time.Time) Lock {
	return Lock{Name: name, Kind: LockDemo, ObservedAt: at}
}

func aliveNode(id string, started, at time.Time) Node {
	return Node{ID: id, Name: id, StartedAt: started, LastSeenAt: at, Alive: true}
}

// Take on n1, release, take on n2: two holds on the lock's lane, each with
// its holder and token, the first ended by the release. Catches a history
// that keys holds by lock only (one bar) or loses the release.
func TestHistoryShowsALockMovingBetweenNodes(t *testing.T) {
	clock := newManualClock()
	h := newHistory(clock.Now)
	t0 := clock.Now()
	h.observe(t0, []Lock{leaseSeen("demo", "n1", 7, t0, t0)}, nil)
	clock.Advance(time.Second)
	h.observe(clock.Now(), []Lock{freeSeen("demo", clock.Now())}, nil)
	released := clock.Now()
	clock.Advance(time.Second)
	h.observe(clock.Now(), []Lock{leaseSeen("demo", "n2", 8, clock.Now(), clock.Now())}, nil)
	// The same lease seen again changes nothing.
	clock.Advance(time.Second)
	h.observe(clock.Now(), []Lock{leaseSeen("demo", "n2", 8, released.Add(time.Second), clock.Now())}, nil)

	holds := h.timeline().Holds
	if len(holds) != 2 {
		t.Fatalf("holds %+v, want 2", holds)
	}
	if holds[0].HolderID != "n1" || holds[0].FencingToken != 7 || !holds[0].To.Equal(released) || holds[0].EndedBy != HoldReleased {
		t.Errorf("first hold %+v", holds[0])
	}
	if holds[1].HolderID != "n2" || holds[1].FencingToken != 8 || !holds[1].To.IsZero() {
		t.Errorf("second hold %+v", holds[1])
	}
}

// A lease taken over between two observations ends the previous hold when
// the new one began. Catches a history that merges the two holders.
func TestHistoryEndsAHoldTakenOverBetweenObservations(t *testing.T) {
	clock := newManualClock()
	h := newHistory(clock.Now)
	t0 := clock.Now()
	h.observe(t0, []Lock{leaseSeen("demo", "n1", 1, t0, t0)}, nil)
	clock.Advance(2 * time.Second)
	h.observe(clock.Now(), []Lock{leaseSeen("demo", "n2", 2, t0.Add(time.Second), clock.Now())}, nil)
	holds := h.timeline().Holds
	if len(holds) != 2 || holds[0].EndedBy != HoldTaken || !holds[0].To.Equal(t0.Add(time.Second)) {
		t.Fatalf("holds %+v", holds)
	}
}

// An observation that arrives after a newer one (a full read begun before
// this node's own release) does not reopen the hold.
func TestHistoryIgnoresAnOlderObservationArrivingLate(t *testing.T) {
	clock := newManualClock()
	h := newHistory(clock.Now)
	t0 := clock.Now()
	h.observe(t0, []Lock{leaseSeen("demo", "n1", 1, t0, t0)}, nil)
	h.observe(t0.Add(2*time.Second), []Lock{freeSeen("demo", t0.Add(2*time.Second))}, nil)
	h.observe(t0.Add(time.Second), []Lock{leaseSeen("demo", "n1", 1, t0, t0.Add(time.Second))}, nil)
	holds := h.timeline().Holds
	if len(holds) != 1 || holds[0].To.IsZero() {
		t.Fatalf("holds %+v, want the one hold, ended", holds)
	}
}

// A node whose heartbeat is lost gets a death marker and its holds end,
// though its lease stays in the store until it lapses; a node that appears
// gets a join marker and a new start a restart marker. Catches bars that
// run on past a kill -9.
func TestHistoryMarksNodesAndEndsADeadNodesHolds(t *testing.T) {
	clock := newManualClock()
	h := newHistory(clock.Now)
	t0 := clock.Now()
	h.observe(t0, []Lock{leaseSeen("demo", "n2", 3, t0, t0)}, []Node{aliveNode("n1", t0, t0), aliveNode("n2", t0, t0)})
	clock.Advance(time.Second)
	h.observe(clock.Now(), nil, []Node{aliveNode("n1", t0, clock.Now()), aliveNode("n2", t0, clock.Now()), aliveNode("n3", clock.Now(), clock.Now())})
	clock.Advance(time.Second)
	dead := aliveNode("n2", t0, t0)
	dead.Alive = false
	gone := clock.Now()
	h.observe(gone, []Lock{leaseSeen("demo", "n2", 3, t0, gone)}, []Node{aliveNode("n1", t0, gone), dead, aliveNode("n3", t0.Add(time.Second), gone)})
	clock.Advance(time.Second)
	restarted := clock.Now()
	h.observe(restarted, nil, []Node{aliveNode("n1", restarted, restarted), dead, aliveNode("n3", t0.Add(time.Second), restarted)})

	tl := h.timeline()
	if len(tl.Holds) != 1 || !tl.Holds[0].To.Equal(gone) || tl.Holds[0].EndedBy != HoldNodeGone {
		t.Fatalf("holds %+v, want n2's hold ended when it was seen gone", tl.Holds)
	}
	var kinds []string
	for _, e := range tl.NodeEvents {
		kinds = append(kinds, fmt.Sprintf("%s %s", e.NodeID, e.Kind))
	}
	want := []string{"n3 joined", "n2 gone", "n1 restarted"}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("node events %v, want %v", kinds, want)
	}
}

// The history keeps at most historyMaxHolds holds and nothing that ended
// before HistorySpan, whatever the number of locks; open holds are kept.
// Catches an unbounded history.
func TestHistoryIsBoundedInSizeAndAge(t *testing.T) {
	clock := newManualClock()
	h := newHistory(clock.Now)
	for i := 0; i < 3*historyMaxHolds; i++ {
		at := clock.Now()
		name := fmt.Sprintf("l%d", i)
		h.observe(at, []Lock{leaseSeen(name, "n1", uint64(i+1), at, at)}, nil)
		clock.Advance(time.Millisecond)
		h.observe(clock.Now(), []Lock{freeSeen(name, clock.Now())}, nil)
	}
	h.observe(clock.Now(), []Lock{leaseSeen("long", "n1", 1, clock.Now(), clock.Now())}, nil)
	if n := len(h.timeline().Holds); n > historyMaxHolds {
		t.Fatalf("%d holds kept, bound %d", n, historyMaxHolds)
	}
	clock.Advance(HistorySpan + time.Second)
	tl := h.timeline()
	if len(tl.Holds) != 1 || tl.Holds[0].Lock != "long" {
		t.Fatalf("after the span: %d holds, want only the open one", len(tl.Holds))
	}
	if tl.To.Sub(tl.From) > HistorySpan {
		t.Fatalf("timeline covers %v, span %v", tl.To.Sub(tl.From), HistorySpan)
	}
}
