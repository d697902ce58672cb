package kvtest

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// The replica lag under test; bounds below leave several times the
// scheduling noise of a loaded machine on either side.
const testLag = 400 * time.Millisecond

// Reads are served by the replica and see the past; the atomic insert and
// the compare-and-set are decided on the master and see the present. A fake
// that reads from the master fails the first check; one that decides
// compare-and-set on the replica fails the second or third.
func TestReplicaReadsLagWhileWritesDecideOnTheMaster(t *testing.T) {
	s := NewStore()
	s.SetReplicaLag(testLag)
	a, b := s.Instance(), s.Instance()
	mustSet(t, a, "k", []byte("v1"), atomic(nil), true)
	if v := mustGet(t, b, "k"); v != nil {
		t.Fatalf("a read right after the write saw %q: reads are not lagging", v)
	}
	mustSet(t, b, "k", []byte("v2"), atomic(nil), false) // the master has v1
	mustSet(t, b, "k", []byte("v2"), atomic([]byte("v1")), true)
	if v, _ := s.Value("k"); string(v) != "v2" {
		t.Fatalf("master holds %q", v)
	}
	eventually(t, 10*testLag, "the replica to show v2", func() bool { return string(mustGet(t, b, "k")) == "v2" })
}

// A replica shows writes in the order the master applied them, each once
// it is lag old: never a value newer than one it shows later, never a
// value no write left.
func TestReplicaShowsThePastInOrder(t *testing.T) {
	s := NewStore()
	s.SetReplicaLag(testLag)
	in := s.Instance()
	start := time.Now()
	mustSet(t, in, "k", []byte("1"), model.PluginKVSetOptions{}, true)
	time.Sleep(testLag / 2)
	mustSet(t, in, "k", nil, model.PluginKVSetOptions{}, true)
	deleted := time.Now()
	var seen []string
	for time.Since(deleted) < 2*testLag {
		v := string(mustGet(t, in, "k"))
		if after := time.Since(start); v == "1" && after < testLag {
			t.Fatalf("write seen within %v of being made, lag %v", after, testLag)
		}
		if len(seen) == 0 || seen[len(seen)-1] != v {
			seen = append(seen, v)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := strings.Join(seen, ","); got != ",1," {
		t.Fatalf("the replica showed %q, want absent, 1, absent", got)
	}
}

// KVList goes through the replica too.
func TestReplicaListLags(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	mustSet(t, in, "a", []byte("a"), model.PluginKVSetOptions{}, true)
	s.SetReplicaLag(testLag)
	mustSet(t, in, "b", []byte("b"), model.PluginKVSetOptions{}, true)
	mustSet(t, in, "a", nil, model.PluginKVSetOptions{}, true)
	if keys, _ := in.KVList(0, 10); strings.Join(keys, ",") != "a" {
		t.Fatalf("lagging list = %v, want [a]", keys)
	}
	eventually(t, 10*testLag, "the list to catch up", func() bool {
		keys, _ := in.KVList(0, 10)
		return strings.Join(keys, ",") == "b"
	})
}

// With several replicas, one reader can see a value and then an older one,
// as GetReplica's round-robin over all the server's queries allows.
func TestSeveralReplicasCanGoBackInTime(t *testing.T) {
	s := NewStore()
	s.SetReplicaLag(0, time.Hour)
	in := s.Instance()
	mustSet(t, in, "k", []byte("v"), model.PluginKVSetOptions{}, true)
	fresh, stale := 0, 0
	// Each read picks either replica: 200 reads all on one happen with
	// probability 2^-199.
	for i := 0; i < 200; i++ {
		if mustGet(t, in, "k") != nil {
			fresh++
		} else {
			stale++
		}
	}
	if fresh == 0 || stale == 0 {
		t.Fatalf("%d fresh and %d stale reads from two replicas", fresh, stale)
	}
	s.SetReplicaLag()
	if mustGet(t, in, "k") == nil {
		t.Fatal("without replicas a read missed the master's row")
	}
}

// Expiry is time passing, not a write: a lapse shows on the replicas at
// once, and a replica's rows are judged by the reading node's clock.
func TestReplicaRowsExpireByTheReadersClock(t *testing.T) {
	s := NewStore()
	in, ahead := s.Instance(), s.Instance()
	s.SetReplicaLag(time.Hour)
	mustSet(t, in, "k", []byte("v"), model.PluginKVSetOptions{}, true)
	mustSet(t, in, "t", []byte("t"), model.PluginKVSetOptions{}, true)
	s.SetReplicaLag() // caught up
	s.SetReplicaLag(time.Hour)
	mustSet(t, in, "k", []byte("w"), model.PluginKVSetOptions{}, true)
	if v := mustGet(t, in, "k"); string(v) != "v" {
		t.Fatalf("replica = %q, want the old v", v)
	}
	if _, ok := s.ExpireNow("k"); !ok {
		t.Fatal("no live row to expire")
	}
	if v := mustGet(t, in, "k"); string(v) != "v" {
		// The replica's row is an older write than the one that lapsed.
		t.Fatalf("replica = %q after the newer write lapsed, want v", v)
	}
	if !s.Expire("t", true) {
		t.Fatal("Expire found no row")
	}
	if v := mustGet(t, in, "t"); v != nil {
		t.Fatalf("a lapsed row still shows on the replica: %q", v)
	}

	s.SetReplicaLag()
	mustSet(t, in, "e", []byte("e"), model.PluginKVSetOptions{ExpireInSeconds: 2}, true)
	s.SetReplicaLag(time.Hour)
	ahead.SetClockOffset(3 * time.Second)
	if v := mustGet(t, in, "e"); v == nil {
		t.Fatal("the writer's replica read misses its live row")
	}
	if v := mustGet(t, ahead, "e"); v != nil {
		t.Fatal("a node 3 s ahead sees, on the replica, a row that expires in 2 s")
	}
}
