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

// The schedule: with short intervals, over 60 s across 2 nodes every job runs
// once per interval, with no overlaps and no more than one interval missed
// in a row; the node recorded for each run is the node that ran it; and
// `run` triggers an immediate run.
func TestJobsRunOncePerInterval(t *testing.T) {
	requireFullSuite(t)
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
		maxGap := 2*spec.interval + spec.runTime + jobWakeSlack
		t.Logf("%s (every %v): %d runs in %v", name, spec.interval, len(runs), jobWatchWindow)
		if len(runs) == 0 {
			failWithLogs(t, "%s: no run in %v", name, jobWatchWindow)
		}
		// No missed intervals beyond one, including at both ends of the window.
		if gap := runs[0].StartedAt.Sub(start); gap > maxGap {
			t.Errorf("%s: first run %v after the window opened, more than %v (two intervals, the run time and wake slack)", name, gap, maxGap)
		}
		if gap := end.Sub(*runs[len(runs)-1].StartedAt); gap > maxGap {
			t.Errorf("%s: last run %v before the window closed, more than %v", name, gap, maxGap)
		}
		for i := 1; i < len(runs); i++ {
			gap := runs[i].StartedAt.Sub(*runs[i-1].StartedAt)
			if gap > maxGap {
				t.Errorf("%s: %v between runs, more than one missed interval (bound %v):\n  %s", name, gap, maxGap, describeRuns(runs))
			}
			// Once per interval: never two runs in one interval.
			if gap < spec.interval-timestampRounding {
				t.Errorf("%s: two runs %v apart, less than the %v interval:\n  %s", name, gap, spec.interval, describeRuns(runs))
			}
		}
		checkNoOverlap(t, name, runs)
		for _, r := range runs {
			if r.Error != nil {
				t.Errorf("%s: run failed: %s", name, r)
			}
			// The recorded node is the node that ran it: its websocket, and
			// only its, carried the run's job events.
			w, ok := watcherOf[r.Node]
			if !ok {
				t.Errorf("%s: run recorded on %q, which is none of the nodes %v", name, r.Node, selves)
				continue
			}
			from, to := r.StartedAt.Add(-eventLatency), r.StartedAt.Add(runDuration(r)+eventLatency)
			if !w.saw("job", name, from, to) {
				t.Errorf("%s: run %s is recorded on node %d, whose websocket carried no job event for it", name, r, w.node)
			}
			if runDuration(r) > 2*eventLatency {
				inner := r.StartedAt.Add(eventLatency)
				for _, other := range watchers {
					if other != w && other.saw("job", name, inner, r.StartedAt.Add(runDuration(r))) {
						t.Errorf("%s: run %s is recorded on node %d, but node %d published job events during it", name, r, w.node, other.node)
					}
				}
			}
		}
	}
	for _, w := range watchers {
		if w.count() == 0 {
			t.Errorf("node %d's websocket carried no plugin event in %v", w.node, jobWatchWindow)
		}
		if extra := w.oversharing(); len(extra) > 0 {
			t.Errorf("node %d's status_changed events carry more than kind and name: %v", w.node, extra)
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
		testRunNow(t, "slow")
	})
}

// testRunNow asks node 2 for a run of job right after a run of it ended and
// checks that one starts within runNowBound, before its next scheduled run.
func testRunNow(t *testing.T, name string) {
	node2 := suite.node(2)
	spec := shortJobs[name]
	var last apiJob
	var sawRunning bool
	eventually(t, name+" running, then finished", 2*spec.interval+spec.runTime+jobWakeSlack, func() (bool, string) {
		job, err := getJob(node2, name)
		if err != nil {
			return false, err.Error()
		}
		last = job
		sawRunning = sawRunning || job.Running
		return sawRunning && !job.Running && job.LastFinishedAt != nil, ""
	})
	before := last.LastStartedAt
	asked := time.Now()
	r := call(t, node2, suite.admin(), http.MethodPost, "/api/v1/jobs/"+name+"/run", nil)
	var accepted apiJob
	expect(t, "POST /api/v1/jobs/"+name+"/run on node 2", r, http.StatusAccepted, &accepted)
	requireKeys(t, "the run answer", r.body, jobKeys...)
	var started apiJob
	took := eventually(t, "a run of "+name+" after POST run", runNowBound, func() (bool, string) {
		job, err := getJob(node2, name)
		if err != nil {
			return false, err.Error()
		}
		started = job
		return job.LastStartedAt != nil && job.LastStartedAt.After(*before), fmtTime(job.LastStartedAt)
	})
	if last.NextRunAt != nil && !started.LastStartedAt.Before(last.NextRunAt.Add(-time.Second)) {
		t.Errorf("the run after POST run began at %s, not before the scheduled %s: it was not the immediate run", fmtTime(started.LastStartedAt), fmtTime(last.NextRunAt))
	}
	t.Logf("POST run at %s; %s started %v later, on %v (it was next due %s)", asked.UTC().Format("15:04:05.000"), name, took.Round(time.Millisecond), deref(started.RunningOn, started.LastNode), fmtTime(last.NextRunAt))
}

func deref(ptrs ...*string) string {
	for _, p := range ptrs {
		if p != nil {
			return *p
		}
	}
	return "null"
}
