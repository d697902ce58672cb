package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// maxOnceAttempts bounds the runs of one one-shot job that are started and
// lost (the instance died or lost its lease mid-run): a callback that kills
// its instance must not kill every instance in turn.
const maxOnceAttempts = 5

// JobOnce is a one-shot job tracked by this instance: it waits until the
// job's time, then tries to run it under the job's lock.
//
// How a run is decided, and why never twice:
//   - The lock is the one the widely used implementation takes for the
//     key ("mutex_" + key), so old and new instances exclude each other.
//   - Under the lock, the pending record is read; none means the job ran
//     or was cancelled elsewhere. Otherwise the start is written into it by
//     compare-and-set against the exact bytes read (a replica that lagged
//     makes the compare fail, never a second start), and only then does the
//     callback run.
//   - A finished run writes its result ("onced_" + key) and deletes the
//     pending record by compare-and-delete. A run whose lease was lost leaves
//     the record marked running; the next holder records the attempt as lost
//     and runs the job again (at most maxOnceAttempts starts in all).
type JobOnce struct {
	s     *JobOnceScheduler
	key   string
	ident string
	runAt time.Time
	mutex *Mutex

	ctx    context.Context // ends when this instance stops tracking the job
	cancel context.CancelFunc
	done   chan struct{}
}

// Key returns the job's key.
func (j *JobOnce) Key() string { return j.key }

// RunAt returns the job's time.
func (j *JobOnce) RunAt() time.Time { return j.runAt }

// Cancel cancels the job everywhere (see JobOnceScheduler.Cancel).
func (j *JobOnce) Cancel() error { return j.s.Cancel(j.key) }

// loop waits for the job's time and tries until the job is no longer
// pending.
func (j *JobOnce) loop() {
	defer close(j.done)
	defer j.s.forget(j)
	wait := time.Until(j.runAt)
	failures := 0
	for {
		t := time.NewTimer(wait)
		select {
		case <-j.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		finished, next, err := j.attempt()
		if finished || j.ctx.Err() != nil {
			return
		}
		if err != nil {
			failures++
			j.s.api.LogError("cluster: one-shot job check failed", "job", j.key, "err", err.Error())
			wait = backoff(failures)
			continue
		}
		failures = 0
		wait = time.Until(next)
	}
}

// attempt takes the lock and runs the job if it is pending and due. It
// reports finished when this instance has nothing more to do for it, and
// otherwise when to try again.
func (j *JobOnce) attempt() (finished bool, next time.Time, err error) {
	if err := j.mutex.LockWithContext(j.ctx); err != nil {
		return true, time.Time{}, nil // no longer tracked here
	}
	defer j.mutex.Unlock()
	kv := j.s.kv
	for failures := 0; ; failures++ {
		if failures > 0 && !pauseHeld(j.ctx, j.mutex, backoff(failures)) {
			return false, time.Now(), nil // the lease is gone: start over
		}
		raw, rec, err := readOnce(kv, j.key)
		if err == errCorruptOnceRecord {
			return true, time.Time{}, err
		}
		if err != nil {
			return false, time.Time{}, err
		}
		if raw == nil {
			return true, time.Time{}, nil // ran or cancelled elsewhere
		}
		// A record of a later scheduling of the key (cancelled and scheduled
		// again meanwhile) is handled like ours: its time is in the record.
		if time.Now().Before(rec.RunAt) {
			return false, rec.RunAt, nil
		}
		node := j.mutex.inst.nodeNow()
		if rec.Running {
			// We hold the lock, so the run it names is not running anywhere.
			rec.Running = false
			rec.LastError = fmt.Sprintf("attempt %d on %s started %s was lost: its lease lapsed before it finished",
				rec.Attempts, nodeLabel(rec.RunningOn), rec.StartedAt.Format(time.RFC3339))
			j.s.api.LogError("cluster: one-shot job run was lost", "job", j.key, "err", rec.LastError)
		}
		if rec.Attempts >= maxOnceAttempts {
			res := JobOnceResult{Key: j.key, RunAt: rec.RunAt, Node: node, StartedAt: rec.StartedAt, FinishedAt: time.Now(),
				Attempts: rec.Attempts, Err: fmt.Sprintf("given up after %d lost runs; the last: %s", rec.Attempts, rec.LastError)}
			ok, err := j.s.end(j.ctx, j.mutex, raw, res)
			if err == nil && !ok {
				continue
			}
			return err == nil, time.Now(), err
		}

		rec.Running, rec.RunningOn, rec.StartedAt, rec.RunID = true, node, time.Now(), randomID(8)
		rec.Attempts++
		started, err := json.Marshal(rec)
		if err != nil {
			return true, time.Time{}, err
		}
		ok, err := casHeld(j.ctx, j.mutex, kv, onceKey(j.key), raw, started, 0)
		if err != nil {
			return false, time.Time{}, err
		}
		if !ok {
			continue // the record changed under us: look again
		}
		if j.mutex.lostNow() {
			return false, time.Now(), nil // the next holder records this start as lost
		}
		runErr := j.s.invoke(j.mutex, j.key, rec.Props)
		if j.mutex.lostNow() {
			// Another instance may hold the lock now and see the record
			// still running: it records this run as lost and runs the job.
			j.s.api.LogError("cluster: one-shot job lost its lease during the run; it will run again", "job", j.key)
			return false, time.Now(), nil
		}
		res := JobOnceResult{Key: j.key, RunAt: rec.RunAt, Node: node, StartedAt: rec.StartedAt, FinishedAt: time.Now(),
			Attempts: rec.Attempts, Err: runErr}
		ok, err = j.s.end(j.ctx, j.mutex, started, res)
		if err == nil && !ok {
			continue
		}
		return err == nil, time.Now(), err
	}
}
