package cluster

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// uncomparable is a plugin API value that cannot be a map key.
type uncomparable struct {
	in   *kvtest.Instance
	tags []string
}

func (u uncomparable) KVSetWithOptions(key string, value []byte, o model.PluginKVSetOptions) (bool, *model.AppError) {
	return u.in.KVSetWithOptions(key, value, o)
}
func (u uncomparable) LogError(msg string, kv ...interface{}) { u.in.LogError(msg, kv...) }

func TestUncomparableAPIValueStillLocks(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	api := uncomparable{in: ins[0], tags: []string{"x"}}
	SetNode(api, Node{ID: "ignored"}) // must not panic
	a, b := NewMutex(api, "u"), NewMutex(api, "u")
	a.Lock()
	if ok, _ := b.TryLock(); ok {
		t.Fatal("two mutexes on an uncomparable API value both got the lock")
	}
	a.Unlock()
	lockWithin(t, b, 5*time.Second)
	b.Unlock()
	if len(KnownLocks(api)) != 0 {
		t.Fatal("KnownLocks found an API value that cannot be registered")
	}
	_ = s
}

func TestMalformedClusterEventsAreHandledAndIgnored(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	NewMutex(ins[0], "m")
	for _, data := range []string{"", "{", `{"k":"released"}`, `{"k":"nonsense","n":"m"}`, `{"k":"waiting","n":"m"}`} {
		if !HandleClusterEvent(ins[0], model.PluginClusterEvent{Id: eventID, Data: []byte(data)}) {
			t.Fatalf("event %q not recognised as the package's", data)
		}
	}
	if HandleClusterEvent(ins[0], model.PluginClusterEvent{Id: "other", Data: []byte("{}")}) {
		t.Fatal("claimed another plugin event")
	}
	m := NewMutex(ins[0], "m")
	lockWithin(t, m, 5*time.Second)
	m.Unlock()
}

// KV errors while a job checks its schedule are logged and retried; the
// job runs once the store recovers. A panicking hook does not stop it.
func TestJobSurvivesKVErrorsAndPanickingHooks(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	var mu sync.Mutex
	failing := true
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		mu.Lock()
		defer mu.Unlock()
		if failing && c.Op == kvtest.OpGet && strings.HasPrefix(c.Key, jobPrefix) {
			return kvtest.Outcome{Err: kvtest.InjectedError("job")}
		}
		return kvtest.Outcome{}
	})
	ran := make(chan struct{}, 1)
	j, err := Schedule(ins[0], "flaky", JobConfig{
		Interval:     time.Hour,
		OnRunStarted: func(Run) { panic("hook bug") },
	}, func() {
		select {
		case ran <- struct{}{}:
		default:
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	eventually(t, 5*time.Second, "a logged job error", func() bool {
		for _, l := range ins[0].Logs() {
			if strings.Contains(l, "job check failed") {
				return true
			}
		}
		return false
	})
	select {
	case <-ran:
		t.Fatal("ran although its metadata could not be read")
	default:
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("job did not run after the store recovered")
	}
}

func TestCorruptFencingCounterDoesNotBlockTheLock(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	if _, err := ins[0].KVSetWithOptions(fenceKey("c"), []byte("garbage"), model.PluginKVSetOptions{}); err != nil {
		t.Fatal(err)
	}
	m := NewMutex(ins[0], "c")
	lockWithin(t, m, 5*time.Second)
	if l, _ := m.Lease(); l.FencingToken != 0 {
		t.Fatalf("token %d from a corrupt counter", l.FencingToken)
	}
	m.Unlock()
	if v, _ := s.Value(fenceKey("c")); string(v) != "garbage" {
		t.Fatalf("counter overwritten: %q", v)
	}
}

func TestCorruptJobMetadataIsOverwrittenNotFatal(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	if _, err := ins[0].KVSetWithOptions(jobMetaKey("corrupt"), []byte("{not json"), model.PluginKVSetOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := InspectJob(ins[0], "corrupt"); err == nil {
		t.Fatal("InspectJob hid corrupt metadata")
	}
	ran := make(chan struct{}, 1)
	j, err := Schedule(ins[0], "corrupt", JobConfig{Interval: time.Hour}, func() { ran <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("job with corrupt metadata never ran")
	}
	eventually(t, 5*time.Second, "metadata rewritten", func() bool {
		st, err := InspectJob(ins[0], "corrupt")
		return err == nil && st.Runs == 1
	})
}

// A database restart: every KV call fails for a while. The holder is told
// its lease is lost, waiters back off and keep waiting, and after the store
// comes back the lock is taken again; nobody gives up for good.
func TestStoreOutage(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	_, ins := newCluster(2, true)
	holder := NewMutexWithConfig(ins[0], "outage", MutexConfig{TTL: time.Second})
	holder.Lock()
	waiter := NewMutex(ins[1], "outage")
	got := make(chan struct{})
	go func() { waiter.Lock(); close(got) }()

	for _, in := range ins {
		in.SetDown(true)
	}
	select {
	case <-holder.Lost():
	case <-time.After(5 * time.Second):
		t.Fatal("holder not told its lease was lost during the outage")
	}
	holder.Unlock() // its delete fails too; the lease lapses
	time.Sleep(500 * time.Millisecond)
	for _, in := range ins {
		in.SetDown(false)
	}
	select {
	case <-got:
	case <-time.After(15 * time.Second):
		t.Fatal("waiter never got the lock after the store came back")
	}
	waiter.Unlock()
}
