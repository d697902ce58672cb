package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
	"github.com/mattermost/mattermost-server/v5/model"
)

// oneShotRun is one callback of a one-shot job, on instance node.
type oneShotRun struct {
	key        string
	node       int
	start, end time.Time
}

// oneShotRuns records every callback of the schedulers of a test, and
// fails on two runs of one key at once.
type oneShotRuns struct {
	mu       sync.Mutex
	runs     []oneShotRun
	inside   map[string]int
	overlaps int
}

func (r *oneShotRuns) enter(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inside == nil {
		r.inside = map[string]int{}
	}
	r.inside[key]++
	if r.inside[key] > 1 {
		r.overlaps++
	}
}

func (r *oneShotRuns) leave(run oneShotRun) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inside[run.key]--
	r.runs = append(r.runs, run)
}

func (r *oneShotRuns) of(key string) []oneShotRun {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []oneShotRun
	for _, run := range r.runs {
		if run.key == key {
			out = append(out, run)
		}
	}
	return out
}

// fastScan makes schedulers find each other's jobs quickly, and take over
// a dead holder's lock within a second.
var fastScan = JobOnceConfig{ScanInterval: 50 * time.Millisecond, LockTTL: time.Second}

// startScheduler starts a scheduler on in whose callback is recorded in
// runs as node, and runs body (if any) inside the callback.
func startScheduler(t *testing.T, in JobOncePluginAPI, node int, runs *oneShotRuns, body func(ctx context.Context, key string) error) *JobOnceScheduler {
	t.Helper()
	s, err := NewJobOnceScheduler(in, fastScan)
	if err != nil {
		t.Fatal(err)
	}
	err = s.SetCallbackContext(func(ctx context.Context, key string, _ []byte) error {
		run := oneShotRun{key: key, node: node, start: time.Now()}
		runs.enter(key)
		defer func() {
			run.end = time.Now()
			runs.leave(run)
		}()
		if body != nil {
			return body(ctx, key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func inspectOnce(t *testing.T, in JobPluginAPI, key string) JobOnceState {
	t.Helper()
	st, err := InspectJobOnce(in, key)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// Every instance tracks every job, and reads lag on replicas, yet each key
// runs exactly once, never before its time. Catches a scheduler that runs a
// job it read as pending from a replica without a compare-and-set (the run
// that deleted it is not visible yet: a second run), one that runs on a
// timer without the lock, and one that fires before RunAt.
func TestOneShotRunsOnceAcrossInstancesAtOrAfterItsTime(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	store, ins := newCluster(3, true)
	store.SetReplicaLag(0, 300*time.Millisecond)
	runs := &oneShotRuns{}
	scheds := make([]*JobOnceScheduler, len(ins))
	for i, in := range ins {
		scheds[i] = startScheduler(t, in, i, runs, nil)
	}
	runAt := time.Now().Add(400 * time.Millisecond)
	const jobs = 12
	for k := 0; k < jobs; k++ {
		if _, err := scheds[k%len(scheds)].ScheduleOnce(fmt.Sprintf("once-%d", k), runAt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := scheds[1].ScheduleOnce("once-0", runAt); !errors.Is(err, ErrJobOnceExists) {
		t.Fatalf("scheduling a pending key again: got %v, want ErrJobOnceExists", err)
	}
	eventually(t, 10*time.Second, "every job to run", func() bool {
		runs.mu.Lock()
		defer runs.mu.Unlock()
		return len(runs.runs) >= jobs
	})
	time.Sleep(time.Second) // room for a second run of any key (replicas lag 300 ms)
	for k := 0; k < jobs; k++ {
		key := fmt.Sprintf("once-%d", k)
		got := runs.of(key)
		if len(got) != 1 {
			t.Fatalf("%s ran %d times, want once", key, len(got))
		}
		if got[0].start.Before(runAt) {
			t.Fatalf("%s ran %v before its time", key, runAt.Sub(got[0].start))
		}
		st := inspectOnce(t, ins[0], key)
		if st.Pending != nil || st.Last == nil || st.Last.Err != "" || st.Last.Attempts != 1 || st.Last.StartedAt.IsZero() {
			t.Fatalf("%s: state after its run %+v / %+v", key, st.Pending, st.Last)
		}
	}
	if runs.overlaps != 0 {
		t.Fatalf("%d runs overlapped", runs.overlaps)
	}
}

// Cancel on an instance that never tracked the job stops it on the instance
// that scheduled it. Catches a Cancel that only stops local timers (as a
// scheduler without the store record would).
func TestCancelledOneShotRunsNowhere(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, true)
	runs := &oneShotRuns{}
	a := startScheduler(t, ins[0], 0, runs, nil)
	b, err := NewJobOnceScheduler(ins[1], JobOnceConfig{ScanInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	runAt := time.Now().Add(300 * time.Millisecond)
	if _, err := a.ScheduleOnce("cancelled", runAt); err != nil {
		t.Fatal(err)
	}
	kept, err := a.ScheduleOnce("kept", runAt)
	if err != nil {
		t.Fatal(err)
	}
	if list, err := b.ListScheduledJobs(); err != nil || len(list) != 2 {
		t.Fatalf("ListScheduledJobs on another instance: %v, %v; want both jobs", list, err)
	}
	if err := b.Cancel("cancelled"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "the kept job to run", func() bool { return len(runs.of(kept.Key())) == 1 })
	time.Sleep(200 * time.Millisecond)
	if got := runs.of("cancelled"); len(got) != 0 {
		t.Fatalf("the cancelled job ran %d times", len(got))
	}
	st := inspectOnce(t, ins[0], "cancelled")
	if st.Pending != nil || st.Last == nil || !st.Last.Cancelled {
		t.Fatalf("state after Cancel: %+v / %+v", st.Pending, st.Last)
	}
	if list, err := a.ListScheduledJobs(); err != nil || len(list) != 0 {
		t.Fatalf("ListScheduledJobs after the runs: %v, %v", list, err)
	}
}

// An instance that scheduled jobs and restarted (its scheduler closed, a new
// one started) runs them: due ones at Start, later ones at their time. A
// scheduler that keeps jobs only in memory loses them.
func TestOneShotSurvivesRestartOfTheSchedulingInstance(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	runs := &oneShotRuns{}
	first := startScheduler(t, ins[0], 0, runs, nil)
	if _, err := first.ScheduleOnce("past", time.Now().Add(100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if _, err := first.ScheduleOnce("future", time.Now().Add(700*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_ = first.Close()
	time.Sleep(300 * time.Millisecond) // "past" is due while nobody runs
	if n := len(runs.of("past")); n != 0 {
		t.Fatalf("a closed scheduler ran a job %d times", n)
	}
	startScheduler(t, ins[0], 0, runs, nil)
	eventually(t, 5*time.Second, "both jobs to run after the restart", func() bool {
		return len(runs.of("past")) == 1 && len(runs.of("future")) == 1
	})
}

// The instance that scheduled a job dies before its time: another instance,
// which found the job in its scan, runs it. A scheduler that only runs the
// jobs it scheduled itself never runs it.
func TestOneShotFailsOverWhenTheSchedulingInstanceDies(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, true)
	runs := &oneShotRuns{}
	a := startScheduler(t, ins[0], 0, runs, nil)
	startScheduler(t, ins[1], 1, runs, nil)
	if _, err := a.ScheduleOnce("failover", time.Now().Add(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * fastScan.ScanInterval) // b scans
	ins[0].SetDown(true)
	_ = a.Close()
	eventually(t, 5*time.Second, "the other instance to run the job", func() bool { return len(runs.of("failover")) == 1 })
	if got := runs.of("failover"); got[0].node != 1 {
		t.Fatalf("ran on instance %d", got[0].node)
	}
}

// The instance running a job is cut off from the store mid-run: its lease
// lapses, its callback's context ends, and another instance records the
// attempt as lost and runs the job again — never while the first run is
// still inside. Catches a scheduler that does not end the callback's
// context when the lease is lost (the retry overlaps the first run), and
// one that deletes the record before the callback (no retry).
func TestOneShotRunWithALostLeaseIsRecordedAndRetried(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, true)
	runs := &oneShotRuns{}
	var cutOnce sync.Once
	body := func(node int) func(ctx context.Context, key string) error {
		return func(ctx context.Context, key string) error {
			if node != 0 {
				return nil
			}
			cutOnce.Do(func() { ins[0].SetDown(true) })
			<-ctx.Done() // the lease is lost
			return ctx.Err()
		}
	}
	a := startScheduler(t, ins[0], 0, runs, body(0))
	if _, err := a.ScheduleOnce("lost", time.Now().Add(100*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "the first run to start", func() bool {
		runs.mu.Lock()
		defer runs.mu.Unlock()
		return runs.inside["lost"] == 1
	})
	startScheduler(t, ins[1], 1, runs, body(1))
	eventually(t, 10*time.Second, "the retry on the other instance", func() bool {
		for _, r := range runs.of("lost") {
			if r.node == 1 {
				return true
			}
		}
		return false
	})
	got := runs.of("lost")
	if runs.overlaps != 0 || len(got) != 2 || got[0].node != 0 || got[1].start.Before(got[0].end) {
		t.Fatalf("runs %+v (%d overlapping): want instance 0's, then instance 1's after it ended", got, runs.overlaps)
	}
	ins[0].SetDown(false)
	st := inspectOnce(t, ins[1], "lost")
	if st.Pending != nil || st.Last == nil || st.Last.Attempts != 2 || st.Last.Err != "" {
		t.Fatalf("state after the retry: %+v / %+v; want 2 attempts, the last fine", st.Pending, st.Last)
	}
}

// A record written by mattermost-plugin-api v0.0.19 ({"Key","RunAt"} under
// "once_" + key) is listed and run, once, at its time. A scheduler that
// requires its own fields (the id) skips it, and the job is lost in a
// rolling upgrade.
func TestLegacyOneShotRecordRuns(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, true)
	runAt := time.Now().Add(300 * time.Millisecond)
	legacy, _ := json.Marshal(struct {
		Key   string
		RunAt time.Time
	}{"legacy-once", runAt})
	if _, appErr := ins[0].KVSetWithOptions("once_legacy-once", legacy, model.PluginKVSetOptions{Atomic: true}); appErr != nil {
		t.Fatal(appErr)
	}
	runs := &oneShotRuns{}
	a := startScheduler(t, ins[0], 0, runs, nil)
	startScheduler(t, ins[1], 1, runs, nil)
	list, err := a.ListScheduledJobs()
	if err != nil || len(list) != 1 || list[0].Key != "legacy-once" || !list[0].RunAt.Equal(runAt) {
		t.Fatalf("ListScheduledJobs: %+v, %v", list, err)
	}
	eventually(t, 5*time.Second, "the legacy job to run", func() bool { return len(runs.of("legacy-once")) == 1 })
	time.Sleep(200 * time.Millisecond)
	if got := runs.of("legacy-once"); len(got) != 1 || got[0].start.Before(runAt) {
		t.Fatalf("runs %+v", got)
	}
}

// A panic and an error are the run's outcome, recorded, and the job does
// not run again (at most once); the scheduler keeps working.
func TestOneShotFailureIsRecordedNotRetried(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	runs := &oneShotRuns{}
	s := startScheduler(t, ins[0], 0, runs, func(_ context.Context, key string) error {
		if key == "panics" {
			panic("boom")
		}
		return errors.New("no luck")
	})
	for _, k := range []string{"panics", "fails"} {
		if _, err := s.ScheduleOnce(k, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 5*time.Second, "both outcomes", func() bool {
		a, b := inspectOnce(t, ins[0], "panics"), inspectOnce(t, ins[0], "fails")
		return a.Last != nil && b.Last != nil
	})
	if st := inspectOnce(t, ins[0], "panics"); !strings.Contains(st.Last.Err, "boom") {
		t.Fatalf("panic outcome %q", st.Last.Err)
	}
	if st := inspectOnce(t, ins[0], "fails"); st.Last.Err != "no luck" {
		t.Fatalf("error outcome %q", st.Last.Err)
	}
	time.Sleep(200 * time.Millisecond)
	if len(runs.of("panics")) != 1 || len(runs.of("fails")) != 1 {
		t.Fatal("a failed one-shot job ran again")
	}
}

// Props reach the callback; the scheduler refuses to schedule before Start
// and to start without a callback, as v0.0.19's does.
func TestOneShotPropsAndStartOrder(t *testing.T) {
	t.Parallel()
	store := kvtest.NewStore()
	in := store.Instance()
	s, err := NewJobOnceScheduler(in, fastScan)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ScheduleOnce("early", time.Now()); err == nil {
		t.Fatal("ScheduleOnce before Start succeeded")
	}
	if err := s.Start(); err == nil {
		t.Fatal("Start without a callback succeeded")
	}
	got := make(chan string, 1)
	_ = s.SetCallbackContext(func(_ context.Context, key string, props []byte) error {
		got <- key + ":" + string(props)
		return nil
	})
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScheduleOnceWithProps("with-props", time.Now(), []byte(`{"channel":"c1"}`)); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-got:
		if v != `with-props:{"channel":"c1"}` {
			t.Fatalf("callback got %q", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the job never ran")
	}
}
