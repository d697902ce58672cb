package cluster

import "testing"

// slowTest skips a test under -short: the long randomized histories
// (linearizability, jobs under lagging replicas), the waits of several TTLs
// (refresh, fairness, every clock offset) and the bulk runs (100,000 names,
// 3,000 acquisitions under errors). `go test
// -short` then checks every behaviour of the package but those, in a few
// seconds; the default run stays as thorough.
func slowTest(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow: runs without -short")
	}
}
