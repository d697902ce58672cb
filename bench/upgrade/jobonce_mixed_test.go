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
// whole story. Our nodes scan only at Start here (ScanInterval of an
// hour), so who can run what is known:
//   - jobs ours scheduled, found by v0.0.19 at its Start: both versions
//     compete for them;
//   - jobs of one of our nodes that then went away: only v0.0.19 runs them
//     (it reads our records);
//   - jobs v0.0.19 scheduled before its node was taken down: a new node of
//     ours, started afterwards, runs them (we read its records);
//   - a job ours scheduled and v0.0.19 cancelled: nobody runs it.
//
// Each job runs exactly once. Catches a layout that differs from v0.0.19's
// in key, lock or record (a version misses the other's jobs, or both run
// one).
func TestMixedClusterOneShotJobsRunOnceEach(t *testing.T) {
	store := kvtest.NewStore()
	old := store.Instance()
	runs := &onceRuns{}
	startOurs := func() *cluster.JobOnceScheduler {
		in := store.Instance()
		in.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { cluster.HandleClusterEvent(in, ev) })
		s, err := cluster.NewJobOnceScheduler(in, cluster.JobOnceConfig{ScanInterval: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		_ = s.SetCallback(func(key string) { runs.run("ours", key) })
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	schedule := func(s interface {
		ScheduleOnce(string, time.Time) (*cluster.JobOnce, error)
	}, prefix string, n int, at time.Time) []string {
		var keys []string
		for i := 0; i < n; i++ {
			k := fmt.Sprintf("%s-%d", prefix, i)
			if _, err := s.ScheduleOnce(k, at); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		return keys
	}
	waitRun := func(keys []string, deadline time.Time) {
		for _, k := range keys {
			for runs.count(k) == 0 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
		}
	}

	const n = 8
	runAt := time.Now().Add(1500 * time.Millisecond)
	ours := []*cluster.JobOnceScheduler{startOurs(), startOurs()}
	shared := append(schedule(ours[0], "shared-a", n/2, runAt), schedule(ours[1], "shared-b", n/2, runAt)...)
	if _, err := ours[0].ScheduleOnce("cancelled-by-old", runAt); err != nil {
		t.Fatal(err)
	}
	gone := startOurs()
	forOld := schedule(gone, "for-old", n/2, runAt)
	_ = gone.Close()

	ls := legacy.GetJobOnceScheduler(old)
	_ = ls.SetCallback(func(key string) { runs.run("v0.0.19", key) })
	if err := ls.Start(); err != nil { // finds every job above
		// v0.0.19's scheduler starts once per process (-count above 1).
		t.Skip("v0.0.19's process-wide scheduler was started by an earlier run:", err)
	}
	ls.Cancel("cancelled-by-old")
	var handover []string
	for i := 0; i < n/2; i++ {
		k := fmt.Sprintf("handover-%d", i)
		if _, err := ls.ScheduleOnce(k, runAt.Add(3*time.Second)); err != nil {
			t.Fatal(err)
		}
		handover = append(handover, k)
	}
	if list, err := ours[1].ListScheduledJobs(); err != nil || len(list) != len(shared)+len(forOld)+len(handover) {
		t.Fatalf("ours lists %d pending jobs (%v), want those of both versions", len(list), err)
	}

	deadline := time.Now().Add(15 * time.Second)
	waitRun(append(append([]string{}, shared...), forOld...), deadline)
	old.SetDown(true) // the v0.0.19 node is upgraded away
	startOurs()       // and a new node starts, finding what it left
	waitRun(handover, deadline)
	time.Sleep(time.Second) // room for a second run

	runs.mu.Lock()
	defer runs.mu.Unlock()
	perVersion := map[string]int{}
	for _, k := range append(append(append([]string{}, shared...), forOld...), handover...) {
		if got := runs.byKey[k]; len(got) != 1 {
			t.Errorf("%s ran %d times (%v), want once", k, len(got), got)
		} else {
			perVersion[got[0]]++
		}
	}
	for _, k := range forOld {
		if got := runs.byKey[k]; len(got) == 1 && got[0] != "v0.0.19" {
			t.Errorf("%s, whose node of ours went away, ran on %s", k, got[0])
		}
	}
	for _, k := range handover {
		if got := runs.byKey[k]; len(got) == 1 && got[0] != "ours" {
			t.Errorf("%s, left by the v0.0.19 node taken down, ran on %s", k, got[0])
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
