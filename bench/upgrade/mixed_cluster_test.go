package upgrade

// What v0.0.19's algorithm allows, and so what a mixed cluster can promise
// (read from mattermost-plugin-api v0.0.19, cluster/mutex.go and job.go):
//
//   - Its lease is the anonymous value []byte{1} under "mutex_" + name, with
//     a 15 s store expiry, refreshed every 7.5 s by a compare-and-set from
//     []byte{1} to []byte{1}. It never learns that a lease is lost: a failed
//     refresh is logged, refreshing stops, and the holder runs on. A v0.0.19
//     holder that cannot refresh for 15 s (one failed refresh call, a pause,
//     a node cut off from the database) keeps running after its lease lapsed
//     and another node — on either version — took the lock.
//   - Its Unlock is a plain delete of "mutex_" + name, whoever holds it. A
//     v0.0.19 holder whose lease lapsed deletes the next holder's lease,
//     ours included. Ours learns at its next refresh (every TTL/2) and
//     closes Lost; until then a third node can take the lock.
//   - All its leases have the same bytes, so a stale v0.0.19 holder can
//     refresh another v0.0.19 node's lease, but never one of ours (our
//     lease bytes are unique to each acquisition).
//   - Expiry is judged by the clock of the node serving each call; a node
//     whose clock runs more than 7.5 s ahead of a v0.0.19 holder's can see
//     its lease as lapsed between refreshes.
//   - Its jobs read the record with KVGet (a replica in a licensed cluster)
//     under the job lock, run when now - LastFinished >= Interval, and then
//     replace the whole record by {"LastFinished": now} with a plain set. A
//     lagging replica can show it a record older than the last run, and it
//     runs again: with replica lag, no implementation on the other nodes can
//     stop a v0.0.19 node from running a job twice within an interval.
//   - Its waiters poll every 1 s ± 0.25 s and ignore cluster events, and
//     take a lock only by an insert once the store shows it expired: a lock
//     whose holder died is theirs only after the store expiry of the dead
//     holder's lease (ours: see LeaseStoreExpiry), whatever ours would do.
//   - Its Job.Close cannot interrupt a Lock: it waits until the job gets
//     the lock.
//
// So in a mixed cluster: mutual exclusion holds while every v0.0.19 holder
// refreshes on time, node clocks differ by less than 7.5 s, and no v0.0.19
// lease lapses under its holder; a job runs at most once per interval while
// reads are not stale (no replica lag) and no v0.0.19 node's lease lapses
// mid-run. The tests below check exactly these, with no faults injected
// into v0.0.19's calls.

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	legacy "github.com/mattermost/mattermost-plugin-api/cluster"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// overlap counts entries into a critical section while another is inside.
type overlap struct {
	mu               sync.Mutex
	inside, overlaps int
	entries          map[string]int
}

func (o *overlap) enter(who string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.entries == nil {
		o.entries = map[string]int{}
	}
	o.entries[who]++
	o.inside++
	if o.inside > 1 {
		o.overlaps++
	}
}

func (o *overlap) leave() {
	o.mu.Lock()
	o.inside--
	o.mu.Unlock()
}

// mixedCluster is one store with a node on v0.0.19 (old) and a node on this
// plugin's package (ours). Ours has its event hook wired, as after the
// upgrade; v0.0.19 has none.
func mixedCluster() (s *kvtest.Store, old, ours *kvtest.Instance) {
	s = kvtest.NewStore()
	old, ours = s.Instance(), s.Instance()
	ours.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { cluster.HandleClusterEvent(ours, ev) })
	return s, old, ours
}

// Goroutines on both versions lock one name in a loop: never two inside at
// once, and both versions get the lock.
func TestMixedClusterMutexExcludes(t *testing.T) {
	_, old, ours := mixedCluster()
	const name = "mixed"
	var o overlap
	stop := time.Now().Add(4 * time.Second)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		lm, err := legacy.NewMutex(old, name)
		if err != nil {
			t.Fatal(err)
		}
		om := cluster.NewMutex(ours, name)
		wg.Add(2)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				lm.Lock()
				o.enter("v0.0.19")
				time.Sleep(5 * time.Millisecond)
				o.leave()
				lm.Unlock()
				time.Sleep(20 * time.Millisecond) // let the other version in
			}
		}()
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				om.Lock()
				o.enter("ours")
				time.Sleep(5 * time.Millisecond)
				o.leave()
				om.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if o.overlaps != 0 {
		t.Fatalf("%d overlapping critical sections between versions", o.overlaps)
	}
	if o.entries["v0.0.19"] == 0 || o.entries["ours"] == 0 {
		t.Fatalf("entries per version %v: one version never got the lock", o.entries)
	}
	t.Logf("entries per version: %v", o.entries)
}

// The documented limit of v0.0.19: a holder whose lease lapsed deletes the
// next holder's lease on Unlock. Ours cannot prevent the delete, but tells
// its holder at the next refresh, so work under the lock can stop.
func TestLegacyUnlockAfterLapseIsSeenAsALostLease(t *testing.T) {
	s, old, ours := mixedCluster()
	const name = "blind-delete"
	lm, err := legacy.NewMutex(old, name)
	if err != nil {
		t.Fatal(err)
	}
	lm.Lock()
	if _, ok := s.ExpireNow("mutex_" + name); !ok {
		t.Fatal("no v0.0.19 lease stored")
	}
	const ttl = 2 * time.Second
	om := cluster.NewMutexWithConfig(ours, name, cluster.MutexConfig{TTL: ttl})
	om.Lock()
	lm.Unlock() // v0.0.19's blind delete
	if _, ok := s.Value("mutex_" + name); ok {
		t.Fatal("v0.0.19's Unlock left the next holder's lease: the documented limit no longer holds, update the doc")
	}
	select {
	case <-om.Lost():
	case <-time.After(ttl + time.Second): // one refresh interval (TTL/2), with headroom
		t.Fatal("our holder was not told its lease was deleted")
	}
	om.Unlock()
}

// jobStarts records callback starts on both versions.
type jobStarts struct {
	mu     sync.Mutex
	starts []time.Time
	who    []string
}

func (j *jobStarts) callback(who string, d time.Duration) func() {
	return func() {
		j.mu.Lock()
		j.starts = append(j.starts, time.Now())
		j.who = append(j.who, who)
		j.mu.Unlock()
		time.Sleep(d)
	}
}

func (j *jobStarts) check(t *testing.T, interval time.Duration) {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := 1; i < len(j.starts); i++ {
		if gap := j.starts[i].Sub(j.starts[i-1]); gap < interval {
			t.Errorf("run %d (%s) started %v after run %d (%s), interval %v", i, j.who[i], gap.Round(time.Millisecond), i-1, j.who[i-1], interval)
		}
	}
}

// One job scheduled on both versions: never two starts within an interval,
// whichever version runs it. v0.0.19 counts the interval from a run's end,
// ours from its start; each must honour the other's record.
func TestMixedClusterJobRunsAtMostOncePerInterval(t *testing.T) {
	_, old, ours := mixedCluster()
	const key = "mixed-job"
	const interval = 1500 * time.Millisecond
	var js jobStarts
	lj, err := legacy.Schedule(old, key, legacy.MakeWaitForInterval(interval), js.callback("v0.0.19", 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	oj, err := cluster.Schedule(ours, key, cluster.JobConfig{Interval: interval}, js.callback("ours", 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(8 * time.Second)
	_ = lj.Close()
	_ = oj.Close()
	js.check(t, interval)
	js.mu.Lock()
	defer js.mu.Unlock()
	if len(js.starts) < 3 {
		t.Fatalf("only %d runs in 8 s at a %v interval", len(js.starts), interval)
	}
	t.Logf("runs by %v", js.who)
}

// A record v0.0.19 wrote ({"LastFinished": …} only) is honoured by ours:
// the job is not due before LastFinished + Interval.
func TestOursHonoursARecordV0019Wrote(t *testing.T) {
	s, old, ours := mixedCluster()
	const key = "legacy-record"
	const interval = 2 * time.Second
	var js jobStarts
	lj, err := legacy.Schedule(old, key, legacy.MakeWaitForInterval(interval), js.callback("v0.0.19", 0))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if b, ok := s.Value("cron_" + key); ok {
			var rec struct{ LastFinished time.Time }
			if json.Unmarshal(b, &rec) == nil && !rec.LastFinished.IsZero() {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("v0.0.19 never recorded a run")
		}
		time.Sleep(5 * time.Millisecond)
	}
	_ = lj.Close()
	oj, err := cluster.Schedule(ours, key, cluster.JobConfig{Interval: interval}, js.callback("ours", 0))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(interval + time.Second)
	_ = oj.Close()
	js.check(t, interval)
	js.mu.Lock()
	defer js.mu.Unlock()
	if len(js.starts) < 2 {
		t.Fatalf("ours never ran after the v0.0.19 run (runs by %v)", js.who)
	}
}

// Our run is under way when our node is cut off from the database; its
// lease's store expiry passes (forced here: it does pass for a job whose
// interval is longer than that expiry), and v0.0.19 takes the job lock.
// What our node stored when the run started must keep v0.0.19 from running
// the job again within the interval: v0.0.19 reads only LastFinished.
func TestV0019DoesNotRerunAJobOursStartedBeforeDying(t *testing.T) {
	s, old, ours := mixedCluster()
	const key = "died-mid-run"
	const interval = 4 * time.Second
	const ttl = time.Second
	var js jobStarts
	started := make(chan struct{})
	var once sync.Once
	oj, err := cluster.Schedule(ours, key, cluster.JobConfig{Interval: interval, LockTTL: ttl}, func() {
		js.callback("ours", 0)()
		once.Do(func() { close(started) })
		time.Sleep(2 * ttl) // the node dies meanwhile
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("ours never ran")
	}
	ours.SetDown(true)
	lj, err := legacy.Schedule(old, key, legacy.MakeWaitForInterval(interval), js.callback("v0.0.19", 0))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(ttl)
	// An implementation whose leases expire in the store after one TTL has
	// no live lease left here; that is the same outcome.
	s.ExpireNow("mutex_cron_" + key)
	time.Sleep(interval + time.Second)
	// v0.0.19's Close waits for a Lock that cannot be cancelled: release
	// ours first.
	ours.SetDown(false)
	_ = oj.Close()
	_ = lj.Close()
	js.check(t, interval)
}
