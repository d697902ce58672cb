package httpapi

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// fastJobs runs every demo job often and briefly, so a test sees many runs.
func fastJobs() *app.Configuration {
	c := app.DefaultConfiguration()
	c.QuickInterval = 150 * time.Millisecond
	c.SlowInterval = 150 * time.Millisecond
	c.SlowRun = 100 * time.Millisecond
	c.DigestInterval = 150 * time.Millisecond
	return c
}

// Across two nodes each job runs on one node at a time; the history records
// who ran it, newest first, and keeps at most app.RunHistoryLength runs.
func TestJobsRunOnceAtATimeAcrossNodesAndKeepHistory(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", fastJobs())
	startNode(t, store, "node-b", fastJobs())

	var job jobJSON
	eventually(t, 20*time.Second, "the slow job has a full history", func() bool {
		return len(historyOf(t, a, app.JobSlow)) == app.RunHistoryLength
	})
	history := historyOf(t, a, app.JobSlow)
	if !history[0].Finished {
		history = history[1:] // the run in progress
	}
	for i, r := range history {
		if r.Node != "node-a" && r.Node != "node-b" {
			t.Errorf("run %d recorded on %q", i, r.Node)
		}
		if r.Err != "" || !r.Finished {
			t.Errorf("run %d failed or unfinished: %+v", i, r)
		}
		if r.Duration < 100*time.Millisecond {
			t.Errorf("run %d lasted %v, shorter than the slow job's run time", i, r.Duration)
		}
		if i+1 < len(history) {
			older := history[i+1]
			if r.StartedAt.Before(older.StartedAt.Add(older.Duration)) {
				t.Errorf("runs overlap: %v+%v and %v", older.StartedAt, older.Duration, r.StartedAt)
			}
		}
	}
	a.doJSON(t, "GET", "/api/v1/jobs/slow", "", http.StatusOK, &job)
	if job.History == nil || len(*job.History) != app.RunHistoryLength || job.Runs < app.RunHistoryLength-1 { // the newest may still be running
		t.Fatalf("GET /jobs/slow: runs %d, history %v", job.Runs, job.History)
	}
	if job.IntervalMS != 150 {
		t.Errorf("interval_ms %d, want 150", job.IntervalMS)
	}
}

func TestRunNowRunsAtOnce(t *testing.T) {
	store := kvtest.NewStore()
	cfg := app.DefaultConfiguration()
	cfg.SlowInterval = time.Hour
	cfg.SlowRun = 50 * time.Millisecond
	a := startNode(t, store, "node-a", cfg)
	b := startNode(t, store, "node-b", cfg)
	// The first run is due at once; with an hour's interval, any run after
	// it can only come from RunNow.
	eventually(t, 10*time.Second, "the first scheduled run finishes", func() bool {
		h := historyOf(t, a, app.JobSlow)
		return len(h) == 1 && h[0].Finished
	})
	before := historyOf(t, a, app.JobSlow)

	var job map[string]interface{}
	b.doJSON(t, "POST", "/api/v1/jobs/slow/run", "", http.StatusAccepted, &job)
	checkJob(t, job, false)
	eventually(t, 10*time.Second, "run now adds a run", func() bool {
		after := historyOf(t, a, app.JobSlow)
		return len(after) > len(before)
	})
}

// Turning the workload off closes the jobs on this node; "run" then says so.
func TestWorkloadOffClosesJobs(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", app.DefaultConfiguration())
	a.doJSON(t, "POST", "/api/v1/jobs/quick/run", "", http.StatusAccepted, nil)
	if err := a.app.SetConfig(quietConfig()); err != nil {
		t.Fatal(err)
	}
	for _, name := range app.DemoJobNames {
		if _, _, err := a.app.RunJob(name); !errors.Is(err, app.ErrWorkloadOff) {
			t.Errorf("run %s with the workload off: %v, want ErrWorkloadOff", name, err)
		}
	}
	rec := a.do(t, adminUser, "POST", "/api/v1/jobs/quick/run", "")
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "DemoWorkload") {
		t.Fatalf("run with workload off: %d %s", rec.Code, rec.Body.String())
	}
	// The jobs are still listed.
	var jobs []map[string]interface{}
	a.doJSON(t, "GET", "/api/v1/jobs", "", http.StatusOK, &jobs)
	if len(jobs) != len(app.DemoJobNames) {
		t.Fatalf("jobs %v", jobs)
	}
}

// historyOf is a job's history as the application returns it.
func historyOf(t *testing.T, n *testNode, job string) []app.Run {
	t.Helper()
	_, history, _, err := n.app.Job(job)
	if err != nil {
		t.Fatal(err)
	}
	return history
}
