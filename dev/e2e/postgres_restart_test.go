//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// stressSeconds is the stress run the database restart happens under: long
// enough to cover the outage and some contention on either side of it.
const stressSeconds = 40

// stressLockName is the lock the stress demo's workers contend for.
const stressLockName = "clusterdemo-stress"

// stressContentionBound: with two workers per node taking the lock back to
// back, every node holds it many times a second; a few seconds of polling
// see each.
const stressContentionBound = 10 * time.Second

// Restarting the database: restart PostgreSQL for about 10 s under a running
// stress demo. No plugin crash, no overlap (in the stress report and in the
// job runs the nodes recorded, failed runs included), everything resumes
// within 30 s of the database's return, errors are logged, not panicked.
//
// Catches: a plugin that crashes or stops scheduling when the store fails,
// two holders of the stress lock or two runs of a job at once across the
// outage (also when one of them failed), and a plugin that swallows store
// errors silently. A node log it cannot read fails the check rather than
// passing it with no panic found.
func TestPostgresRestartUnderStress(t *testing.T) {
	selves := suite.healthy(t)
	useShortJobIntervals(t, manifestKeys)
	node1, node2 := suite.node(1), suite.node(2)
	pg := suite.cluster.Postgres

	var started apiStress
	waitStressCooldown(t, node1)
	expect(t, "POST /api/v1/stress on node 1", call(t, node1, suite.admin(), http.MethodPost, "/api/v1/stress", map[string]int{"seconds": stressSeconds}), http.StatusAccepted, &started)
	stressStart := time.Now()
	// Nodes report their counts when the run ends; meanwhile the stress
	// lock itself shows the contention: every node is seen holding it.
	holders := map[string]bool{}
	eventually(t, "every node seen holding the stress lock", stressContentionBound, func() (bool, string) {
		lock, err := lockSeenBy(node1, stressLockName)
		if err != nil {
			return false, err.Error()
		}
		if lock.Held && lock.HolderID != nil {
			holders[*lock.HolderID] = true
		}
		for _, s := range selves {
			if !holders[s.ID] {
				return false, fmt.Sprintf("holders seen %v; now %v", holders, lock)
			}
		}
		return true, ""
	})
	marks := make([]logMark, len(suite.active))
	for i, n := range suite.active {
		var err error
		if marks[i], err = markLogs(n); err != nil {
			t.Fatalf("cannot read the node logs this check searches for panics and errors: %v", err)
		}
	}
	// The job histories the nodes write, merged over the whole check
	// (each answer holds only the last runs).
	histories := map[string]runLog{}
	for name := range shortJobs {
		histories[name] = runLog{}
	}
	sampleHistories := func() {
		for name := range shortJobs {
			if job, err := getJob(node1, name); err == nil {
				histories[name].add(job.History)
			}
		}
	}
	sampleHistories()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	t.Logf("stopping PostgreSQL %s/%s for %v, %v into the stress run", pg.Version, pg.Cluster, dbOutage, time.Since(stressStart).Round(time.Millisecond))
	if err := pg.Stop(ctx); err != nil {
		t.Fatalf("stopping PostgreSQL: %v", err)
	}
	downAt := time.Now()
	// Whatever happens below, the database comes back.
	restarted := false
	defer func() {
		if !restarted {
			_ = pg.Start(context.Background())
		}
	}()
	// The outage is the experiment: keep asking the nodes while it lasts, so
	// the plugin serves requests with its database gone (the histories are
	// unreadable meanwhile; they are read again after).
	answers := map[int]int{}
	for time.Since(downAt) < dbOutage {
		for _, n := range suite.active {
			if r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/status", nil); err == nil {
				answers[r.status]++
			}
		}
		time.Sleep(pollPeriod)
	}
	if err := pg.Start(ctx); err != nil {
		t.Fatalf("starting PostgreSQL again: %v", err)
	}
	restarted = true
	backAt := time.Now()
	t.Logf("PostgreSQL was down %v; the nodes' GET /status answered %v meanwhile", backAt.Sub(downAt).Round(time.Millisecond), answers)

	// Everything resumes within dbRecoveryBound of the database's return:
	// both nodes answer and see each other alive, a job runs, a lock is taken.
	remaining := func() time.Duration { return dbRecoveryBound - time.Since(backAt) }
	eventually(t, "both nodes answering and alive after the database returned", remaining(), func() (bool, string) {
		for _, n := range suite.active {
			_, nodes, err := selfOf(n)
			if err != nil {
				return false, err.Error()
			}
			for _, s := range selves {
				if !listsAlive(nodes, s.ID) {
					return false, fmt.Sprintf("node %d: %s", n.Index, describeNodes(nodes))
				}
			}
		}
		return true, ""
	})
	eventually(t, "a quick run started after the database returned", remaining(), func() (bool, string) {
		job, err := getJob(node2, "quick")
		if err != nil {
			return false, err.Error()
		}
		return job.LastStartedAt != nil && job.LastStartedAt.After(backAt), fmtTime(job.LastStartedAt)
	})
	name := uniqueLockName("e2e-pg")
	eventually(t, "node 2 taking a demo lock after the database returned", remaining(), func() (bool, string) {
		r, err := try(node2, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: 5})
		if err != nil {
			return false, err.Error()
		}
		return r.status == http.StatusOK, r.String()
	})
	t.Logf("everything resumed %v after the database returned", time.Since(backAt).Round(time.Millisecond))
	expect(t, "release through node 2", release(t, node2, name), http.StatusOK, nil)

	// The stress run ends without an overlap.
	var result apiStress
	eventually(t, "the stress run over", time.Until(stressStart.Add(stressSeconds*time.Second+dbRecoveryBound)), func() (bool, string) {
		s, err := stressStatus(node1)
		if err != nil {
			return false, err.Error()
		}
		result = s
		return !s.Running && s.ID == started.ID, fmt.Sprintf("%+v", s)
	})
	t.Logf("stress result: acquisitions %v, handoff p50 %s ms, p99 %s ms, overlaps %d, errors %d",
		result.Acquisitions, fmtMillis(result.HandoffP50MS), fmtMillis(result.HandoffP99MS), result.Overlaps, result.Errors)
	if result.Overlaps != 0 || result.OverlapSeen {
		t.Errorf("the stress run saw overlapping holders: %+v", result)
	}
	if !allPositive(result.Acquisitions) || len(result.Acquisitions) != len(selves) {
		t.Errorf("the stress run's acquisitions per node are incomplete: %v", result.Acquisitions)
	}

	// No job ran twice at once across the outage, measured from the runs
	// the nodes recorded, whatever their outcome: two overlapping runs are
	// a failure even when one of them failed or was cut short. A lost run
	// (its node never recorded an end) has no duration and cannot overlap.
	sampleHistories()
	for name, log := range histories {
		var timed []apiRun
		for _, r := range log.between(stressStart.Add(-time.Hour), time.Now()) {
			if r.DurationMS != nil {
				timed = append(timed, r)
			}
		}
		checkNoOverlap(t, name, timed)
	}

	// No plugin crash: a restarted plugin would register under a new id.
	now := suite.healthy(t)
	for i := range selves {
		if now[i].ID != selves[i].ID {
			t.Errorf("node %d's plugin restarted during the outage: id %s became %s", i+1, selves[i].ID, now[i].ID)
		}
	}
	// Errors logged, not panicked.
	errorsLogged := 0
	for i, m := range marks {
		panics, err := m.matching("panic")
		if err != nil {
			t.Fatalf("cannot read the node logs: %v", err)
		}
		if len(panics) > 0 {
			t.Errorf("node %d logged a panic during the outage:\n%s", i+1, strings.Join(panics, "\n"))
		}
		errors, err := m.matching(errorLevel(), logField("plugin_id", "clusterdemo"))
		if err != nil {
			t.Fatalf("cannot read the node logs: %v", err)
		}
		errorsLogged += len(errors)
	}
	if errorsLogged == 0 {
		failWithLogs(t, "no node logged a clusterdemo error while the database was down")
	}
	t.Logf("the plugin logged %d error lines across the nodes during and after the outage", errorsLogged)
}

// stressStatus is the stress result in n's GET /status.
func stressStatus(n *localcluster.Node) (apiStress, error) {
	r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/status", nil)
	if err != nil {
		return apiStress{}, err
	}
	var status apiStatus
	if err := jsonDecode(r, &status); err != nil {
		return apiStress{}, err
	}
	if r.status != http.StatusOK || status.Stress == nil {
		return apiStress{}, fmt.Errorf("node %d's GET /status has no stress run: %s", n.Index, r)
	}
	return *status.Stress, nil
}

func fmtMillis(ms *float64) string {
	if ms == nil {
		return "null"
	}
	return fmt.Sprintf("%.1f", *ms)
}

func allPositive(counts map[string]int64) bool {
	for _, c := range counts {
		if c <= 0 {
			return false
		}
	}
	return len(counts) > 0
}
