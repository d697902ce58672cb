//go:build e2e

package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/build/localcluster"
)

// killIntoRun is how far into a slow run the runner is killed: well inside
// the run, so it dies mid-run.
const killIntoRun = time.Second

// Check 6, second failure: kill -9 the node running the slow job mid-run.
// The other node runs the job within the lease TTL + the interval, the lost
// run is recorded, and no two runs overlap.
func TestKillSlowRunner(t *testing.T) {
	selves := suite.healthy(t)
	useShortJobIntervals(t, manifestKeys)
	spec := shortJobs["slow"]
	observer := suite.node(1)

	var running apiJob
	eventually(t, fmt.Sprintf("slow running for %v", killIntoRun), 2*spec.interval+spec.runTime+jobWakeSlack, func() (bool, string) {
		job, err := getJob(observer, "slow")
		if err != nil {
			return false, err.Error()
		}
		running = job
		return job.Running && job.RunningOn != nil && job.LastStartedAt != nil && time.Since(*job.LastStartedAt) >= killIntoRun,
			fmt.Sprintf("running %v on %s since %s", job.Running, deref(job.RunningOn), fmtTime(job.LastStartedAt))
	})
	var victim, survivor *localcluster.Node
	var victimSelf, survivorSelf apiNode
	for i, self := range selves {
		if self.Name == *running.RunningOn {
			victim, victimSelf = suite.cluster.Nodes[i], self
		} else {
			survivor, survivorSelf = suite.cluster.Nodes[i], self
		}
	}
	if victim == nil {
		t.Fatalf("slow runs on %q, none of the nodes %v", *running.RunningOn, selves)
	}
	lostStart := *running.LastStartedAt
	killedAt := kill(t, victim)
	if time.Since(lostStart) >= spec.runTime {
		t.Fatalf("the kill came %v into a %v run: not mid-run", time.Since(lostStart), spec.runTime)
	}

	// The survivor runs the job within TTL + interval (plus wake slack).
	bound := leaseTTL + spec.interval + jobWakeSlack
	var next apiJob
	eventually(t, fmt.Sprintf("node %d running slow after node %d died", survivor.Index, victim.Index), bound, func() (bool, string) {
		job, err := getJob(survivor, "slow")
		if err != nil {
			return false, err.Error()
		}
		next = job
		return job.LastStartedAt != nil && job.LastStartedAt.After(lostStart),
			fmt.Sprintf("last started %s on %s, running %v", fmtTime(job.LastStartedAt), deref(job.RunningOn, job.LastNode), job.Running)
	})
	if on := deref(next.RunningOn, next.LastNode); on != survivorSelf.Name {
		t.Errorf("the run after the kill is recorded on %s, not on the surviving node %s", on, survivorSelf.Name)
	}
	t.Logf("node %d started slow %v after node %d was killed (bound %v)", survivor.Index, next.LastStartedAt.Sub(killedAt).Round(time.Millisecond), victim.Index, bound)

	// The lost run is recorded, and the survivor's run finishes cleanly.
	log := runLog{}
	eventually(t, "the lost run recorded and the next run finished", spec.runTime+jobWakeSlack, func() (bool, string) {
		job, err := getJob(survivor, "slow")
		if err != nil {
			return false, err.Error()
		}
		log.add(job.History)
		lost, finished := false, false
		for _, r := range job.History {
			if r.StartedAt == nil {
				continue
			}
			if r.StartedAt.Sub(lostStart).Abs() <= timestampRounding && r.Node == victimSelf.Name && r.Error != nil {
				lost = true
			}
			if r.StartedAt.Equal(*next.LastStartedAt) && r.DurationMS != nil {
				finished = true
			}
		}
		return lost && finished, describeRuns(job.History)
	})
	var clean []apiRun
	for _, r := range log.between(lostStart.Add(-time.Hour), time.Now()) {
		if r.Error == nil {
			clean = append(clean, r)
		}
	}
	checkNoOverlap(t, "slow", clean)
	for _, r := range clean {
		if r.StartedAt.After(killedAt) && r.Node != survivorSelf.Name {
			t.Errorf("a run after the kill is recorded on %s, which was dead: %s", r.Node, r)
		}
	}

	suite.startNode(t, victim)
	suite.healthy(t)
}
