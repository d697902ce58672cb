//go:build e2e

package e2e

import (
	"net/http"
	"testing"
	"time"
)

// Check 6, fourth failure: restart a node. It releases what it held as it
// stops, re-registers when it is back, and its jobs resume.
func TestNodeRestart(t *testing.T) {
	requireFullSuite(t)
	selves := suite.healthy(t)
	useShortJobIntervals(t, manifestKeys)
	node1, node2 := suite.node(1), suite.node(2)
	name := uniqueLockName("e2e-restart")
	mustAcquire(t, node2, selves[1], name, 600)

	if err := node2.Stop(); err != nil {
		t.Fatalf("stopping node 2: %v", err)
	}
	stoppedAt := time.Now()
	// Nothing it held stays held: its deactivation released every lock, so
	// they are free at once, not after the lease TTL.
	eventually(t, "node 1 showing no lock held by the stopped node 2", shutdownReleaseBound, func() (bool, string) {
		held, err := locksHeldBy(node1, selves[1].ID)
		if err != nil {
			return false, err.Error()
		}
		return len(held) == 0, describeLocks(held)
	})

	restarted := suite.startNode(t, node2)
	if restarted.Name != selves[1].Name || restarted.StartedAt == nil || !restarted.StartedAt.After(stoppedAt) {
		t.Errorf("node 2 after restart is %+v; want the name %s and a start after %s", restarted, selves[1].Name, stoppedAt.UTC().Format(time.RFC3339Nano))
	}
	// It re-registers: every node lists it alive.
	after := suite.healthy(t)
	if after[1].ID != restarted.ID {
		t.Errorf("node 2 changed identity again after its restart: %s, then %s", restarted.ID, after[1].ID)
	}
	if lock, err := lockSeenBy(node2, name); err != nil || lock.Held {
		t.Errorf("after the restart, node 2 shows %s as %v (%v), want free", name, lock, err)
	}

	// Its jobs resume: with the demo workload off on node 1, only node 2's
	// schedule can run the jobs, and it must.
	patchPluginSettings(t, node1, withSetting(jobSettings(manifestKeys), "DemoWorkload", false))
	defer patchPluginSettings(t, node1, jobSettings(manifestKeys))
	eventually(t, "node 1 refusing runs with its workload off", 10*time.Second, func() (bool, string) {
		r, err := try(node1, suite.admin(), http.MethodPost, "/api/v1/jobs/quick/run", nil)
		if err != nil {
			return false, err.Error()
		}
		return r.status == http.StatusConflict, r.String()
	})
	offAt := time.Now()
	quick := shortJobs["quick"]
	bound := leaseTTL + quick.interval + jobWakeSlack // node 1 may have held the job lock as it closed the job
	eventually(t, "a quick run on the restarted node 2", bound, func() (bool, string) {
		job, err := getJob(node1, "quick")
		if err != nil {
			return false, err.Error()
		}
		for _, r := range job.History {
			if r.StartedAt != nil && r.StartedAt.After(offAt) && r.Node == after[1].Name && r.Error == nil {
				return true, ""
			}
		}
		return false, describeRuns(job.History)
	})
	t.Logf("node 2 ran quick %v after node 1's workload was turned off", time.Since(offAt).Round(time.Millisecond))
	expect(t, "POST /jobs/quick/run through node 2", call(t, node2, suite.admin(), http.MethodPost, "/api/v1/jobs/quick/run", nil), http.StatusAccepted, nil)
}

// withSetting returns settings with key set to value.
func withSetting(settings map[string]any, key string, value any) map[string]any {
	settings[key] = value
	return settings
}
