package main

import (
	"context"
	"net/http"
	"time"

	comparator "github.com/mattermost/mattermost-plugin-api/cluster"

	"github.com/clusterdemo/clusterdemo/server/cluster"

	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// The two implementations the benchmark routes drive, on this node's own KV
// store: ours (server/cluster) and the widely used one
// (mattermost-plugin-api v0.0.19 cluster), which only this benchmark module
// requires.
const (
	implOurs       = "clusterdemo"
	implComparator = "comparator"
)

// benchMutex is what both implementations' *Mutex offer.
type benchMutex interface {
	LockWithContext(ctx context.Context) error
	Unlock()
}

// benchJob is what both implementations' *Job offer.
type benchJob interface {
	Close() error
}

// benchImpl makes mutexes and jobs of one implementation.
type benchImpl struct {
	name     string
	newMutex func(api pluginAPI, name string) (benchMutex, error)
	schedule func(api pluginAPI, name string, interval time.Duration, callback func()) (benchJob, error)
}

var benchImpls = map[string]benchImpl{
	implOurs: {
		name: implOurs,
		newMutex: func(api pluginAPI, name string) (benchMutex, error) {
			return cluster.NewMutex(api, name), nil
		},
		schedule: func(api pluginAPI, name string, interval time.Duration, callback func()) (benchJob, error) {
			return cluster.Schedule(api, name, cluster.JobConfig{Interval: interval}, callback)
		},
	},
	implComparator: {
		name: implComparator,
		newMutex: func(api pluginAPI, name string) (benchMutex, error) {
			return comparator.NewMutex(api, name)
		},
		// v0.0.19 takes a wait function instead of a JobConfig; waiting for
		// the interval after the last finished run is what its
		// documentation recommends for "every interval".
		schedule: func(api pluginAPI, name string, interval time.Duration, callback func()) (benchJob, error) {
			return comparator.Schedule(api, name, comparator.MakeWaitForInterval(interval), callback)
		},
	},
}

func parseImpl(name string) (benchImpl, error) {
	impl, ok := benchImpls[name]
	if !ok {
		return benchImpl{}, badRequest("impl must be %q or %q, not %q", implOurs, implComparator, name)
	}
	return impl, nil
}

// benchLockName checks a lock or job name a benchmark request gives. The
// comparator stores a lock under "mutex_" or "cron_mutex_" plus the name in
// keys of at most 50 characters, so names stay short for both.
func benchLockName(name string) error {
	if name == "" || len(name) > 30 {
		return badRequest("name must be 1 to 30 characters, not %d", len(name))
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return badRequest("name %q may hold only a-z, 0-9, - and _", name)
		}
	}
	return nil
}

// benchDuration checks a duration in milliseconds against [min, max].
func benchDuration(field string, ms int64, min, max time.Duration) (time.Duration, error) {
	d := time.Duration(ms) * time.Millisecond
	if d < min || d > max {
		return 0, badRequest("%s must be from %d to %d ms, not %d", field, min.Milliseconds(), max.Milliseconds(), ms)
	}
	return d, nil
}

// benchCount checks a count against [1, max].
func benchCount(field string, n, max int) error {
	if n < 1 || n > max {
		return badRequest("%s must be from 1 to %d, not %d", field, max, n)
	}
	return nil
}

// errBenchTimeout is a wait the benchmark gave up on.
func errBenchTimeout(what string, after time.Duration) error {
	return httpapi.Errorf(http.StatusGatewayTimeout, "%s did not happen within %v", what, after)
}

// badRequest refuses a benchmark request with 400.
func badRequest(format string, args ...interface{}) error {
	return httpapi.Errorf(http.StatusBadRequest, format, args...)
}
