package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"runtime/debug"
	"sync"
	"time"
)

// JobConfig defines the configuration of a scheduled job.
type JobConfig struct {
	// Interval is the period of execution for the job: a run starts no
	// sooner than Interval after the previous run started, anywhere in the
	// cluster (as judged by the node clocks: a node whose clock runs ahead
	// may start up to that difference early). It must be positive.
	Interval time.Duration

	// OnRunStarted and OnRunFinished, when set, are called on the instance
	// that runs the job, around each run. They must not block for long.
	OnRunStarted  func(Run)
	OnRunFinished func(Run)

	// LockTTL is the lease TTL of the job's lock (default 15 s). An
	// instance that dies mid-run is replaced within LockTTL + Interval.
	LockTTL time.Duration
}

// Job is a scheduled job whose callback is run on the configured interval
// by at most one plugin instance at a time.
//
// Semantics:
//   - Every instance that schedules the job competes for the job's lock
//     (named "cron_" + key) when the job is due; the winner re-reads the
//     job's metadata under the lock and runs the callback only if the job is
//     still due, so a job never runs twice within one Interval. RunNow is the
//     exception: it asks for one run now.
//   - The lock is held for the whole run. If its lease is lost mid-run the
//     callback's context is cancelled and the run is recorded as failed; the
//     instance that next takes the lock and finds a run still marked as
//     running records it as lost.
//   - A panicking callback is recovered, logged and recorded; the job keeps
//     its schedule.
type Job struct {
	api      JobPluginAPI
	key      string
	config   JobConfig
	callback func(ctx context.Context) error
	wait     NextWaitInterval // nil: every config.Interval (see job_wait.go)
	mutex    *Mutex

	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
	nudge     chan struct{}
	closeOnce sync.Once
}

// Schedule creates a scheduled job: callback runs every config.Interval, on
// one plugin instance at a time. It returns an error for a non-positive
// interval or an empty key.
func Schedule(pluginAPI JobPluginAPI, key string, config JobConfig, callback func()) (*Job, error) {
	if callback == nil {
		return nil, errors.New("cluster: job callback must not be nil")
	}
	return ScheduleContext(pluginAPI, key, config, func(context.Context) error {
		callback()
		return nil
	})
}

// ScheduleContext is Schedule with a callback that is told, by its context
// being cancelled, when the job's lease is lost or the job is closed, and
// whose error is recorded as the run's outcome.
func ScheduleContext(pluginAPI JobPluginAPI, key string, config JobConfig, callback func(ctx context.Context) error) (*Job, error) {
	if key == "" {
		return nil, errors.New("cluster: job key must not be empty")
	}
	if config.Interval <= 0 {
		return nil, fmt.Errorf("cluster: job %q: interval must be positive, got %v", key, config.Interval)
	}
	if callback == nil {
		return nil, errors.New("cluster: job callback must not be nil")
	}
	return startJob(pluginAPI, key, config, nil, callback), nil
}

// startJob starts a validated job; wait, when not nil, replaces the
// Interval schedule.
func startJob(pluginAPI JobPluginAPI, key string, config JobConfig, wait NextWaitInterval, callback func(ctx context.Context) error) *Job {
	ctx, cancel := context.WithCancel(context.Background())
	j := &Job{
		wait:     wait,
		api:      pluginAPI,
		key:      key,
		config:   config,
		callback: callback,
		mutex:    NewMutexWithConfig(pluginAPI, JobLockName(key), MutexConfig{TTL: config.LockTTL}),
		ctx:      ctx,
		cancel:   cancel,
		done:     make(chan struct{}),
		nudge:    make(chan struct{}, 1),
	}
	go j.loop()
	return j
}

// Close stops the job on this instance and waits for a running callback to
// return (its context is cancelled). Other instances keep the schedule.
// It is safe to call more than once.
func (j *Job) Close() error {
	j.closeOnce.Do(j.cancel)
	<-j.done
	return nil
}

// RunNow asks for one immediate run. The request is stored, so it runs on
// whichever instance wins the job's lock next — usually this one, at once.
// It returns an error if the job is closed or the request could not be
// stored.
func (j *Job) RunNow() error {
	if j.ctx.Err() != nil {
		return errors.New("cluster: job is closed")
	}
	if err := j.kv().set(runNowKey(j.key), []byte(randomID(8)), 0); err != nil {
		return err
	}
	select {
	case j.nudge <- struct{}{}:
	default:
	}
	return nil
}

func runNowKey(key string) string { return kvKey("crnow_", key) }

func (j *Job) kv() kv { return j.mutex.inst.kv }

// loop waits until the job is due (or nudged), then checks and runs it
// under the job lock.
func (j *Job) loop() {
	defer close(j.done)
	wait := time.Duration(0)
	failures := 0
	for j.ctx.Err() == nil {
		t := time.NewTimer(wait)
		select {
		case <-j.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-j.nudge:
			t.Stop()
		}
		next, err := j.checkAndRun()
		if err != nil {
			failures++
			j.api.LogError("cluster: job check failed", "job", j.key, "err", err.Error())
			wait = backoff(failures)
			continue
		}
		failures = 0
		// Wake a little before the job is due, to take the lock and read the
		// record ahead of time (see checkAndRun). Each wake-up picks its own
		// lead, so instances seldom queue for the lock together: the first
		// awake takes it, the others find the run recorded.
		wait = time.Until(next) - j.prepareLead(true)
		if wait < 0 {
			wait = 0
		}
	}
}

// maxPrepareLead is how long before a job is due an instance wakes to take
// the job lock and read the job's record, so that the callback starts at the
// due time rather than a lock acquisition and a few KV round trips after it.
const maxPrepareLead = 50 * time.Millisecond

// prepareLead is maxPrepareLead, or a tenth of the interval when that is
// shorter, so short intervals are not mostly spent waiting under the lock.
// random picks a lead between half of that and all of it.
func (j *Job) prepareLead(random bool) time.Duration {
	lead := maxPrepareLead
	if tenth := j.config.Interval / 10; tenth < lead {
		lead = tenth
	}
	if random && lead > 1 {
		lead = lead/2 + time.Duration(rand.Int63n(int64(lead/2)+1))
	}
	return lead
}

// waitUntilDue holds the job lock until due. It reports false, and the run
// is skipped, when the job closes or the lease is lost meanwhile.
func (j *Job) waitUntilDue(due time.Time) bool {
	t := time.NewTimer(time.Until(due))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-j.ctx.Done():
		return false
	case <-j.mutex.Lost():
		return false
	}
}

// checkAndRun takes the job lock, records a lost run if it finds one, runs
// the callback if the job is due or a run was requested, and returns when
// the job is next due.
//
// Holding the lock is not enough to decide a start: the record may have
// been read from a replica that lags behind the last run's writes, and this
// instance may stall past its lease while it writes. So every write of the
// record is a compare-and-set against the exact bytes read, and a failed
// compare means "read again", never "run".
func (j *Job) checkAndRun() (time.Time, error) {
	if err := j.mutex.LockWithContext(j.ctx); err != nil {
		return time.Time{}, nil // closing
	}
	defer j.mutex.Unlock()

	for failures := 0; ; failures++ {
		if failures > 0 && !j.pause(backoff(failures)) {
			return time.Time{}, nil // closing, or the lease is gone: start over
		}
		raw, rec, err := readJobRecord(j.kv(), j.key)
		if err == errCorruptJobRecord {
			j.api.LogError("cluster: job metadata unreadable; treating the job as never run", "job", j.key)
		} else if err != nil {
			return time.Time{}, err
		}
		request, err := j.kv().read(runNowKey(j.key))
		if err != nil {
			return time.Time{}, err
		}

		if rec.Running {
			// We hold the lock, so the run it names is not running anywhere
			// any more: its instance died or lost the lease before finishing.
			rec.Running = false
			rec.Runs++
			rec.LastNode = rec.RunningOn
			rec.Ended, rec.LastDuration = rec.LastStarted, 0
			rec.LastError = fmt.Sprintf("run on %s started %s was lost: its lease lapsed before it finished",
				nodeLabel(rec.RunningOn), rec.LastStarted.Format(time.RFC3339))
			rec.RunningOn = Node{}
			if _, ok, err := j.writeRecord(raw, rec); err != nil || !ok {
				if err != nil {
					return time.Time{}, err
				}
				continue
			}
			continue // read what we wrote, as anyone would
		}

		due := j.dueAt(rec)
		if request == nil && time.Now().Before(due) {
			// Woken early on purpose (see loop): when the job is due within
			// the lead, keep the lock and start on time; otherwise sleep
			// unlocked.
			if time.Until(due) > j.prepareLead(false) || !j.waitUntilDue(due) {
				return due, nil
			}
		}
		started, ok, err := j.run(raw, &rec, request)
		if err != nil {
			return time.Time{}, err
		}
		if !started && ok {
			continue // the record changed under us: look again
		}
		return j.dueAt(rec), nil
	}
}

// pause waits d, unless the job closes or the lease is lost.
func (j *Job) pause(d time.Duration) bool { return pauseHeld(j.ctx, j.mutex, d) }

// writeRecord stores rec by compare-and-set from old (the exact bytes read;
// nil: no record). A write whose reply was an error may have happened, so
// it reads the record back, and retries while the lease lasts: it returns
// the bytes now stored and ok when they are rec's, !ok when the record holds
// something else (someone else wrote: look again).
func (j *Job) writeRecord(old []byte, rec jobRecord) ([]byte, bool, error) {
	value, err := json.Marshal(rec)
	if err != nil {
		return nil, false, err
	}
	ok, err := casHeld(j.ctx, j.mutex, j.kv(), jobMetaKey(j.key), old, value, 0)
	if err != nil || !ok {
		return nil, false, err
	}
	return value, true, nil
}

// maxRecordTries bounds the attempts at one record write.
const maxRecordTries = 8

func nodeLabel(n Node) string {
	if n.Name != "" && n.ID != "" {
		return n.Name + " (" + n.ID + ")"
	}
	if n.ID != "" {
		return n.ID
	}
	return "an unknown node"
}

// run records the start, runs the callback and records the outcome. The
// start is stored, by compare-and-set from raw, before the callback runs:
// if it cannot be stored the job does not run, since another instance could
// not know it ran. started reports whether the callback ran; ok=false with
// no error means the lease was lost before it could start.
func (j *Job) run(raw []byte, rec *jobRecord, request []byte) (started, ok bool, err error) {
	node := j.mutex.inst.nodeNow()
	start := time.Now()
	rec.Running, rec.RunningOn = true, node
	rec.LastStarted = start
	rec.LastFinished = start // for v0.0.19 nodes, see jobRecord
	rec.RunID = randomID(8)
	rec.Interval = j.config.Interval
	rec.NextRun = start.Add(j.config.Interval)
	stored, ok, err := j.writeRecord(raw, *rec)
	if err != nil || !ok {
		return false, err == nil, err
	}
	if j.mutex.lostNow() {
		// The start is recorded but the lock may be someone else's now: do
		// not run. The next holder records this run as lost.
		return false, false, nil
	}
	if request != nil {
		// Compare-and-delete: a request made during the run stays for the
		// next one.
		_, _ = j.kv().cad(runNowKey(j.key), request)
	}

	// The record is stored; the callback starts next. The next run is due
	// an Interval after the callback began (invoke notes it just before the
	// call), not after the recorded start: a slow
	// write here and a fast one next time must not bring the next callback
	// closer than Interval to this one. The run keeps the recorded start as
	// its start, so every view of this run shows one time.
	var callbackStart time.Time

	r := Run{Job: j.key, Node: node, StartedAt: start}
	j.notify("OnRunStarted", j.config.OnRunStarted, r)
	runErr := j.invoke(&callbackStart)
	r.Duration = time.Since(start)
	lost := j.mutex.lostNow()
	if lost {
		if runErr == "" {
			runErr = "lease lost during the run"
		} else {
			runErr = "lease lost during the run: " + runErr
		}
	}
	r.Err = runErr
	if runErr != "" {
		j.api.LogError("cluster: job run failed", "job", j.key, "err", runErr)
	}
	j.notify("OnRunFinished", j.config.OnRunFinished, r)
	if lost {
		// Another instance may hold the lock and write the record now; the
		// instance that next takes the lock records this run as lost.
		return true, true, nil
	}
	rec.Running, rec.RunningOn = false, Node{}
	rec.CallbackStarted = callbackStart
	rec.NextRun = j.dueAt(*rec)
	rec.LastFinished = time.Now()
	rec.Ended = rec.LastFinished
	rec.LastNode = node
	rec.LastDuration = r.Duration
	rec.LastError = runErr
	rec.Runs++
	// Retried while the lease lasts (writeRecord), so a run that finished
	// while the lease was held is recorded as finished, not lost.
	_, _, err = j.writeRecord(stored, *rec)
	return true, true, err
}

// invoke runs the callback with a context cancelled when the lease is lost
// or the job closes, turning a panic into the run's error.
func (j *Job) invoke(started *time.Time) (errText string) {
	ctx, cancel := context.WithCancel(j.ctx)
	defer cancel()
	lost := j.mutex.Lost()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-lost:
			cancel()
		case <-stop:
		}
	}()

	defer func() {
		if p := recover(); p != nil {
			j.api.LogError("cluster: job callback panicked", "job", j.key, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			errText = fmt.Sprintf("panic: %v", p)
		}
	}()
	*started = time.Now() // as late as possible: the next run is due Interval after this
	if err := j.callback(ctx); err != nil {
		return err.Error()
	}
	return ""
}

// notify calls a run hook; a panicking hook is logged, never fatal.
func (j *Job) notify(hook string, f func(Run), r Run) {
	if f == nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			j.api.LogError("cluster: job hook panicked", "job", j.key, "hook", hook, "panic", fmt.Sprint(p))
		}
	}()
	f(r)
}
