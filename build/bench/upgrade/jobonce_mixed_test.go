package upgrade

// One-shot jobs in a rolling upgrade. v0.0.19 (cluster/job_once*.go) keeps
// a pending job as {"Key","RunAt"} under "once_" + key and runs it under
// the lock "mutex_" + key: lock, read the record, run the callback if it is
// there, delete it. Ours uses the same key, lock and record (with more
// fields, which v0.0.19's decoder ignores), so each version runs the
// other's jobs and a job pending on either is run by exactly one node:
// whoever holds the lock first runs it and deletes the record; the other
// finds no record. What v0.0.19 allows: it polls the store for jobs other
// nodes scheduled only at Start and every 5 minutes, it reads the record
// with KVGet (a replica in a licensed cluster: with replica lag it can run
// a job a second time, which nothing on our nodes can prevent), and a
// v0.0.19 run whose node dies mid-run is run again by the next lock holder
// (as ours does, recorded). The test below checks the promise with the
// store on the master and no faults in v0.0.19's calls.

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	legacy "github.com/mattermost/mattermost-plugin-api/cluster"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// onceRuns counts one-shot runs per key and per version, and runs of one
// key at once.
type onceRuns struct {
	mu       sync.Mutex
	byKey    map[string][]string
	inside   map[string]int
	overlaps int
}

func (r *onceRuns) run(version, key string) {
	r.mu.Lock()
	if r.byKey == nil {
		r.byKey, r.inside = map[string][]string{}, map[string]int{}
	}
	r.inside[key]++
	if r.inside[key] > 1 {
		r.overlaps++
	}
	r.byKey[key] = append(r.byKey[key], version)
	r.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	r.mu.Lock()
	r.inside[key]--
	r.mu.Unlock()
}

func (r *onceRuns) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byKey[key])
}

// v0.0.19's scheduler is a process-wide singleton, so one test holds the
// whole story: jobs scheduled on either version while both run, a
// cancellation across versions, and jobs left by a v0.0.19 node that is
// then taken down (upgraded). Each job runs exactly once; the cancelled
// one never. Catches a layout that differs from v0.0.19's in key, lock or
// record (either version then misses the other's jobs, or runs them twice).
func TestMixedClusterOneShotJobsRunOnceEach(t *testing.T) {
	store := kvtest.NewStore()
	old := store.Instance()
	var ours []*cluster.JobOnceScheduler
	runs := &onceRuns{}
	for i := 0; i < 2; i++ {
		in := store.Instance()
		in.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { cluster.HandleClusterEvent(in, ev) })
		s, err := cluster.NewJobOnceScheduler(in, cluster.JobOnceConfig{ScanInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		_ = s.SetCallback(func(key string) { runs.run("ours", key) })
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ours = append(ours, s)
	}

	const n = 8
	runAt := time.Now().Add(1500 * time.Millisecond)
	var keys []string
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("ours-%d", i)
		if _, err := ours[i%2].ScheduleOnce(k, runAt); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if _, err := ours[0].ScheduleOnce("cancelled-by-old", runAt); err != nil {
		t.Fatal(err)
	}

	ls := legacy.GetJobOnceScheduler(old)
	_ = ls.SetCallback(func(key string) { runs.run("v0.0.19", key) })
	if err := ls.Start(); err != nil { // finds ours' jobs
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("old-%d", i)
		if _, err := ls.ScheduleOnce(k, runAt); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	ls.Cancel("cancelled-by-old")
	if list, err := ours[1].ListScheduledJobs(); err != nil || len(list) != 2*n {
		t.Fatalf("ours lists %d pending jobs (%v), want the %d of both versions", len(list), err, 2*n)
	}

	// The v0.0.19 node schedules jobs and is taken down before their time.
	handAt := runAt.Add(3 * time.Second) // after the shared jobs ran and the node went down
	for i := 0; i < n/2; i++ {
		k := fmt.Sprintf("handover-%d", i)
		if _, err := ls.ScheduleOnce(k, handAt); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}

	deadline := time.Now().Add(15 * time.Second)
	for _, k := range keys[:2*n] {
		for runs.count(k) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	old.SetDown(true) // after the shared jobs ran: the v0.0.19 node is upgraded away
	for _, k := range keys[2*n:] {
		for runs.count(k) == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	time.Sleep(time.Second) // room for a second run

	runs.mu.Lock()
	defer runs.mu.Unlock()
	perVersion := map[string]int{}
	for _, k := range keys {
		if got := runs.byKey[k]; len(got) != 1 {
			t.Errorf("%s ran %d times (%v), want once", k, len(got), got)
		} else {
			perVersion[got[0]]++
		}
	}
	if got := runs.byKey["cancelled-by-old"]; len(got) != 0 {
		t.Errorf("a job ours scheduled and v0.0.19 cancelled ran %v", got)
	}
	if runs.overlaps != 0 {
		t.Errorf("%d runs of one key at once", runs.overlaps)
	}
	t.Logf("runs per version: %v", perVersion)
}
