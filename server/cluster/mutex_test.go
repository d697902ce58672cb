package cluster

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Lock stores a lease naming its holder; Unlock replaces it with a free
// marker (shown free, naming the releaser) that the store expires after
// freeMarkerSeconds. Catches an Unlock that leaves the lease (or a marker
// read as held) behind, and a marker that never expires.
func TestLockUnlockWritesNamedLeaseAndFreesIt(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	SetNode(ins[0], Node{ID: "n1", Name: "node one"})
	m := NewMutex(ins[0], "report")
	m.Lock()
	stored, ok := s.Value(lockKey("report"))
	if !ok {
		t.Fatal("no lease stored while locked")
	}
	rec, err := decodeRecord(stored)
	if err != nil {
		t.Fatalf("stored lease unreadable: %v (%q)", err, stored)
	}
	if rec.Node.ID != "n1" || rec.Node.Name != "node one" || rec.Name != "report" || rec.Fence == 0 {
		t.Fatalf("stored lease = %+v", rec)
	}
	if !rec.ExpiresAt.After(rec.AcquiredAt) {
		t.Fatalf("expires %v not after acquired %v", rec.ExpiresAt, rec.AcquiredAt)
	}
	l, ok := m.Lease()
	if !ok || l.HolderID != "n1" || l.FencingToken != rec.Fence {
		t.Fatalf("Lease() = %+v, %v", l, ok)
	}
	m.Unlock()
	stored, ok = s.Value(lockKey("report"))
	if marker, free := isFreeMarker(stored); !ok || !free || marker.Node.ID != "n1" || marker.Fence != rec.Fence {
		t.Fatalf("after Unlock the key holds %q, want a free marker naming n1 with counter %d", stored, rec.Fence)
	}
	if st, err := InspectLock(ins[0], "report"); err != nil || st.Held {
		t.Fatalf("InspectLock after Unlock = %+v, %v; want free", st, err)
	}
	s.Advance(freeMarkerSeconds*time.Second + time.Millisecond)
	if v, ok := s.Value(lockKey("report")); ok {
		t.Fatalf("the free marker %q outlived its %d s", v, freeMarkerSeconds)
	}
	select {
	case <-m.Lost():
	default:
		t.Fatal("Lost() of an unlocked mutex is not closed")
	}
	if _, ok := m.Lease(); ok {
		t.Fatal("Lease() reports a lease after Unlock")
	}
}

func TestUnlockOfUnlockedMutexPanics(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	m := NewMutex(ins[0], "x")
	defer func() {
		if recover() == nil {
			t.Fatal("Unlock of an unlocked mutex did not panic")
		}
	}()
	m.Unlock()
}

func TestFencingTokenGrowsAcrossInstances(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(3, false)
	var last uint64
	for round := 0; round < 6; round++ {
		m := NewMutex(ins[round%3], "fenced")
		lockWithin(t, m, 5*time.Second)
		l, _ := m.Lease()
		if l.FencingToken <= last {
			t.Fatalf("round %d: token %d after %d", round, l.FencingToken, last)
		}
		last = l.FencingToken
		m.Unlock()
	}
}

// The core safety property: A's lease lapses, B acquires; A's late refresh
// and late Unlock leave B's lease intact, and a third instance cannot get in.
func TestStaleHolderCannotExtendOrFreeNewHolder(t *testing.T) {
	t.Parallel()
	for _, refreshFirst := range []bool{true, false} {
		name := "late unlock"
		if refreshFirst {
			name = "late refresh then unlock"
		}
		t.Run(name, func(t *testing.T) {
			s, ins := newCluster(3, true)
			a := NewMutex(ins[0], "stale")
			b := NewMutex(ins[1], "stale")
			c := NewMutex(ins[2], "stale")
			a.Lock()
			aLease, _ := a.Lease()

			if !s.Expire(lockKey("stale"), false) {
				t.Fatal("no lease to expire")
			}
			lockWithin(t, b, 5*time.Second)
			bLease, _ := b.Lease()
			bStored, _ := s.Value(lockKey("stale"))
			if bLease.FencingToken <= aLease.FencingToken {
				t.Fatalf("new holder's token %d not above stale holder's %d", bLease.FencingToken, aLease.FencingToken)
			}

			if refreshFirst {
				a.held.refreshNow()
				select {
				case <-a.Lost():
				default:
					t.Fatal("stale holder's refresh did not report the lease lost")
				}
			}
			a.Unlock()

			now, ok := s.Value(lockKey("stale"))
			if !ok || string(now) != string(bStored) {
				t.Fatalf("B's lease changed by the stale holder: %q -> %q", bStored, now)
			}
			got, err := c.TryLock()
			if err != nil || got {
				t.Fatalf("third instance TryLock = %v, %v while B holds", got, err)
			}
			select {
			case <-b.Lost():
				t.Fatal("B told it lost its lease")
			default:
			}
			b.Unlock()
			lockWithin(t, c, 5*time.Second)
			c.Unlock()
		})
	}
}

func TestLostSignalOnRefreshFailure(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	m := NewMutexWithConfig(ins[0], "lose-me", MutexConfig{TTL: time.Second})
	m.Lock()
	defer m.Unlock()
	ins[0].SetDown(true) // every refresh now fails
	select {
	case <-m.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("no lost signal although no refresh could succeed")
	}
	ins[0].SetDown(false)
	_ = s
}

func TestRefreshKeepsLeaseAlive(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	s, ins := newCluster(2, false)
	// TTL 2 s: refresh every second, with half a second of slack before
	// the deadline, enough for a loaded machine running the race detector.
	m := NewMutexWithConfig(ins[0], "long", MutexConfig{TTL: 2 * time.Second})
	m.Lock()
	other := NewMutex(ins[1], "long")
	deadline := time.Now().Add(4500 * time.Millisecond) // 2.25 TTLs
	for time.Now().Before(deadline) {
		if ok, _ := other.TryLock(); ok {
			t.Fatal("another instance got a lock whose holder kept refreshing")
		}
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case <-m.Lost():
		t.Fatal("lease reported lost while refreshes succeed")
	default:
	}
	m.Unlock()
	_ = s
}

func TestLockWithContextCancelled(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, false)
	holder := NewMutex(ins[0], "ctx")
	holder.Lock()
	defer holder.Unlock()
	waiter := NewMutex(ins[1], "ctx")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := waiter.LockWithContext(ctx); err != context.DeadlineExceeded {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if _, ok := waiter.Lease(); ok {
		t.Fatal("waiter holds a lease after a failed LockWithContext")
	}
	// Same instance, cancelled while queued behind a local holder.
	local := NewMutex(ins[0], "ctx")
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if err := local.LockWithContext(ctx2); err == nil {
		t.Fatal("local waiter got a held lock")
	}
}

func TestTryLockLeavesNothingAfterAmbiguousError(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	m := NewMutex(ins[0], "try")
	var once sync.Once
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		var out kvtest.Outcome
		if c.Op == kvtest.OpSet && c.Key == lockKey("try") && c.Value != nil {
			once.Do(func() { out = kvtest.Outcome{Err: kvtest.InjectedError("test"), Applied: true} })
		}
		return out
	})
	ok, err := m.TryLock()
	if ok || err == nil {
		t.Fatalf("TryLock = %v, %v; want false and the injected error", ok, err)
	}
	if _, held := s.Value(lockKey("try")); held {
		t.Fatal("failed TryLock left a lease in the store")
	}
	ok, err = m.TryLock()
	if !ok || err != nil {
		t.Fatalf("second TryLock = %v, %v", ok, err)
	}
	m.Unlock()
}

func TestLongNames(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(2, true)
	name := strings.Repeat("a very long lock name that will not fit ", 5)
	a := NewMutex(ins[0], name)
	b := NewMutex(ins[1], name)
	a.Lock()
	for _, k := range s.Keys() {
		if utf8.RuneCountInString(k) > 50 {
			t.Fatalf("key %q longer than 50", k)
		}
	}
	st, err := InspectLock(ins[1], name)
	if err != nil || !st.Held || st.Name != name {
		t.Fatalf("InspectLock = %+v, %v", st, err)
	}
	if ok, _ := b.TryLock(); ok {
		t.Fatal("second instance got a held long-named lock")
	}
	a.Unlock()
	lockWithin(t, b, 5*time.Second)
	b.Unlock()
	// A name that looks like a digest is digested too, so it cannot collide.
	if lockKey("#abc") == mutexPrefix+"#abc" {
		t.Fatal("a name starting with # was stored as is")
	}
	found := false
	for _, n := range KnownLocks(ins[0]) {
		found = found || n == name
	}
	if !found {
		t.Fatalf("KnownLocks = %v lacks the long name", KnownLocks(ins[0]))
	}
}

func TestInspectLockFreeHeldAndLegacy(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	st, err := InspectLock(ins[0], "free")
	if err != nil || st.Held || st.Name != "free" {
		t.Fatalf("free lock: %+v, %v", st, err)
	}
	// The widely used implementation stores []byte{1}.
	if _, err := ins[0].KVSetWithOptions(lockKey("legacy"), []byte{1}, atomicInsert()); err != nil {
		t.Fatal(err)
	}
	st, err = InspectLock(ins[0], "legacy")
	if err != nil || !st.Held || st.HolderName == "" {
		t.Fatalf("legacy lock: %+v, %v", st, err)
	}
	m := NewMutex(ins[0], "legacy")
	if ok, _ := m.TryLock(); ok {
		t.Fatal("acquired a lock held by the legacy implementation")
	}
	_ = s
}

func TestInspectLockShowsHeldFreeAndUnreadable(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	var names []string
	var held []*Mutex
	for i := 0; i < 20; i++ {
		n := strings.Repeat("n", i+1)
		names = append(names, n)
		if i%3 == 0 {
			m := NewMutex(ins[0], n)
			m.Lock()
			held = append(held, m)
		}
	}
	if _, err := ins[0].KVSetWithOptions(lockKey("garbled"), []byte("{nope"), atomicInsert()); err != nil {
		t.Fatal(err)
	}
	names = append(names, "garbled")
	states := make([]LockState, len(names))
	for i, n := range names {
		st, err := InspectLock(ins[0], n)
		if err != nil {
			t.Fatal(err)
		}
		states[i] = st
	}
	for i, st := range states {
		if st.Name != names[i] {
			t.Fatalf("state %d is %q, want %q", i, st.Name, names[i])
		}
		wantHeld := i < 20 && i%3 == 0 || names[i] == "garbled"
		if st.Held != wantHeld {
			t.Fatalf("%q held = %v, want %v", st.Name, st.Held, wantHeld)
		}
	}
	if states[len(states)-1].HolderName != unreadableHolder {
		t.Fatalf("garbled lease shows %+v", states[len(states)-1])
	}
	if _, err := InspectLock(ins[0], ""); err == nil {
		t.Fatal("empty name accepted")
	}
	for _, m := range held {
		m.Unlock()
	}
}
