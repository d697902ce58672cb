package app

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// unstartedNode is an application on its own API with its clock injected,
// not started: no heartbeat and no refresher, so every KV call its API
// counts is one a status request made.
func unstartedNode(api PluginAPI, clock *manualClock) *App {
	o := testOptions(api, "node-a", quietConfig())
	o.Now = clock.Now
	return New(o)
}

// A status read costs a KV read per lock that may be held, not per lock
// known: making many more names known, all free (released longer ago than
// the free marker a release leaves lives), adds no read. Catches a read
// that looks up every known name.
func TestFreeLocksCostNoReadInTheStatus(t *testing.T) {
	store := kvtest.NewStore()
	api := apptest.NewFakeAPI(store)
	clock := newManualClock()
	a := unstartedNode(api, clock)
	const held, free = 5, 200
	var heldOnly kvtest.Stats
	for i := 0; i < held+free; i++ {
		m := cluster.NewMutex(api, fmt.Sprintf("lock-%03d", i))
		m.Lock()
		if i < held {
			t.Cleanup(m.Unlock)
		} else {
			m.Unlock()
		}
		if i == held-1 {
			store.ResetStats()
			if _, err := a.Status(); err != nil {
				t.Fatal(err)
			}
			heldOnly = store.Stats()
		}
	}
	clock.Advance(StatusMaxAge + time.Millisecond)
	store.Advance(2 * time.Second) // the released locks' free markers lapse
	store.ResetStats()
	st, err := a.Status()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.Locks); n < held+free {
		t.Fatalf("%d locks listed, want at least the %d known", n, held+free)
	}
	withFree := store.Stats()
	if withFree.Gets != heldOnly.Gets {
		t.Fatalf("%d KV reads with %d free locks known, %d without: a free lock must cost none", withFree.Gets, free, heldOnly.Gets)
	}
}

// missingKeys is a plugin API whose key listings leave out chosen keys, as
// a listing does that a concurrent delete shifted, or that a lagging
// replica served.
type missingKeys struct {
	*apptest.FakeAPI
	mu      sync.Mutex
	missing map[string]bool
}

func (m *missingKeys) KVList(page, perPage int) ([]string, *model.AppError) {
	keys, err := m.FakeAPI.KVList(page, perPage)
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, k := range keys {
		if !m.missing[k] {
			out = append(out, k)
		}
	}
	return out, err
}

func (m *missingKeys) miss(keys ...string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.missing = map[string]bool{}
	for _, k := range keys {
		m.missing[k] = true
	}
}

// A lock seen held stays held in the answers while a listing misses its
// lease, and shows free once it is released. Catches a read that trusts
// the listing alone, which would end a hold on the timeline that never
// ended.
func TestHeldLockMissedByTheListingStaysHeld(t *testing.T) {
	store := kvtest.NewStore()
	api := &missingKeys{FakeAPI: apptest.NewFakeAPI(store)}
	clock := newManualClock()
	a := unstartedNode(api, clock)
	m := cluster.NewMutex(api, "x")
	m.Lock()
	unlocked := false
	defer func() {
		if !unlocked {
			m.Unlock()
		}
	}()
	answer := func() Status {
		t.Helper()
		clock.Advance(StatusMaxAge + time.Millisecond)
		st, err := a.Status()
		if err != nil {
			t.Fatal(err)
		}
		requireFresh(t, st)
		return st
	}
	if l := lockIn(t, answer(), "x"); !l.Held {
		t.Fatalf("x before any miss: %+v, want held", l)
	}
	// Every key but the plugin's own records, so the lease's key is among
	// them whatever the cluster package names it.
	all, _ := api.FakeAPI.KVList(0, 1000)
	var notOurs []string
	for _, k := range all {
		if len(k) < len(keyPrefix) || k[:len(keyPrefix)] != keyPrefix {
			notOurs = append(notOurs, k)
		}
	}
	api.miss(notOurs...)
	if l := lockIn(t, answer(), "x"); !l.Held {
		t.Fatalf("x while the listing misses its lease: %+v, want still held", l)
	}
	m.Unlock()
	unlocked = true
	if l := lockIn(t, answer(), "x"); l.Held {
		t.Fatalf("x after its release: %+v, want free", l)
	}
}

// A demo lock record is read once: its key is a digest of its name, so
// later status reads take the name from memory and read only the records
// of locks new since. Catches a refresh that reads every demo lock record
// every second, and a memory that misses a new demo lock.
func TestDemoLockRecordsAreReadOnce(t *testing.T) {
	f := newStatusFixture(t)
	var mu sync.Mutex
	var recordReads []string
	f.store.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if c.Instance == f.api.ID && c.Op == kvtest.OpGet && strings.HasPrefix(c.Key, demoLockKeyPrefix) {
			mu.Lock()
			recordReads = append(recordReads, c.Key)
			mu.Unlock()
		}
		return kvtest.Outcome{}
	})
	defer f.store.SetFault(nil)
	reads := func() int {
		mu.Lock()
		defer mu.Unlock()
		n := len(recordReads)
		recordReads = nil
		return n
	}
	if _, err := f.app.readStatus(nil); err != nil {
		t.Fatal(err)
	}
	if n := reads(); n != f.demo {
		t.Fatalf("first read: %d demo lock records read, want %d", n, f.demo)
	}
	if _, err := f.app.readStatus(nil); err != nil {
		t.Fatal(err)
	}
	if n := reads(); n != 0 {
		t.Fatalf("second read: %d demo lock records read, want none", n)
	}
	other := startNode(t, f.store, "node-d", quietConfig())
	if _, err := other.app.AcquireLock(apptest.AdminUser, "demo-new", time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	st, err := f.app.readStatus(nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := reads(); n != 1 {
		t.Fatalf("after a new demo lock: %d demo lock records read, want 1", n)
	}
	if l := lockIn(t, st, "demo-new"); l.Kind != LockDemo {
		t.Fatalf("the new demo lock is listed as %+v", l)
	}
}
