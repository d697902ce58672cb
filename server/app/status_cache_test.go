package app

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// manualClock is a clock the test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newManualClock() *manualClock { return &manualClock{t: time.Now()} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startNodeWithClock is startNode with the application's clock injected.
func startNodeWithClock(t *testing.T, store *kvtest.Store, name string, clock *manualClock) *testNode {
	t.Helper()
	api := apptest.NewFakeAPI(store)
	o := testOptions(api, name, quietConfig())
	o.Now = clock.Now
	return &testNode{api: api, app: apptest.Run(t, api, New(o))}
}

func lockIn(t *testing.T, st Status, name string) Lock {
	t.Helper()
	for _, l := range st.Locks {
		if l.Name == name {
			return l
		}
	}
	t.Fatalf("lock %s not in status %v", name, st.Locks)
	return Lock{}
}

func statusOf(t *testing.T, n *testNode) Status {
	t.Helper()
	st, err := n.app.Status()
	if err != nil {
		t.Fatal(err)
	}
	requireFresh(t, st)
	return st
}

// requireFresh fails the test when st or any of its locks is older than
// StatusMaxAge.
func requireFresh(t *testing.T, st Status) {
	t.Helper()
	if age := st.GeneratedAt.Sub(st.AsOf); age > StatusMaxAge {
		t.Fatalf("answer is %v old, bound %v", age, StatusMaxAge)
	}
	for _, l := range st.Locks {
		if age := st.GeneratedAt.Sub(l.ObservedAt); age > StatusMaxAge {
			t.Fatalf("lock %s is %v old, bound %v", l.Name, age, StatusMaxAge)
		}
	}
}

// Another node's release reaches this node by no event at all here (the
// cache is told only of its own node's changes): the answer must still
// show the lock free once the bound has passed. Catches a cache served
// without an age check, or one trusting events to invalidate it.
func TestAnotherNodesReleaseShowsWithinTheBoundWithoutAnyEvent(t *testing.T) {
	store := kvtest.NewStore()
	clockA := newManualClock()
	a := startNodeWithClock(t, store, "node-a", clockA)
	b := startNode(t, store, "node-b", quietConfig())

	if _, err := b.app.AcquireLock(apptest.AdminUser, "moving", time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	if l := lockIn(t, statusOf(t, a), "moving"); !l.Held || l.HolderName != "node-b" {
		t.Fatalf("node-a sees %+v, want held by node-b", l)
	}
	if _, _, err := b.app.ReleaseLock(apptest.AdminUser, "moving"); err != nil {
		t.Fatal(err)
	}
	clockA.Advance(StatusMaxAge + time.Millisecond)
	if l := lockIn(t, statusOf(t, a), "moving"); l.Held {
		t.Fatalf("node-a still shows the released lock held %v after the release: %+v", StatusMaxAge, l)
	}
}

// This node's own take and release show in the very next answer, with no
// time passing. Catches a cache refreshed only by its timer.
func TestOwnTakeAndReleaseShowAtOnce(t *testing.T) {
	store := kvtest.NewStore()
	clock := newManualClock()
	a := startNodeWithClock(t, store, "node-a", clock)
	statusOf(t, a) // fill the cache

	if _, err := a.app.AcquireLock(apptest.AdminUser, "mine", time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	if l := lockIn(t, statusOf(t, a), "mine"); !l.Held || l.HolderName != "node-a" {
		t.Fatalf("after taking it: %+v", l)
	}
	if _, _, err := a.app.ReleaseLock(apptest.AdminUser, "mine"); err != nil {
		t.Fatal(err)
	}
	if l := lockIn(t, statusOf(t, a), "mine"); l.Held {
		t.Fatalf("after releasing it: %+v", l)
	}
}

// scriptedRead is a status read whose answers the test gives one by one.
type scriptedRead struct {
	mu      sync.Mutex
	calls   int
	held    map[string]bool // the last read's held names
	started chan struct{}
	answer  chan readAnswer
}

type readAnswer struct {
	st  Status
	err error
}

func newScriptedRead() *scriptedRead {
	return &scriptedRead{started: make(chan struct{}, 8), answer: make(chan readAnswer)}
}

func (r *scriptedRead) read(held map[string]bool) (Status, error) {
	r.mu.Lock()
	r.calls++
	r.held = held
	r.mu.Unlock()
	r.started <- struct{}{}
	a := <-r.answer
	return a.st, a.err
}

// awaitRead waits for the cache to read the store; a cache that answers
// without reading fails the test instead of hanging it.
func (r *scriptedRead) awaitRead(t *testing.T) {
	t.Helper()
	select {
	case <-r.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the cache did not read the store")
	}
}

func (r *scriptedRead) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

func heldBy(name, node string) Lock {
	return Lock{Name: name, Kind: LockDemo, Held: true, HolderID: node, HolderName: node, FencingToken: 1}
}

// getAsync calls get in the background, for reads the test answers.
func getAsync(c *statusCache) <-chan readAnswer {
	out := make(chan readAnswer, 1)
	go func() {
		st, err := c.get()
		out <- readAnswer{st, err}
	}()
	return out
}

// A cache whose refresher never runs (stalled, or no panel was watching) is
// read again by the request once it is older than the bound, and a failed
// read is an error rather than the stale answer. Catches serving the last
// snapshot whatever its age, and hiding a store error behind it.
func TestStaleCacheIsReadAgainAndNeverServedPastTheBound(t *testing.T) {
	clock := newManualClock()
	r := newScriptedRead()
	c := newStatusCache(r.read, clock.Now, nil)

	got := getAsync(c)
	r.awaitRead(t)
	r.answer <- readAnswer{st: Status{Locks: []Lock{heldBy("x", "n1")}}}
	if a := <-got; a.err != nil || !a.st.Locks[0].Held {
		t.Fatalf("first answer %+v", a)
	}

	clock.Advance(StatusMaxAge)
	if st, err := c.get(); err != nil || r.count() != 1 || !st.Locks[0].Held {
		t.Fatalf("within the bound: err %v, reads %d, want the cached answer from 1 read", err, r.count())
	}

	clock.Advance(time.Millisecond)
	got = getAsync(c)
	r.awaitRead(t)
	r.answer <- readAnswer{err: errors.New("store down")}
	if a := <-got; a.err == nil {
		t.Fatalf("past the bound with the store down, got %+v, want an error", a.st)
	}

	got = getAsync(c)
	r.awaitRead(t)
	r.answer <- readAnswer{st: Status{Locks: []Lock{{Name: "x", Kind: LockDemo}}}}
	if a := <-got; a.err != nil || a.st.Locks[0].Held {
		t.Fatalf("after the store came back: %+v", a)
	}
}

// A full read that began before this node released a lock must not bring
// the lock back as held when it finishes. Catches a snapshot replacing the
// cache wholesale.
func TestReadBegunBeforeOwnReleaseDoesNotUndoIt(t *testing.T) {
	clock := newManualClock()
	r := newScriptedRead()
	c := newStatusCache(r.read, clock.Now, nil)

	done := make(chan error, 1)
	go func() { done <- c.refresh() }()
	r.awaitRead(t)
	clock.Advance(time.Millisecond)
	c.observe(Lock{Name: "x", Kind: LockDemo})
	r.answer <- readAnswer{st: Status{Locks: []Lock{heldBy("x", "n1"), heldBy("y", "n1")}}}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st, err := c.get()
	if err != nil {
		t.Fatal(err)
	}
	if lockIn(t, st, "x").Held || !lockIn(t, st, "y").Held {
		t.Fatalf("locks %+v, want x free (released after the read began) and y held", st.Locks)
	}

	// A read begun after the release is newer than it and wins.
	clock.Advance(StatusMaxAge + time.Millisecond)
	got := getAsync(c)
	r.awaitRead(t)
	r.answer <- readAnswer{st: Status{Locks: []Lock{heldBy("x", "n2")}}}
	if a := <-got; a.err != nil || lockIn(t, a.st, "x").HolderID != "n2" {
		t.Fatalf("a later read: %+v", a)
	}
}

// Many requests at once while the cache is stale share one read. Catches a
// cache that lets every waiting request hit the store.
func TestConcurrentStaleRequestsShareOneRead(t *testing.T) {
	clock := newManualClock()
	r := newScriptedRead()
	c := newStatusCache(r.read, clock.Now, nil)
	const requests = 8
	var answers []<-chan readAnswer
	for i := 0; i < requests; i++ {
		answers = append(answers, getAsync(c))
	}
	r.awaitRead(t)
	r.answer <- readAnswer{st: Status{Locks: []Lock{heldBy("x", "n1")}}}
	for _, got := range answers {
		if a := <-got; a.err != nil {
			t.Fatal(a.err)
		}
	}
	if r.count() != 1 {
		t.Fatalf("%d reads for %d requests at once, want 1", r.count(), requests)
	}
}
