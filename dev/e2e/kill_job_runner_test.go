//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// killIntoRun is how far into a slow run the runner is killed: well inside
// the run, so it dies mid-run.
const killIntoRun = time.Second

// Killing the job runner: kill -9 the node running the slow job mid-run.
// The other node runs the job within the lease TTL + the interval, the lost
// run is recorded, and no two runs overlap.
func TestKillSlowRunner(t *testing.T) {
	suite.withNode3(t)
	selves := suite.healthy(t)
	useShortJobIntervals(t, manifestKeys)
	spec := shortJobs["slow"]

	running := waitSlowRunningFor(t, spec, killIntoRun)
	var victim *localcluster.Node
	var victimSelf apiNode
	var survivors []*localcluster.Node
	survivorNames := map[string]bool{}
	for i, self := range selves {
		if self.Name == *running.RunningOn {
			victim, victimSelf = suite.active[i], self
		} else {
			survivors = append(survivors, suite.active[i])
			survivorNames[self.Name] = true
		}
	}
	if victim == nil {
		t.Fatalf("slow runs on %q, none of the nodes %v", *running.RunningOn, selves)
	}
	observer := survivors[0]
	lostStart := *running.LastStartedAt
	killedAt := kill(t, victim)
	if time.Since(lostStart) >= spec.runTime {
		t.Fatalf("the kill came %v into a %v run: not mid-run", time.Since(lostStart), spec.runTime)
	}

	// Another node runs the job within TTL + interval (plus wake slack).
	bound := leaseTTL + spec.interval + jobWakeSlack
	var next apiJob
	eventually(t, fmt.Sprintf("a surviving node running slow after node %d died", victim.Index), bound, func() (bool, string) {
		job, err := getJob(observer, "slow")
		if err != nil {
			return false, err.Error()
		}
		next = job
		return job.LastStartedAt != nil && job.LastStartedAt.After(lostStart),
			fmt.Sprintf("last started %s on %s, running %v", fmtTime(job.LastStartedAt), deref(job.RunningOn, job.LastNode), job.Running)
	})
	if on := deref(next.RunningOn, next.LastNode); !survivorNames[on] {
		t.Errorf("the run after the kill is recorded on %s, not on a surviving node %v", on, survivorNames)
	}
	t.Logf("slow started on %s %v after node %d was killed (bound %v)", deref(next.RunningOn, next.LastNode),
		next.LastStartedAt.Sub(killedAt).Round(time.Millisecond), victim.Index, bound)

	// The lost run is recorded; the surviving nodes go on running the job,
	// one run at a time: watch two more intervals of it.
	log := runLog{}
	watchUntil := time.Now().Add(2 * spec.interval)
	eventually(t, "the lost run recorded and the survivors' runs finished", 2*spec.interval+spec.runTime+jobWakeSlack, func() (bool, string) {
		job, err := getJob(observer, "slow")
		if err != nil {
			return false, err.Error()
		}
		log.add(job.History)
		lost := false
		for _, r := range job.History {
			if r.StartedAt != nil && r.StartedAt.Sub(lostStart).Abs() <= timestampRounding && r.Node == victimSelf.Name && r.Error != nil {
				lost = true
			}
		}
		return lost && time.Now().After(watchUntil) && !job.Running, describeRuns(job.History)
	})
	var clean []apiRun
	for _, r := range log.between(lostStart.Add(-time.Hour), time.Now()) {
		if r.Error == nil && r.DurationMS != nil {
			clean = append(clean, r)
		}
	}
	checkNoOverlap(t, "slow", clean)
	for _, r := range clean {
		if r.StartedAt.After(killedAt) && !survivorNames[r.Node] {
			t.Errorf("a run after the kill is recorded on %s, which was dead: %s", r.Node, r)
		}
	}
	t.Logf("slow runs since the kill:\n  %s", describeRuns(log.between(killedAt, time.Now())))

	suite.startNode(t, victim)
	suite.healthy(t)
}
