package kvtest

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

func atomic(old []byte) model.PluginKVSetOptions {
	return model.PluginKVSetOptions{Atomic: true, OldValue: old}
}

func mustSet(t *testing.T, in *Instance, key string, value []byte, opt model.PluginKVSetOptions, want bool) {
	t.Helper()
	ok, err := in.KVSetWithOptions(key, value, opt)
	if err != nil {
		t.Fatalf("set %q: %v", key, err)
	}
	if ok != want {
		t.Fatalf("set %q = %v, want %v", key, ok, want)
	}
}

func mustGet(t *testing.T, in *Instance, key string) []byte {
	t.Helper()
	v, err := in.KVGet(key)
	if err != nil {
		t.Fatalf("get %q: %v", key, err)
	}
	return v
}

func TestAtomicInsertFailsOnLiveRowAndCountsIt(t *testing.T) {
	s := NewStore()
	a, b := s.Instance(), s.Instance()
	mustSet(t, a, "k", []byte("a"), atomic(nil), true)
	mustSet(t, b, "k", []byte("b"), atomic(nil), false)
	if got := mustGet(t, b, "k"); string(got) != "a" {
		t.Fatalf("value = %q, want a", got)
	}
	if st := s.Stats(); st.FailedInserts != 1 || st.AtomicInserts != 2 {
		t.Fatalf("stats = %+v", st)
	}
	if st := b.Stats(); st.Sets != 1 || st.Gets != 1 {
		t.Fatalf("instance stats = %+v", st)
	}
}

func TestAtomicInsertReplacesExpiredRow(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	mustSet(t, in, "k", []byte("old"), model.PluginKVSetOptions{Atomic: true, ExpireInSeconds: 5}, true)
	s.Advance(6 * time.Second)
	if v := mustGet(t, in, "k"); v != nil {
		t.Fatalf("expired row visible: %q", v)
	}
	mustSet(t, in, "k", []byte("new"), atomic(nil), true)
	if v := mustGet(t, in, "k"); string(v) != "new" {
		t.Fatalf("value = %q", v)
	}
	if s.Stats().FailedInserts != 0 {
		t.Fatal("insert over an expired row counted as failed")
	}
}

func TestCompareAndSetMatchesOnlyLiveExactRow(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	mustSet(t, in, "k", []byte("v1"), model.PluginKVSetOptions{Atomic: true, ExpireInSeconds: 10}, true)
	mustSet(t, in, "k", []byte("v2"), atomic([]byte("other")), false)
	mustSet(t, in, "k", []byte("v2"), model.PluginKVSetOptions{Atomic: true, OldValue: []byte("v1"), ExpireInSeconds: 10}, true)
	if !s.Expire("k", false) {
		t.Fatal("Expire found no row")
	}
	mustSet(t, in, "k", []byte("v3"), atomic([]byte("v2")), false)
	if s.Stats().FailedCAS != 2 {
		t.Fatalf("FailedCAS = %d, want 2", s.Stats().FailedCAS)
	}
}

func TestCompareAndDelete(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	mustSet(t, in, "k", []byte("v"), model.PluginKVSetOptions{}, true)
	mustSet(t, in, "k", nil, atomic([]byte("x")), false)
	mustSet(t, in, "k", nil, atomic(nil), false) // nil old value: nothing to compare
	if mustGet(t, in, "k") == nil {
		t.Fatal("row deleted by a non-matching compare-and-delete")
	}
	mustSet(t, in, "k", nil, atomic([]byte("v")), true)
	if v := mustGet(t, in, "k"); v != nil {
		t.Fatalf("row survived compare-and-delete: %q", v)
	}
}

func TestNilValueDeletesAndUpsertOverwrites(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	mustSet(t, in, "k", []byte("1"), model.PluginKVSetOptions{}, true)
	mustSet(t, in, "k", []byte("2"), model.PluginKVSetOptions{}, true)
	if v := mustGet(t, in, "k"); string(v) != "2" {
		t.Fatalf("value = %q", v)
	}
	mustSet(t, in, "k", nil, model.PluginKVSetOptions{}, true)
	if v := mustGet(t, in, "k"); v != nil {
		t.Fatalf("nil set left %q", v)
	}
}

func TestKeyAndOptionValidation(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	long := strings.Repeat("é", 51) // runes, not bytes, are counted
	if _, err := in.KVSetWithOptions(long, []byte("v"), model.PluginKVSetOptions{}); err == nil || err.StatusCode != 400 {
		t.Fatalf("51-rune key: err = %v", err)
	}
	mustSet(t, in, strings.Repeat("é", 50), []byte("v"), model.PluginKVSetOptions{}, true)
	if _, err := in.KVSetWithOptions("", []byte("v"), model.PluginKVSetOptions{}); err == nil {
		t.Fatal("empty key accepted")
	}
	if _, err := in.KVSetWithOptions("k", []byte("v"), model.PluginKVSetOptions{OldValue: []byte("x")}); err == nil || err.StatusCode != 400 {
		t.Fatalf("OldValue without Atomic: err = %v", err)
	}
	if v := mustGet(t, in, long); v != nil {
		t.Fatal("long key read returned a value")
	}
}

func TestListOrdersPagesAndHidesExpired(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	for _, k := range []string{"c", "a", "b", "d"} {
		mustSet(t, in, k, []byte(k), model.PluginKVSetOptions{}, true)
	}
	mustSet(t, in, "e", []byte("e"), model.PluginKVSetOptions{ExpireInSeconds: 1}, true)
	s.Advance(2 * time.Second)
	page0, _ := in.KVList(0, 3)
	page1, _ := in.KVList(1, 3)
	if strings.Join(page0, ",") != "a,b,c" || strings.Join(page1, ",") != "d" {
		t.Fatalf("pages = %v %v", page0, page1)
	}
	all, _ := in.KVList(0, 0)
	if len(all) != 4 {
		t.Fatalf("perPage 0 gave %v", all)
	}
}

func TestLegacyHashedKeyIsReadAndCleanedUp(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	s.mu.Lock()
	s.rows[legacyKey("k")] = row{value: []byte("legacy")}
	s.mu.Unlock()
	if v := mustGet(t, in, "k"); string(v) != "legacy" {
		t.Fatalf("legacy read = %q", v)
	}
	mustSet(t, in, "k", []byte("new"), model.PluginKVSetOptions{}, true)
	if _, ok := s.Value(legacyKey("k")); ok {
		t.Fatal("legacy row not cleaned up by a set")
	}
}

func TestFaultsBeforeAndAfterApply(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	var mu sync.Mutex
	mode := 0
	s.SetFault(func(c Call) Outcome {
		mu.Lock()
		defer mu.Unlock()
		switch mode {
		case 1:
			return Outcome{Err: InjectedError("test")}
		case 2:
			return Outcome{Err: InjectedError("test"), Applied: true}
		}
		return Outcome{}
	})
	mode = 1
	if _, err := in.KVSetWithOptions("k", []byte("v"), model.PluginKVSetOptions{}); err == nil {
		t.Fatal("no injected error")
	}
	if _, ok := s.Value("k"); ok {
		t.Fatal("failed call took effect")
	}
	mu.Lock()
	mode = 2
	mu.Unlock()
	if _, err := in.KVSetWithOptions("k", []byte("v"), model.PluginKVSetOptions{}); err == nil {
		t.Fatal("no injected error")
	}
	if v, ok := s.Value("k"); !ok || !bytes.Equal(v, []byte("v")) {
		t.Fatal("applied-then-failed call did not take effect")
	}
	if s.Stats().Errors != 2 {
		t.Fatalf("errors = %d", s.Stats().Errors)
	}
}

func TestLatencyIsPaidPerCall(t *testing.T) {
	s := NewStore()
	s.SetLatency(20 * time.Millisecond)
	in := s.Instance()
	start := time.Now()
	mustGet(t, in, "k")
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("call took %v, latency 20ms", d)
	}
}

func TestEventsReachOtherInstancesOnly(t *testing.T) {
	s := NewStore()
	a, b, c := s.Instance(), s.Instance(), s.Instance()
	got := make(chan string, 4)
	for _, in := range []*Instance{a, b, c} {
		in := in
		in.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { got <- in.ID + ":" + string(ev.Data) })
	}
	if err := a.PublishPluginClusterEvent(model.PluginClusterEvent{Id: "x", Data: []byte("hi")}, model.PluginClusterEventSendOptions{}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 2; i++ {
		select {
		case m := <-got:
			seen[m] = true
		case <-time.After(5 * time.Second):
			t.Fatal("event not delivered")
		}
	}
	if !seen[b.ID+":hi"] || !seen[c.ID+":hi"] {
		t.Fatalf("delivered to %v", seen)
	}
	_ = b.PublishPluginClusterEvent(model.PluginClusterEvent{Id: "x", Data: []byte("only-c")}, model.PluginClusterEventSendOptions{TargetId: c.ID})
	select {
	case m := <-got:
		if m != c.ID+":only-c" {
			t.Fatalf("targeted event went to %s", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("targeted event not delivered")
	}
}

func TestDownInstanceFails(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	in.SetDown(true)
	if _, err := in.KVGet("k"); err == nil {
		t.Fatal("down instance read succeeded")
	}
	in.SetDown(false)
	if _, err := in.KVGet("k"); err != nil {
		t.Fatal(err)
	}
}

func TestClockOffsetJudgesExpiry(t *testing.T) {
	s := NewStore()
	writer, ahead := s.Instance(), s.Instance()
	ahead.SetClockOffset(1500 * time.Millisecond)
	mustSet(t, writer, "k", []byte("v"), model.PluginKVSetOptions{ExpireInSeconds: 1}, true)
	if v := mustGet(t, writer, "k"); v == nil {
		t.Fatal("writer does not see its fresh row")
	}
	if v := mustGet(t, ahead, "k"); v != nil {
		t.Fatal("a node 1.5 s ahead still sees a row expiring in 1 s")
	}
	mustSet(t, ahead, "k", []byte("w"), atomic(nil), true) // expired by its clock: deleted, inserted
}

// Expired rows stay in the table, invisible, until the daily job deletes
// them; live rows stay.
func TestDeleteAllExpiredRemovesOnlyExpiredRows(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	mustSet(t, in, "short", []byte("v"), model.PluginKVSetOptions{ExpireInSeconds: 1}, true)
	mustSet(t, in, "long", []byte("v"), model.PluginKVSetOptions{ExpireInSeconds: 100}, true)
	mustSet(t, in, "never", []byte("v"), model.PluginKVSetOptions{}, true)
	s.Advance(2 * time.Second)
	if n := s.Rows(); n != 3 {
		t.Fatalf("%d rows before the job, want 3 (expired rows still stored)", n)
	}
	s.DeleteAllExpired()
	if n, keys := s.Rows(), strings.Join(s.Keys(), ","); n != 2 || keys != "long,never" {
		t.Fatalf("after the job: %d rows, live %s", n, keys)
	}
}
