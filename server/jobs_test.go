package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// fastJobs runs every demo job often and briefly, so a test sees many runs.
func fastJobs() *configuration {
	c := defaultConfiguration()
	c.QuickInterval = 150 * time.Millisecond
	c.SlowInterval = 150 * time.Millisecond
	c.SlowRun = 100 * time.Millisecond
	c.DigestInterval = 150 * time.Millisecond
	return c
}

// Across two nodes each job runs on one node at a time; the history records
// who ran it, newest first, and keeps at most runHistoryLength runs.
func TestJobsRunOnceAtATimeAcrossNodesAndKeepHistory(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", fastJobs())
	startNode(t, store, "node-b", fastJobs())

	var job jobJSON
	eventually(t, 20*time.Second, "the slow job has a full history", func() bool {
		history, err := a.svc.jobs.History(jobSlow)
		if err != nil {
			t.Fatal(err)
		}
		return len(history) == runHistoryLength
	})
	history, _ := a.svc.jobs.History(jobSlow)
	if !history[0].Finished {
		history = history[1:] // the run in progress
	}
	for i, r := range history {
		if r.Node.Name != "node-a" && r.Node.Name != "node-b" {
			t.Errorf("run %d recorded on %q", i, r.Node.Name)
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
	if job.History == nil || len(*job.History) != runHistoryLength || job.Runs < runHistoryLength-1 { // the newest may still be running
		t.Fatalf("GET /jobs/slow: runs %d, history %v", job.Runs, job.History)
	}
	if job.IntervalMS != 150 {
		t.Errorf("interval_ms %d, want 150", job.IntervalMS)
	}
}

func TestDigestPostsWhenChannelConfigured(t *testing.T) {
	store := kvtest.NewStore()
	cfg := defaultConfiguration()
	cfg.DigestInterval = 100 * time.Millisecond
	a := startNode(t, store, "node-a", cfg)
	eventually(t, 10*time.Second, "a digest run is recorded", func() bool {
		history, _ := a.svc.jobs.History(jobDigest)
		return len(history) > 0 && history[0].Summary != ""
	})
	if len(a.api.Posts()) != 0 {
		t.Fatal("digest posted without a channel configured")
	}
	history, _ := a.svc.jobs.History(jobDigest)
	if !strings.Contains(history[0].Summary, "1 of 1 nodes alive") {
		t.Errorf("summary %q", history[0].Summary)
	}

	channel := "channel0000000000000000000"
	cfg2 := *cfg
	cfg2.DigestChannelID = channel
	if err := a.svc.SetConfig(&cfg2); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the digest is posted", func() bool { return len(a.api.Posts()) > 0 })
	post := a.api.Posts()[0]
	if post.ChannelId != channel || post.UserId != "botuser0000000000000000000" || !strings.Contains(post.Message, "Cluster digest") || !strings.Contains(post.Message, "`node-a`") {
		t.Fatalf("post %+v", post)
	}
}

func TestRunNowRunsAtOnce(t *testing.T) {
	store := kvtest.NewStore()
	cfg := defaultConfiguration()
	cfg.SlowInterval = time.Hour
	cfg.SlowRun = 50 * time.Millisecond
	a := startNode(t, store, "node-a", cfg)
	b := startNode(t, store, "node-b", cfg)
	// The first run is due at once; with an hour's interval, any run after
	// it can only come from RunNow.
	eventually(t, 10*time.Second, "the first scheduled run finishes", func() bool {
		h, _ := a.svc.jobs.History(jobSlow)
		return len(h) == 1 && h[0].Finished
	})
	before, _ := a.svc.jobs.History(jobSlow)

	var job map[string]interface{}
	b.doJSON(t, "POST", "/api/v1/jobs/slow/run", "", http.StatusAccepted, &job)
	checkJob(t, job, false)
	eventually(t, 10*time.Second, "run now adds a run", func() bool {
		after, _ := a.svc.jobs.History(jobSlow)
		return len(after) > len(before)
	})
}

// Turning the workload off closes the jobs on this node; "run" then says so.
func TestWorkloadOffClosesJobs(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", defaultConfiguration())
	if !a.svc.jobs.Scheduled(jobQuick) {
		t.Fatal("quick not scheduled with the workload on")
	}
	if err := a.svc.SetConfig(quietConfig()); err != nil {
		t.Fatal(err)
	}
	for _, name := range demoJobNames {
		if a.svc.jobs.Scheduled(name) {
			t.Errorf("%s still scheduled with the workload off", name)
		}
	}
	rec := a.do(t, adminUser, "POST", "/api/v1/jobs/quick/run", "")
	if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "DemoWorkload") {
		t.Fatalf("run with workload off: %d %s", rec.Code, rec.Body.String())
	}
	// The jobs are still listed.
	var jobs []map[string]interface{}
	a.doJSON(t, "GET", "/api/v1/jobs", "", http.StatusOK, &jobs)
	if len(jobs) != len(demoJobNames) {
		t.Fatalf("jobs %v", jobs)
	}
}

// A run that recorded its start but never its end (its node was killed) is
// marked lost when the next run starts; a late finish still records itself.
func TestHistoryMarksLostRuns(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	dead := cluster.Node{ID: "dead", Name: "node-dead"}
	live := cluster.Node{ID: "live", Name: "node-a"}
	t0 := time.Now().Add(-time.Minute)
	a.svc.jobs.recordStart(cluster.Run{Job: jobSlow, Node: dead, StartedAt: t0})
	a.svc.jobs.recordStart(cluster.Run{Job: jobSlow, Node: live, StartedAt: t0.Add(30 * time.Second)})
	a.svc.jobs.recordRun(cluster.Run{Job: jobSlow, Node: live, StartedAt: t0.Add(30 * time.Second), Duration: 8 * time.Second})

	var job jobJSON
	a.doJSON(t, "GET", "/api/v1/jobs/slow", "", http.StatusOK, &job)
	history := *job.History
	if len(history) != 2 {
		t.Fatalf("history %+v", history)
	}
	if history[0].Node != "node-a" || history[0].DurationMS == nil || *history[0].DurationMS != 8000 || history[0].Error != nil {
		t.Errorf("finished run %+v", history[0])
	}
	if history[1].Node != "node-dead" || history[1].DurationMS != nil || history[1].Error == nil || *history[1].Error != lostRunError {
		t.Errorf("lost run %+v", history[1])
	}
}

// A digest that cannot post records the failure as the run's outcome.
func TestDigestPostFailureIsTheRunsError(t *testing.T) {
	store := kvtest.NewStore()
	cfg := defaultConfiguration()
	cfg.DigestInterval = 100 * time.Millisecond
	cfg.DigestChannelID = "channel0000000000000000000"
	api := &fakeAPI{Instance: store.Instance()}
	api.postErr = model.NewAppError("CreatePost", "test.refused", nil, "channel archived", http.StatusForbidden)
	a := startNodeWithAPI(t, api, "node-a", cfg)
	eventually(t, 10*time.Second, "a failed digest run is recorded", func() bool {
		history, _ := a.svc.jobs.History(jobDigest)
		for _, r := range history {
			if r.Finished && strings.Contains(r.Err, "posting the digest") && strings.Contains(r.Err, "channel archived") {
				return true
			}
		}
		return false
	})
	var job jobJSON
	a.doJSON(t, "GET", "/api/v1/jobs/digest", "", http.StatusOK, &job)
	if job.LastError == nil || !strings.Contains(*job.LastError, "posting the digest") {
		t.Errorf("last_error %v", job.LastError)
	}
}
