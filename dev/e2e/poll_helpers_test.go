//go:build e2e

package e2e

import (
	"testing"
	"time"
)

// pollPeriod is how often a condition is checked: short against every bound
// below (the smallest, the 1 s lock handoff, is five periods).
const pollPeriod = 200 * time.Millisecond

// logTailLines is how much of each node's log a timeout prints.
const logTailLines = 40

// eventually checks cond every pollPeriod until it holds or bound has
// passed since the call. On timeout the test fails with what was last seen
// and the tail of every node's log. It returns how long the wait took.
func eventually(t *testing.T, what string, bound time.Duration, cond func() (ok bool, seen string)) time.Duration {
	t.Helper()
	began := time.Now()
	deadline := began.Add(bound)
	for {
		ok, seen := cond()
		if ok {
			return time.Since(began)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; last seen: %s\n%s", what, bound, seen, suite.cluster.LogTails(logTailLines))
		}
		time.Sleep(pollPeriod)
	}
}

// failWithLogs fails the test now, with every node's log tail.
func failWithLogs(t *testing.T, format string, args ...any) {
	t.Helper()
	args = append(args, suite.cluster.LogTails(logTailLines))
	t.Fatalf(format+"\n%s", args...)
}
