package cluster

import (
	"sync"
	"testing"
	"time"
)

// The two wait functions give what v0.0.19's give for the same metadata:
// at once when the job never ran, an interval after the last finish, the
// next rounded time after the last finish. Catches rounding from now
// instead of from the last finish, and start-to-start for the plain one.
func TestWaitFunctionsMatchTheWidelyUsedOnes(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 12, 4, 0, 0, time.UTC)
	five := 5 * time.Minute
	cases := []struct {
		name string
		wait NextWaitInterval
		now  time.Time
		meta JobMetadata
		want time.Duration
	}{
		{"interval, never ran", MakeWaitForInterval(five), base, JobMetadata{}, 0},
		{"interval, from the finish", MakeWaitForInterval(five), base, JobMetadata{LastFinished: base.Add(-time.Minute), LastStarted: base.Add(-3 * time.Minute)}, 4 * time.Minute},
		{"rounded, never ran", MakeWaitForRoundedInterval(five), base, JobMetadata{}, 0},
		{"rounded, next multiple", MakeWaitForRoundedInterval(five), base, JobMetadata{LastFinished: base}, time.Minute},
		{"rounded, overdue", MakeWaitForRoundedInterval(five), base.Add(time.Hour), JobMetadata{LastFinished: base}, 0},
	}
	for _, c := range cases {
		if got := c.wait(c.now, c.meta); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

// A rounded job on three instances with lagging replicas runs once per
// rounded time, at or after it. Catches a wait-function job that decides
// from a stale record without a compare-and-set (a second run for one
// rounded time), and one that recomputes the due time from the clock only
// (runs between rounded times).
func TestRoundedJobRunsOncePerRoundedTime(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	store, ins := newCluster(3, true)
	store.SetReplicaLag(0, 150*time.Millisecond)
	// Long enough that half a round (the lateness allowed below) is well
	// beyond a replica lag plus a poll on a loaded machine: the point is
	// one run per rounded time, not its punctuality.
	const round = time.Second
	var mu sync.Mutex
	var starts []time.Time
	var jobs []*Job
	for _, in := range ins {
		j, err := ScheduleWait(in, "rounded", MakeWaitForRoundedInterval(round), func() {
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
			time.Sleep(10 * time.Millisecond)
		})
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	time.Sleep(6 * round)
	closeJobs(t, jobs)
	mu.Lock()
	defer mu.Unlock()
	if len(starts) < 3 {
		t.Fatalf("only %d runs in %v", len(starts), 6*round)
	}
	seen := map[time.Time]bool{}
	for i, s := range starts[1:] { // the first run is at once, by design
		slot := s.Truncate(round)
		if s.Sub(slot) > round/2 {
			t.Errorf("run %d started %v after its rounded time", i+1, s.Sub(slot))
		}
		if seen[slot] {
			t.Errorf("two runs for the rounded time %v", slot.Format("15:04:05.000"))
		}
		seen[slot] = true
	}
}

// A wait function that names the same due time again after a run (here:
// always the same instant) gets no second run for it.
func TestWaitJobRunsOncePerDueTime(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(2, false)
	due := time.Now().Add(200 * time.Millisecond)
	fixed := func(now time.Time, _ JobMetadata) time.Duration { return due.Sub(now) }
	var mu sync.Mutex
	runs := 0
	var jobs []*Job
	for _, in := range ins {
		j, err := ScheduleWait(in, "fixed", fixed, func() {
			mu.Lock()
			runs++
			mu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	time.Sleep(200*time.Millisecond + 2*waitRecheck)
	closeJobs(t, jobs)
	mu.Lock()
	defer mu.Unlock()
	if runs != 1 {
		t.Fatalf("%d runs for one due time", runs)
	}
}

func TestScheduleWaitRefusesBadArguments(t *testing.T) {
	t.Parallel()
	_, ins := newCluster(1, false)
	w := MakeWaitForInterval(time.Minute)
	for name, f := range map[string]func() (*Job, error){
		"empty key": func() (*Job, error) { return ScheduleWait(ins[0], "", w, func() {}) },
		"nil wait":  func() (*Job, error) { return ScheduleWait(ins[0], "k", nil, func() {}) },
		"nil func":  func() (*Job, error) { return ScheduleWait(ins[0], "k", w, nil) },
		"an interval": func() (*Job, error) {
			return ScheduleWaitContext(ins[0], "k", w, JobConfig{Interval: time.Second}, nil)
		},
	} {
		if j, err := f(); err == nil {
			_ = j.Close()
			t.Errorf("%s: no error", name)
		}
	}
}
