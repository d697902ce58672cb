package cluster

import (
	"context"
	"errors"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestScheduleRejectsBadConfig(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	for _, iv := range []time.Duration{0, -time.Second} {
		if _, err := Schedule(ins[0], "bad", JobConfig{Interval: iv}, func() {}); err == nil {
			t.Fatalf("interval %v accepted", iv)
		}
	}
	if _, err := Schedule(ins[0], "", JobConfig{Interval: time.Second}, func() {}); err == nil {
		t.Fatal("empty key accepted")
	}
}

// Three instances schedule one job: runs never overlap and never start
// within one interval of each other, anywhere in the cluster; and none is
// skipped: the first starts at once and each next one within
// onScheduleSlack of its due time, to the end of the window. An
// implementation that lets two instances run the job in one interval fails
// on the gaps' lower end; one that skips runs (say, every other due time, or
// each time the lock changes instance) fails on their upper end.
func TestJobRunsAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(3, true)
	const interval = 300 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	var det overlapDetector
	var jobs []*Job
	scheduled := time.Now()
	for _, in := range ins {
		j, err := Schedule(in, "once", JobConfig{Interval: interval}, func() {
			det.enter()
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			time.Sleep(10 * time.Millisecond)
			det.leave()
		})
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	time.Sleep(7 * interval)
	closed := time.Now()
	for _, j := range jobs {
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if det.count() != 0 {
		t.Fatalf("%d overlapping runs", det.count())
	}
	checkStartsOnSchedule(t, starts, scheduled, closed, interval)
	st, err := InspectJob(ins[0], "once")
	if err != nil || st.Runs != int64(len(starts)) || st.Running || st.Interval != interval {
		t.Fatalf("InspectJob = %+v, %v; %d runs seen", st, err, len(starts))
	}
}

// onScheduleSlack is how late after its due time a run of a job with the
// given interval may start in these tests: half an interval. That is many
// KV round trips and timer overshoots even on a loaded machine, yet a
// skipped run shows as a gap of two intervals, well beyond it.
func onScheduleSlack(interval time.Duration) time.Duration { return interval / 2 }

// checkStartsOnSchedule checks the callback starts of a job scheduled at
// scheduled and closed at closed: the first at once, each next one an
// interval after the previous one (never earlier, at most onScheduleSlack
// later), and the last one less than an interval plus that slack before
// closed. Together these count the runs exactly: none extra, none skipped.
func checkStartsOnSchedule(t *testing.T, starts []time.Time, scheduled, closed time.Time, interval time.Duration) {
	t.Helper()
	slack := onScheduleSlack(interval)
	if len(starts) == 0 {
		t.Fatalf("no run in %v at a %v interval", closed.Sub(scheduled), interval)
	}
	if late := starts[0].Sub(scheduled); late > slack {
		t.Errorf("the first run started %v after the job was scheduled, want at once (at most %v)", late, slack)
	}
	longest := time.Duration(0)
	for i := 1; i < len(starts); i++ {
		gap := starts[i].Sub(starts[i-1])
		if gap < interval || gap > interval+slack {
			t.Errorf("runs %d and %d started %v apart, want between the %v interval and %v", i-1, i, gap, interval, interval+slack)
		}
		if gap > longest {
			longest = gap
		}
	}
	t.Logf("%d runs in %v at a %v interval, the longest gap %v", len(starts), closed.Sub(scheduled).Round(time.Millisecond), interval, longest)
	if idle := closed.Sub(starts[len(starts)-1]); idle > interval+slack {
		t.Errorf("no run in the last %v before the job closed: a run due then was skipped", idle)
	}
}

func TestJobPanicIsRecoveredAndRecorded(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	var mu sync.Mutex
	runs := 0
	finished := make(chan Run, 10)
	j, err := Schedule(ins[0], "panicky", JobConfig{
		Interval:      50 * time.Millisecond,
		OnRunFinished: func(r Run) { finished <- r },
	}, func() {
		mu.Lock()
		runs++
		mu.Unlock()
		panic("boom")
	})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for i := 0; i < 2; i++ { // it keeps its schedule after a panic
		select {
		case r := <-finished:
			if !strings.Contains(r.Err, "boom") {
				t.Fatalf("run error %q does not record the panic", r.Err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("panicking job did not run again")
		}
	}
	st, err := InspectJob(ins[0], "panicky")
	if err != nil || !strings.Contains(st.LastError, "panic: boom") {
		t.Fatalf("state %+v, %v", st, err)
	}
	logged := false
	for _, l := range ins[0].Logs() {
		logged = logged || strings.Contains(l, "panicked")
	}
	if !logged {
		t.Fatal("panic not logged")
	}
}

func TestJobRunNowAndMetadata(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, true)
	SetNode(ins[0], Node{ID: "n-a", Name: "A"})
	started := make(chan Run, 10)
	j, err := ScheduleContext(ins[0], "nightly", JobConfig{
		Interval:     time.Hour,
		OnRunStarted: func(r Run) { started <- r },
	}, func(ctx context.Context) error { return errors.New("partial failure") })
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	select { // a job that never ran is due at once
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("first run did not start")
	}
	eventually(t, 5*time.Second, "first run recorded", func() bool {
		st, _ := InspectJob(ins[1], "nightly")
		return st.Runs == 1
	})
	if err := j.RunNow(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-started:
		if r.Node.ID != "n-a" || r.Job != "nightly" {
			t.Fatalf("run = %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RunNow did not run the job within an hour-long interval")
	}
	eventually(t, 5*time.Second, "second run recorded", func() bool {
		st, _ := InspectJob(ins[1], "nightly")
		return st.Runs == 2
	})
	st, _ := InspectJob(ins[1], "nightly")
	if st.LastError != "partial failure" || st.LastNode.Name != "A" || st.LastFinishedAt.Before(st.LastStartedAt) ||
		!st.NextRunAt.After(time.Now().Add(50*time.Minute)) {
		t.Fatalf("state = %+v", st)
	}
	select {
	case r := <-started:
		t.Fatalf("an extra run: %+v", r)
	case <-time.After(200 * time.Millisecond):
	}
}

// The instance running a job dies mid-run (cut off from the store): its
// lease lapses, another instance takes the job over within TTL + interval
// (plus an interval of slack, still well under two TTLs), records the dead
// run as lost, and the dying run's context is cancelled. An instance that
// takes a dead holder's lock only after watching its lease unchanged for
// longer than a TTL (say, the store's expiry and then a TTL of its own: two
// TTLs) fails on the time.
func TestJobFailoverRecordsLostRun(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	_, ins := newCluster(2, true)
	SetNode(ins[0], Node{ID: "dying", Name: "dying"})
	const interval = 300 * time.Millisecond
	cfg := JobConfig{Interval: interval, LockTTL: time.Second}

	inRun := make(chan struct{})
	cancelled := make(chan struct{})
	var once sync.Once
	ja, err := ScheduleContext(ins[0], "failover", cfg, func(ctx context.Context) error {
		once.Do(func() { close(inRun) })
		<-ctx.Done()
		close(cancelled)
		return ctx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer ja.Close()
	select {
	case <-inRun:
	case <-time.After(5 * time.Second):
		t.Fatal("the first instance never ran the job")
	}

	bRan := make(chan time.Time, 10)
	seenAtStart := make(chan JobState, 10)
	cfgB := cfg
	cfgB.OnRunStarted = func(Run) {
		st, _ := InspectJob(ins[1], "failover")
		seenAtStart <- st
	}
	jb, err := Schedule(ins[1], "failover", cfgB, func() { bRan <- time.Now() })
	if err != nil {
		t.Fatal(err)
	}
	defer jb.Close()

	died := time.Now()
	ins[0].SetDown(true)
	select {
	case at := <-bRan:
		// TTL + interval, plus generous slack for the race detector.
		d := at.Sub(died)
		t.Logf("took over %v after the first instance died", d)
		if limit := cfg.LockTTL + 2*interval; d > limit {
			t.Fatalf("took over %v after the first instance died, want at most %v (TTL + interval + an interval of slack)", d, limit)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no other instance took the job over")
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the dying run's context was not cancelled")
	}
	st := <-seenAtStart
	if !strings.Contains(st.LastError, "lost") || !strings.Contains(st.LastError, "dying") || st.Runs != 1 || st.LastNode.ID != "dying" {
		t.Fatalf("the taking-over instance did not record the lost run: %+v", st)
	}
	ins[0].SetDown(false)
}

func TestJobCloseWaitsForRunningCallback(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	inRun := make(chan struct{})
	var finished bool
	var mu sync.Mutex
	j, err := ScheduleContext(ins[0], "closing", JobConfig{Interval: time.Hour}, func(ctx context.Context) error {
		close(inRun)
		<-ctx.Done()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		finished = true
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	<-inRun
	_ = j.Close()
	mu.Lock()
	defer mu.Unlock()
	if !finished {
		t.Fatal("Close returned before the callback did")
	}
	if err := j.RunNow(); err == nil {
		t.Fatal("RunNow on a closed job succeeded")
	}
	_ = j.Close() // idempotent
}

func TestJobLockIsKnownAndInspectable(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	inRun := make(chan struct{})
	release := make(chan struct{})
	j, err := Schedule(ins[0], "visible", JobConfig{Interval: time.Hour}, func() {
		close(inRun)
		<-release
	})
	if err != nil {
		t.Fatal(err)
	}
	<-inRun
	st, err := InspectLock(ins[0], JobLockName("visible"))
	if err != nil || !st.Held || st.Name != JobLockName("visible") {
		t.Fatalf("job lock while running: %+v, %v", st, err)
	}
	js, _ := InspectJob(ins[0], "visible")
	if !js.Running || js.RunningOn.ID == "" {
		t.Fatalf("job state while running: %+v", js)
	}
	found := false
	for _, n := range KnownLocks(ins[0]) {
		found = found || n == JobLockName("visible")
	}
	if !found {
		t.Fatalf("KnownLocks = %v", KnownLocks(ins[0]))
	}
	close(release)
	_ = j.Close()
}

// The documented JobPluginAPI alone (no events) is enough for jobs.
func TestJobWithTheDocumentedAPIOnly(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, false)
	var mu sync.Mutex
	runs := 0
	var jobs []*Job
	for _, in := range ins {
		j, err := Schedule(&jobOnly{kvOnly{in}}, "plain", JobConfig{Interval: time.Hour}, func() {
			mu.Lock()
			runs++
			mu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	eventually(t, 5*time.Second, "one run", func() bool {
		st, _ := InspectJob(ins[0], "plain")
		return st.Runs == 1
	})
	time.Sleep(300 * time.Millisecond)
	for _, j := range jobs {
		_ = j.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if runs != 1 {
		t.Fatalf("%d runs of an hourly job on two instances", runs)
	}
}

// A run is due an Interval after the previous callback began, whatever the
// KV latency: a slow record write before one run and a fast one before the
// next must not bring the two callbacks closer than an Interval. The store's
// latency swings between 0 and 12 ms while the job runs, so this fails when
// the due time is taken from before the record write. The runs are also
// counted exactly (see checkStartsOnSchedule): a job that makes up for the
// latency by skipping runs fails too.
func TestJobCallbacksStartAnIntervalApartWhateverTheKVLatency(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	in := ins[0]
	stopSwing := make(chan struct{})
	swung := make(chan struct{})
	go func() {
		defer close(swung)
		for slow := true; ; slow = !slow {
			if slow {
				in.SetLatency(12 * time.Millisecond)
			} else {
				in.SetLatency(0)
			}
			select {
			case <-stopSwing:
				return
			case <-time.After(time.Duration(3+rand.Intn(9)) * time.Millisecond):
			}
		}
	}()
	const interval = 200 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	scheduled := time.Now()
	j, err := Schedule(in, "spaced", JobConfig{Interval: interval}, func() {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * interval)
	closed := time.Now()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	close(stopSwing)
	<-swung
	mu.Lock()
	defer mu.Unlock()
	checkStartsOnSchedule(t, starts, scheduled, closed, interval)
}
