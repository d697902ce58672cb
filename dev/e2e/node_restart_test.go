//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Restarting a node: restart it in the middle of a run of the
// slow job and while it holds a demo lock. It stops promptly, releasing what
// it held (the run is recorded as cut short: cancelledRunError, not lost),
// re-registers when it is back, and its jobs resume.
//
// Catches: a deactivation that leaves locks to expire with their lease, a
// cut-short run recorded as finished cleanly or not at all, a node that
// comes back under a new identity or does not run jobs again.
func TestNodeRestart(t *testing.T) {
	requireDeactivationWithDatabase(t)
	selves := suite.healthy(t)
	useShortJobIntervals(t, manifestKeys)
	spec := shortJobs["slow"]

	running := waitSlowRunningFor(t, spec, killIntoRun)
	x := -1 // the node to restart: the one running slow
	for i, self := range selves {
		if self.Name == *running.RunningOn {
			x = i
		}
	}
	if x < 0 {
		t.Fatalf("slow runs on %q, none of the nodes %v", *running.RunningOn, selves)
	}
	node, other := suite.active[x], suite.active[1-x]
	self := selves[x]
	name := uniqueLockName("e2e-restart")
	mustAcquire(t, node, self, name, 600)
	// The other node's list comes from its status cache: within its
	// freshness bound.
	var held []apiLock
	eventually(t, fmt.Sprintf("node %d showing node %d holding %s and the slow job's lock", other.Index, node.Index, name), statusFreshness, func() (bool, string) {
		var err error
		held, err = locksHeldBy(other, self.ID)
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(describeLocks(held), name) && strings.Contains(describeLocks(held), "cron_slow"), describeLocks(held)
	})
	t.Logf("restarting node %d, which holds %s", node.Index, describeLocks(held))

	took, err := stopGracefully(node)
	if err != nil {
		failWithLogs(t, "%v", err)
	}
	stoppedAt := time.Now()
	t.Logf("node %d stopped in %v", node.Index, took.Round(time.Millisecond))

	// Nothing it held stays held: its deactivation released every lock, so
	// they are free at once, not after the lease TTL.
	eventually(t, fmt.Sprintf("node %d showing no lock held by the stopped node %d", other.Index, node.Index), shutdownReleaseBound, func() (bool, string) {
		held, err := locksHeldBy(other, self.ID)
		if err != nil {
			return false, err.Error()
		}
		return len(held) == 0, describeLocks(held)
	})
	// The run it cut short is recorded as such, on it.
	job, err := getJob(other, "slow")
	if err != nil {
		t.Fatal(err)
	}
	recorded := false
	for _, r := range job.History {
		if r.StartedAt != nil && r.StartedAt.Equal(*running.LastStartedAt) && r.Node == self.Name && r.Error != nil && strings.HasPrefix(*r.Error, cancelledRunError) {
			recorded = true
		}
	}
	if !recorded {
		t.Errorf("the slow run node %d was stopped in (started %s) is not recorded as cut short (error %q…):\n  %s", node.Index, fmtTime(running.LastStartedAt), cancelledRunError, describeRuns(job.History))
	}

	restarted := suite.startNode(t, node)
	if restarted.Name != self.Name || restarted.StartedAt == nil || !restarted.StartedAt.After(stoppedAt) {
		t.Errorf("node %d after restart is %+v; want the name %s and a start after %s", node.Index, restarted, self.Name, stoppedAt.UTC().Format(time.RFC3339Nano))
	}
	// It re-registers: every node lists it alive.
	after := suite.healthy(t)
	if after[x].ID != restarted.ID {
		t.Errorf("node %d changed identity again after its restart: %s, then %s", node.Index, restarted.ID, after[x].ID)
	}
	if lock, err := lockSeenBy(node, name); err != nil || lock.Held {
		t.Errorf("after the restart, node %d shows %s as %v (%v), want free", node.Index, name, lock, err)
	}

	// Its jobs resume: with the demo workload off on the other node, only
	// the restarted node's schedule can run the jobs, and it must.
	patchPluginSettings(t, other, withSetting(jobSettings(manifestKeys), "DemoWorkload", false))
	defer patchPluginSettings(t, other, jobSettings(manifestKeys))
	eventually(t, fmt.Sprintf("node %d refusing runs with its workload off", other.Index), configApplyBound, func() (bool, string) {
		r, err := try(other, suite.admin(), http.MethodPost, "/api/v1/jobs/quick/run", nil)
		if err != nil {
			return false, err.Error()
		}
		return r.status == http.StatusConflict, r.String()
	})
	offAt := time.Now()
	quick := shortJobs["quick"]
	bound := leaseTTL + quick.interval + jobWakeSlack // the other node may have held the job lock as it closed the job
	eventually(t, fmt.Sprintf("a quick run on the restarted node %d", node.Index), bound, func() (bool, string) {
		job, err := getJob(other, "quick")
		if err != nil {
			return false, err.Error()
		}
		for _, r := range job.History {
			if r.StartedAt != nil && r.StartedAt.After(offAt) && r.Node == after[x].Name && r.Error == nil {
				return true, ""
			}
		}
		return false, describeRuns(job.History)
	})
	t.Logf("node %d ran quick %v after node %d's workload was turned off", node.Index, time.Since(offAt).Round(time.Millisecond), other.Index)
	expect(t, "POST /jobs/quick/run through the restarted node", call(t, node, suite.admin(), http.MethodPost, "/api/v1/jobs/quick/run", nil), http.StatusAccepted, nil)
}

// withSetting returns settings with key set to value.
func withSetting(settings map[string]any, key string, value any) map[string]any {
	settings[key] = value
	return settings
}
