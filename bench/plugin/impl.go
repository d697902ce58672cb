package main

import (
	"net/http"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// parseImpl is the implementation a request names.
func parseImpl(name string) (impls.Impl, error) {
	impl, ok := impls.ByName(name)
	if !ok {
		return impls.Impl{}, badRequest("impl must be %q or %q, not %q", impls.OursName, impls.ComparatorName, name)
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
