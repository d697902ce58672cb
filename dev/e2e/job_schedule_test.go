//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// jobWatchWindow is how long the schedule test watches the jobs run.
const jobWatchWindow = 60 * time.Second

// The schedule: with short intervals, over 60 s across 2 nodes every job
// starts once per interval — every gap between two starts within
// [interval - 1 ms, interval + jobStartSlack], no start missing — with no
// overlaps; the node recorded for each run is the node that ran it; and
// POST run causes exactly one run, at once, on the node holding the job
// lock.
//
// Catches: a job that runs every other interval or skips a start
// (dev/brokenplugin every-other-interval), one that starts early or twice
// in an interval, overlapping runs, a run recorded on the wrong node, and a
// run request that is answered but does nothing (run-now-dropped) or makes
// more than one run.
func TestJobsRunOncePerInterval(t *testing.T) {
	selves := suite.healthy(t)
	useShortJobIntervals(t, consoleKeys)
	watchers := watchNodes(t)
	watcherOf := map[string]*eventWatcher{}
	for i, self := range selves {
		watcherOf[self.Name] = watchers[i]
	}

	logs := map[string]runLog{}
	for name := range shortJobs {
		logs[name] = runLog{}
	}
	// Each round asks the next node: both must tell the same story.
	round := 0
	collect := func() {
		n := suite.active[round%len(suite.active)]
		round++
		for name := range shortJobs {
			job, err := getJob(n, name)
			if err != nil {
				failWithLogs(t, "%v", err)
			}
			logs[name].add(job.History)
		}
	}

	start := time.Now()
	end := start.Add(jobWatchWindow)
	// Sample the histories once a second through the window: the window
	// is the observation, not a wait for a condition.
	sample := time.NewTicker(time.Second)
	for ; time.Now().Before(end); <-sample.C {
		collect()
	}
	sample.Stop()
	// Let runs that began inside the window finish and be recorded.
	eventually(t, "the runs begun in the window finished", shortJobs["slow"].runTime+jobWakeSlack, func() (bool, string) {
		for name := range shortJobs {
			job, err := getJob(suite.node(1), name)
			if err != nil {
				return false, err.Error()
			}
			if job.Running && job.LastStartedAt != nil && !job.LastStartedAt.After(end) {
				return false, name + " still running since " + fmtTime(job.LastStartedAt)
			}
		}
		return true, ""
	})
	collect()
	collect()

	for name, spec := range shortJobs {
		runs := logs[name].between(start, end)
		// Every start is due an interval after the previous one: a gap
		// shorter than that (less the API's rounding) is a run too early,
		// a gap longer than the interval plus jobStartSlack a late or
		// missing start; the window's ends are held to the same bound.
		maxGap := spec.interval + jobStartSlack
		t.Logf("%s (every %v): %d runs in %v", name, spec.interval, len(runs), jobWatchWindow)
		if len(runs) == 0 {
			failWithLogs(t, "%s: no run in %v", name, jobWatchWindow)
		}
		if gap := runs[0].StartedAt.Sub(start); gap > maxGap {
			t.Errorf("%s: first run %v after the window opened, more than the interval plus %v", name, gap, jobStartSlack)
		}
		if gap := end.Sub(*runs[len(runs)-1].StartedAt); gap > maxGap {
			t.Errorf("%s: last run %v before the window closed, more than the interval plus %v", name, gap, jobStartSlack)
		}
		for i := 1; i < len(runs); i++ {
			gap := runs[i].StartedAt.Sub(*runs[i-1].StartedAt)
			if gap > maxGap || gap < spec.interval-timestampRounding {
				t.Errorf("%s: %v between two starts, outside [%v, %v]:\n  %s", name, gap, spec.interval-timestampRounding, maxGap, describeRuns(runs))
			}
		}
		// The count the gap bounds allow at least: every gap, and both ends,
		// at most maxGap (each start may be late by up to jobStartSlack,
		// and the next is due an interval after it began).
		if want := int(jobWatchWindow / maxGap); len(runs) < want {
			t.Errorf("%s: %d starts in %v, want at least %d (one per %v at the latest)", name, len(runs), jobWatchWindow, want, maxGap)
		}
		checkNoOverlap(t, name, runs)
		for _, r := range runs {
			if r.Error != nil {
				t.Errorf("%s: run failed: %s", name, r)
			}
			// The recorded node is the node that ran it: its websocket
			// carried a job event when the run started or ended. (The event
			// names no job, so runs of other jobs on other nodes may publish
			// during it; that this node ran it, and no other, is what the
			// run records and the no-overlap check show.)
			w, ok := watcherOf[r.Node]
			if !ok {
				t.Errorf("%s: run recorded on %q, which is none of the nodes %v", name, r.Node, selves)
				continue
			}
			from, to := r.StartedAt.Add(-eventLatency), r.StartedAt.Add(runDuration(r)+eventLatency)
			if !w.saw("job", from, to) {
				t.Errorf("%s: run %s is recorded on node %d, whose websocket carried no job event for it", name, r, w.node)
			}
		}
	}
	for _, w := range watchers {
		if w.count() == 0 {
			t.Errorf("node %d's websocket carried no plugin event in %v", w.node, jobWatchWindow)
		}
		if extra := w.oversharing(); len(extra) > 0 {
			t.Errorf("node %d's status_changed events carry more than the kind: %v", w.node, extra)
		}
	}

	// The shape of a job with its history, as the contract names it.
	r := call(t, suite.node(2), suite.admin(), http.MethodGet, "/api/v1/jobs/quick", nil)
	var job apiJob
	expect(t, "GET /api/v1/jobs/quick", r, http.StatusOK, &job)
	requireKeys(t, "job quick", r.body, append(jobKeys, "history")...)
	var shaped struct {
		History []json.RawMessage `json:"history"`
	}
	if err := json.Unmarshal(r.body, &shaped); err != nil || len(shaped.History) == 0 {
		t.Errorf("GET /api/v1/jobs/quick has no history after %v of runs: %s", jobWatchWindow, r)
	} else {
		requireKeys(t, "a run of quick", shaped.History[0], runKeys...)
	}

	t.Run("run now", func(t *testing.T) {
		checkRequestedRun(t, "slow", runNowBound, func() {
			r := call(t, suite.node(2), suite.admin(), http.MethodPost, "/api/v1/jobs/slow/run", nil)
			expect(t, "POST /api/v1/jobs/slow/run on node 2", r, http.StatusAccepted, nil)
			requireKeys(t, "the run answer", r.body, jobKeys...)
		})
	})
}

func deref(ptrs ...*string) string {
	for _, p := range ptrs {
		if p != nil {
			return *p
		}
	}
	return "null"
}
