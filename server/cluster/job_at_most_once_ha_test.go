package cluster

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// startLog records when callbacks start and end, on any instance, by the
// process clock all instances of a test share.
type startLog struct {
	mu     sync.Mutex
	starts []time.Time
	det    overlapDetector
}

// callback returns a job callback that logs its start and lasts d.
func (l *startLog) callback(d time.Duration) func() {
	return func() {
		l.det.enter()
		l.mu.Lock()
		l.starts = append(l.starts, time.Now())
		l.mu.Unlock()
		time.Sleep(d)
		l.det.leave()
	}
}

func (l *startLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.starts)
}

// check fails the test if two runs overlapped or two starts are closer
// than interval, or if there were fewer than min runs.
func (l *startLog) check(t *testing.T, interval time.Duration, min int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := l.det.count(); n != 0 {
		t.Errorf("%d overlapping runs", n)
	}
	early := 0
	for i := 1; i < len(l.starts); i++ {
		if gap := l.starts[i].Sub(l.starts[i-1]); gap < interval {
			if early++; early <= 3 {
				t.Errorf("runs %d and %d started %v apart, interval %v", i-1, i, gap, interval)
			}
		}
	}
	if early > 3 {
		t.Errorf("%d runs in all started within an interval of the previous one", early)
	}
	if len(l.starts) < min {
		t.Errorf("only %d runs, want at least %d", len(l.starts), min)
	}
}

func closeJobs(t *testing.T, jobs []*Job) {
	t.Helper()
	for _, j := range jobs {
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// scheduleOnAll schedules one job on every instance.
func scheduleOnAll(t *testing.T, ins []*kvtest.Instance, key string, cfg JobConfig, cb func()) []*Job {
	t.Helper()
	var jobs []*Job
	for _, in := range ins {
		j, err := Schedule(in, key, cfg, cb)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// In a licensed cluster KVGet reads a replica that can lag the master by
// up to a second, so a job record read under the lock may be the one from
// before the last run. Three instances with lagging replicas (0, 300 ms
// and 1 s, as several replicas serve reads in turn) and events on: no two
// runs within one interval. An implementation that decides "due" from the
// record KVGet returned runs again as soon as it reads a stale replica.
func TestJobAtMostOncePerIntervalWithLaggingReplicas(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	s, ins := newCluster(3, true)
	s.SetReplicaLag(0, 300*time.Millisecond, time.Second)
	const interval = 250 * time.Millisecond
	var log startLog
	jobs := scheduleOnAll(t, ins, "replicas", JobConfig{Interval: interval, LockTTL: time.Second}, log.callback(5*time.Millisecond))
	time.Sleep(3 * time.Second)
	closeJobs(t, jobs)
	// A correct job runs at least once a replica lag (a stale read only
	// delays the start until the replica shows the last run).
	log.check(t, interval, 2)
}

// The same under KV errors, a fifth of them taking effect before the error
// is returned, with lagging replicas: errors may cost runs, never add one.
func TestJobAtMostOncePerIntervalUnderKVErrorsAndLaggingReplicas(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	s, ins := newCluster(3, true)
	s.SetReplicaLag(0, 200*time.Millisecond, 600*time.Millisecond)
	seed := testSeed()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewSource(seed))
	var rngMu sync.Mutex
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		rngMu.Lock()
		defer rngMu.Unlock()
		if rng.Intn(100) < 10 {
			return kvtest.Outcome{Err: kvtest.InjectedError("at-most-once"), Applied: rng.Intn(5) == 0}
		}
		return kvtest.Outcome{}
	})
	const interval = 250 * time.Millisecond
	var log startLog
	jobs := scheduleOnAll(t, ins, "errors", JobConfig{Interval: interval, LockTTL: time.Second}, log.callback(5*time.Millisecond))
	// Long enough for a lease lost to an error to be taken over (a whole
	// LockTTL seen unchanged) more than once, even on a loaded machine, so
	// "at least 2 runs" still says the job makes progress.
	time.Sleep(6 * time.Second)
	s.SetFault(nil)
	closeJobs(t, jobs)
	log.check(t, interval, 2)
}

// stallFrom stalls every call of one instance, from the first write of the
// given key on, until the stall ends: a node whose connection pool is full,
// stuck in the middle of writing a job's start record. It tells started
// when the stall begins.
func stallFrom(s *kvtest.Store, instanceID, key string, stall time.Duration, started chan<- struct{}) {
	var mu sync.Mutex
	var until time.Time
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if c.Instance != instanceID {
			return kvtest.Outcome{}
		}
		mu.Lock()
		if until.IsZero() && c.Op == kvtest.OpSet && c.Key == key && c.Value != nil {
			until = time.Now().Add(stall)
			close(started)
		}
		wait := time.Until(until)
		mu.Unlock()
		if wait > 0 {
			time.Sleep(wait) // before the call takes effect
		}
		return kvtest.Outcome{}
	})
}

// An instance stalls longer than its lease while writing the start record:
// another instance takes the lock and runs the job; when the stalled write
// finally lands, the stalled instance must not run the callback (its lease
// is known lost) nor let its late write make the job due again.
func TestJobDoesNotRunTwiceWhenAnInstanceStallsWritingTheStartRecord(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	s, ins := newCluster(2, true)
	const key = "stall"
	const interval = 20 * time.Second // only one run may happen in this test
	const ttl = time.Second
	started := make(chan struct{})
	stallFrom(s, ins[0].ID, "cron_"+key, 3*ttl, started)
	var log startLog
	a, err := Schedule(ins[0], key, JobConfig{Interval: interval, LockTTL: ttl}, log.callback(0))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the first instance never wrote the job record")
	}
	b, err := Schedule(ins[1], key, JobConfig{Interval: interval, LockTTL: ttl}, log.callback(0))
	if err != nil {
		t.Fatal(err)
	}
	// The stall ends 3 s in; leave the stalled instance time to act on it.
	time.Sleep(5 * ttl)
	closeJobs(t, []*Job{a, b})
	log.check(t, interval, 1)
}

// failFirstFinishWrite fails, without effect, the second write of each run's
// record (the "finished" write) once: the finish is recorded only if the
// instance retries while its lease lasts.
func failFirstFinishWrite(s *kvtest.Store, key string) {
	var mu sync.Mutex
	writes := 0
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if c.Op != kvtest.OpSet || c.Key != key || c.Value == nil {
			return kvtest.Outcome{}
		}
		mu.Lock()
		defer mu.Unlock()
		writes++
		if writes == 2 {
			return kvtest.Outcome{Err: kvtest.InjectedError("finish record")}
		}
		return kvtest.Outcome{}
	})
}

// A run that finished while its lease was held is recorded as finished,
// not as lost, even when the first write of the finish record fails.
func TestJobRunFinishedUnderTheLeaseIsRecordedAsFinished(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	const key = "finish"
	failFirstFinishWrite(s, "cron_"+key)
	var log startLog
	j, err := Schedule(ins[0], key, JobConfig{Interval: 20 * time.Second, LockTTL: time.Second}, log.callback(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer closeJobs(t, []*Job{j})
	eventually(t, 10*time.Second, "the run", func() bool { return log.count() == 1 })
	var st JobState
	eventually(t, 5*time.Second, "the run to be recorded", func() bool {
		st, err = InspectJob(ins[0], key)
		return err == nil && !st.Running && st.Runs == 1
	})
	if st.LastError != "" {
		t.Fatalf("a run that finished under its lease was recorded with error %q", st.LastError)
	}
}

// A start-record write that errored but took effect does not cost a whole
// interval: the job still runs well within it.
func TestJobStartWriteThatErredAfterTakingEffectDoesNotCostAnInterval(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(1, false)
	const key = "ambiguous"
	const interval = 10 * time.Second
	var mu sync.Mutex
	failed := false
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		mu.Lock()
		defer mu.Unlock()
		if !failed && c.Op == kvtest.OpSet && c.Key == "cron_"+key && c.Value != nil {
			failed = true
			return kvtest.Outcome{Err: kvtest.InjectedError("start record"), Applied: true}
		}
		return kvtest.Outcome{}
	})
	var log startLog
	j, err := Schedule(ins[0], key, JobConfig{Interval: interval, LockTTL: time.Second}, log.callback(0))
	if err != nil {
		t.Fatal(err)
	}
	defer closeJobs(t, []*Job{j})
	// Retrying costs a backoff and a few round trips, not an interval.
	eventually(t, interval/2, fmt.Sprintf("the first run, half an interval (%v)", interval/2), func() bool { return log.count() == 1 })
	st, err := InspectJob(ins[0], key)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(st.LastError, "lost") {
		t.Fatalf("the ambiguous start write was recorded as a lost run: %q", st.LastError)
	}
}
