package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// JobOnceScheduler runs one-shot jobs: each scheduled key runs once, on
// one instance of the cluster, at or after its time — also when the
// instance that scheduled it died or restarted, since jobs live in the KV
// store and every started scheduler finds them (Start, then every
// ScanInterval). See JobOnce for how a run is decided.
type JobOnceScheduler struct {
	api    JobOncePluginAPI
	kv     kv
	config JobOnceConfig

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	runMu  sync.Mutex // one callback at a time on this instance

	// mu guards the fields below. Lock order: a JobOnce's Mutex, then mu.
	mu       sync.Mutex
	callback func(ctx context.Context, key string, props []byte) error
	started  bool
	closed   bool
	jobs     map[string]*JobOnce
	scanDone chan struct{}
}

// SetCallback sets the function called with a job's key when it runs.
func (s *JobOnceScheduler) SetCallback(callback func(key string)) error {
	if callback == nil {
		return errors.New("cluster: callback must not be nil")
	}
	return s.SetCallbackContext(func(_ context.Context, key string, _ []byte) error {
		callback(key)
		return nil
	})
}

// SetCallbackContext sets a callback that also gets the job's props and a
// context that ends when the run's lease is lost (the job will run again
// elsewhere) or the scheduler closes; its error is recorded as the run's
// outcome (the job does not run again).
func (s *JobOnceScheduler) SetCallbackContext(callback func(ctx context.Context, key string, props []byte) error) error {
	if callback == nil {
		return errors.New("cluster: callback must not be nil")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callback = callback
	return nil
}

// Start finds the jobs in the store, runs those that are due and tracks
// the others, and keeps looking for new ones every ScanInterval. The
// callback must be set first.
func (s *JobOnceScheduler) Start() error {
	s.mu.Lock()
	switch {
	case s.closed:
		s.mu.Unlock()
		return errors.New("cluster: the scheduler is closed")
	case s.started:
		s.mu.Unlock()
		return errors.New("cluster: the scheduler has already been started")
	case s.callback == nil:
		s.mu.Unlock()
		return errors.New("cluster: set the callback before starting the scheduler")
	}
	s.mu.Unlock()
	if err := s.scan(); err != nil {
		return fmt.Errorf("cluster: could not start the one-shot scheduler: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = true
	s.scanDone = make(chan struct{})
	go s.scanLoop(s.scanDone)
	return nil
}

// Close stops this instance's scheduler: it stops tracking jobs (they stay
// in the store, for other instances and for the next Start) and waits for
// a running callback, whose context ends. It is safe to call more than once.
func (s *JobOnceScheduler) Close() error {
	s.mu.Lock()
	s.closed = true
	jobs := make([]*JobOnce, 0, len(s.jobs))
	for _, j := range s.jobs {
		jobs = append(jobs, j)
	}
	scanDone := s.scanDone
	s.mu.Unlock()
	s.cancel()
	for _, j := range jobs {
		j.cancel()
		<-j.done
	}
	if scanDone != nil {
		<-scanDone
	}
	schedulers.Lock()
	for api, o := range schedulers.byAPI {
		if o == s {
			delete(schedulers.byAPI, api)
		}
	}
	schedulers.Unlock()
	return nil
}

// ScheduleOnce schedules key to run once at runAt (at once if it is past).
// It returns ErrJobOnceExists if key is pending: cancel it first to
// reschedule. Costs one KV insert.
func (s *JobOnceScheduler) ScheduleOnce(key string, runAt time.Time) (*JobOnce, error) {
	return s.ScheduleOnceWithProps(key, runAt, nil)
}

// ScheduleOnceWithProps is ScheduleOnce with a payload handed to the
// callback set by SetCallbackContext. It is stored with the job, so keep it
// small.
func (s *JobOnceScheduler) ScheduleOnceWithProps(key string, runAt time.Time, props []byte) (*JobOnce, error) {
	if key == "" {
		return nil, errors.New("cluster: job key must not be empty")
	}
	s.mu.Lock()
	started, closed := s.started, s.closed
	s.mu.Unlock()
	if !started || closed {
		return nil, errors.New("cluster: start the scheduler before adding jobs")
	}
	rec := onceRecord{Key: key, RunAt: runAt, ID: randomID(8), Props: props, ScheduledBy: instanceFor(s.api).nodeNow()}
	value, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	ok, err := s.kv.insert(onceKey(key), value, 0)
	if err != nil {
		return nil, fmt.Errorf("cluster: could not store one-shot job %q: %w", key, err)
	}
	if !ok {
		return nil, ErrJobOnceExists
	}
	return s.track(rec), nil
}

// Cancel removes the pending job key everywhere: it takes the job's lock
// (so it waits for a run in progress), deletes the pending record and
// records the cancellation. A job already run, or not pending, is left
// alone. Do not call it from the callback of the same key: it would wait
// for its own run. Costs a lock acquisition, a KVGet, a write of the
// outcome and a compare-and-delete.
func (s *JobOnceScheduler) Cancel(key string) error {
	if key == "" {
		return errors.New("cluster: job key must not be empty")
	}
	m := s.mutexFor(key)
	m.Lock()
	err := s.cancelHeld(m, key)
	m.Unlock()
	s.mu.Lock()
	j := s.jobs[key]
	s.mu.Unlock()
	if j != nil {
		j.cancel()
		<-j.done
	}
	return err
}

func (s *JobOnceScheduler) cancelHeld(m *Mutex, key string) error {
	ctx := context.Background()
	for failures := 0; ; failures++ {
		if failures > 0 && !pauseHeld(ctx, m, backoff(failures)) {
			return errors.New("cluster: lost the job's lock while cancelling it")
		}
		raw, rec, err := readOnce(s.kv, key)
		if err != nil && err != errCorruptOnceRecord {
			if failures < maxRecordTries {
				continue
			}
			return err
		}
		if raw == nil {
			return nil
		}
		res := JobOnceResult{Key: key, RunAt: rec.RunAt, Node: m.inst.nodeNow(), FinishedAt: time.Now(), Attempts: rec.Attempts, Cancelled: true, Err: "cancelled"}
		ok, err := s.end(ctx, m, raw, res)
		if err != nil || ok {
			return err
		}
	}
}

// end records res and deletes the pending record raw, under the job's lock.
// !ok: the pending record is no longer raw (look again).
func (s *JobOnceScheduler) end(ctx context.Context, m *Mutex, raw []byte, res JobOnceResult) (bool, error) {
	if b, err := json.Marshal(res); err == nil {
		// The outcome is for people; the delete below is what stops the job.
		if err := s.kv.set(onceDoneKey(res.Key), b, idleKeySeconds); err != nil {
			s.api.LogError("cluster: could not record a one-shot job's outcome", "job", res.Key, "err", err.Error())
		}
	}
	return casHeld(ctx, m, s.kv, onceKey(res.Key), raw, nil, 0)
}

// ListScheduledJobs lists the pending jobs in the store. The list may be
// stale by the time it is read. Costs one KVList per thousand plugin keys
// and one KVGet per pending job.
func (s *JobOnceScheduler) ListScheduledJobs() ([]JobOnceMetadata, error) {
	recs, err := s.pending()
	if err != nil {
		return nil, err
	}
	out := make([]JobOnceMetadata, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.metadata())
	}
	return out, nil
}

func (s *JobOnceScheduler) pending() ([]onceRecord, error) {
	keys, err := s.kv.keys(oncePrefix)
	if err != nil {
		return nil, err
	}
	var out []onceRecord
	for _, k := range keys {
		b, err := s.kv.read(k)
		if err != nil {
			return nil, err
		}
		var r onceRecord
		if b == nil {
			continue
		}
		if err := json.Unmarshal(b, &r); err != nil || r.Key == "" {
			s.api.LogError("cluster: unreadable one-shot job record", "key", k)
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *JobOnceScheduler) scan() error {
	recs, err := s.pending()
	if err != nil {
		return err
	}
	for _, r := range recs {
		s.track(r)
	}
	return nil
}

func (s *JobOnceScheduler) scanLoop(done chan struct{}) {
	defer close(done)
	for {
		t := time.NewTimer(jitter(s.config.ScanInterval))
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if err := s.scan(); err != nil {
			s.api.LogError("cluster: one-shot job scan failed; scanning again later", "err", err.Error())
		}
	}
}

func (s *JobOnceScheduler) mutexFor(key string) *Mutex {
	return NewMutexWithConfig(s.api, key, MutexConfig{TTL: s.config.LockTTL})
}

// track starts tracking rec on this instance, unless it is tracked
// already. A tracker of an earlier scheduling of the key is replaced.
func (s *JobOnceScheduler) track(rec onceRecord) *JobOnce {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.jobs[rec.Key]
	if old != nil && old.ident == rec.ident() {
		return old
	}
	if old != nil {
		old.cancel()
	}
	ctx, cancel := context.WithCancel(s.ctx)
	j := &JobOnce{s: s, key: rec.Key, ident: rec.ident(), runAt: rec.RunAt, mutex: s.mutexFor(rec.Key),
		ctx: ctx, cancel: cancel, done: make(chan struct{})}
	if s.closed {
		cancel()
		close(j.done)
		return j
	}
	s.jobs[rec.Key] = j
	go j.loop()
	return j
}

// forget stops tracking j when it ends.
func (s *JobOnceScheduler) forget(j *JobOnce) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.jobs[j.key] == j {
		delete(s.jobs, j.key)
	}
}

// invoke runs the callback, one at a time on this instance (as the widely
// used implementation does, so callbacks need no locking of their own),
// with a context that ends when the lease is lost or the scheduler closes,
// and turns a panic into the run's error.
func (s *JobOnceScheduler) invoke(m *Mutex, key string, props []byte) (errText string) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	stop := make(chan struct{})
	defer close(stop)
	lost := m.Lost()
	go func() {
		select {
		case <-lost:
			cancel()
		case <-stop:
		}
	}()
	defer func() {
		if p := recover(); p != nil {
			s.api.LogError("cluster: one-shot job callback panicked", "job", key, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			errText = fmt.Sprintf("panic: %v", p)
		}
	}()
	s.mu.Lock()
	callback := s.callback
	s.mu.Unlock()
	if err := callback(ctx, key, props); err != nil {
		return err.Error()
	}
	return ""
}
