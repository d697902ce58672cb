package cluster

import (
	"context"
	"errors"
	"time"
)

// JobMetadata is what a NextWaitInterval sees of a job's last run, read
// under the job's lock from the job's record.
type JobMetadata struct {
	// LastFinished is when the last run finished anywhere in the cluster
	// (zero if the job never ran). Records of the widely used
	// implementation have only this field.
	LastFinished time.Time
	// LastStarted is when the last run started (zero if the job never ran,
	// or only the widely used implementation ran it).
	LastStarted time.Time
}

// NextWaitInterval says how long after now the job is next due, from the
// metadata of its last run; 0 (or less) means "due now". It has the shape of
// the widely used implementation's NextWaitInterval.
type NextWaitInterval func(now time.Time, metadata JobMetadata) time.Duration

// waitRecheck is how soon a job whose wait function named a due time it
// has already run for asks the function again.
const waitRecheck = time.Second

// ScheduleWait is ScheduleWaitContext for a callback without context or
// error, the shape of the widely used implementation's Schedule.
func ScheduleWait(pluginAPI JobPluginAPI, key string, wait NextWaitInterval, callback func()) (*Job, error) {
	if callback == nil {
		return nil, errors.New("cluster: job callback must not be nil")
	}
	return ScheduleWaitContext(pluginAPI, key, wait, JobConfig{}, func(context.Context) error {
		callback()
		return nil
	})
}

// ScheduleWaitContext schedules a job whose due times come from wait
// instead of config.Interval (which must be zero; the other fields of
// config apply). Everything a Job promises holds, with "within Interval"
// replaced by "once per due time": the job's record is read under the
// job's lock, wait is asked from it, and a run starts only by a
// compare-and-set against the bytes it was computed from, so two instances
// never start a run for one due time. A due time not after the last run's
// start is never run again: the job asks wait again waitRecheck later.
func ScheduleWaitContext(pluginAPI JobPluginAPI, key string, wait NextWaitInterval, config JobConfig, callback func(ctx context.Context) error) (*Job, error) {
	switch {
	case key == "":
		return nil, errors.New("cluster: job key must not be empty")
	case wait == nil:
		return nil, errors.New("cluster: job wait function must not be nil")
	case config.Interval != 0:
		return nil, errors.New("cluster: a job with a wait function takes no Interval")
	case callback == nil:
		return nil, errors.New("cluster: job callback must not be nil")
	}
	return startJob(pluginAPI, key, config, wait, callback), nil
}

// MakeWaitForInterval runs a job interval after its last run finished
// (end to start, as the widely used implementation does; JobConfig's
// Interval is start to start), and at once if it never ran. It panics on a
// non-positive interval, as a programming error.
func MakeWaitForInterval(interval time.Duration) NextWaitInterval {
	if interval <= 0 {
		panic("cluster: MakeWaitForInterval needs a positive interval")
	}
	return func(now time.Time, m JobMetadata) time.Duration {
		return notNegative(m.LastFinished.Add(interval).Sub(now))
	}
}

// MakeWaitForRoundedInterval runs a job at the first multiple of interval
// (since the zero time, in UTC: on the hour for time.Hour) after its last
// run finished, and at once if it never ran. Runs are not guaranteed to be
// an interval apart, only to fall on rounded times, each at most once. It
// panics on a non-positive interval.
func MakeWaitForRoundedInterval(interval time.Duration) NextWaitInterval {
	if interval <= 0 {
		panic("cluster: MakeWaitForRoundedInterval needs a positive interval")
	}
	return func(now time.Time, m JobMetadata) time.Duration {
		if m.LastFinished.IsZero() {
			return 0
		}
		return notNegative(m.LastFinished.Add(interval).Truncate(interval).Sub(now))
	}
}

// notNegative: the wait functions say 0 for "due now", as the widely used
// ones do, whose callers may compare with 0.
func notNegative(d time.Duration) time.Duration {
	if d < 0 {
		return 0
	}
	return d
}

// dueAt is when the run after the recorded one is due.
func (j *Job) dueAt(rec jobRecord) time.Time {
	if j.wait == nil {
		return rec.dueAt(j.config.Interval)
	}
	now := time.Now()
	due := now.Add(j.wait(now, JobMetadata{LastFinished: rec.LastFinished, LastStarted: rec.LastStarted}))
	last := rec.LastStarted
	if last.IsZero() {
		last = rec.LastFinished
	}
	if !last.IsZero() && !due.After(last) {
		// The last run started at or after this due time: it was this due
		// time's run (or a later one's).
		return now.Add(waitRecheck)
	}
	return due
}
