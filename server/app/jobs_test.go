package app

import "errors"

import "net/http"

import "github.com/mattermost/mattermost-server/v5/model"

import "github.com/clusterdemo/clusterdemo/server/cluster"

import "strings"

import "sync"

import "github.com/clusterdemo/clusterdemo/server/app/apptest"

import "time"

import "github.com/clusterdemo/clusterdemo/server/cluster/kvtest"

import "testing"

func TestDigestPostsWhenChannelConfigured(t *testing.T) {
	store := kvtest.NewStore()
	cfg := DefaultConfiguration()
	cfg.DigestInterval = 100 * time.Millisecond
	api := apptest.NewFakeAPI(store)
	o := testOptions(api, "node-a", cfg)
	var rendered []Digest
	var mu sync.Mutex
	o.RenderDigest = func(d Digest) string {
		mu.Lock()
		defer mu.Unlock()
		rendered = append(rendered, d)
		return "digest: " + d.Summary
	}
	a := &testNode{api: api, app: apptest.Run(t, api, New(o))}
	eventually(t, 10*time.Second, "a digest run is recorded", func() bool {
		history, _ := a.app.jobs.History(JobDigest)
		return len(history) > 0 && history[0].Summary != ""
	})
	if len(a.api.Posts()) != 0 {
		t.Fatal("digest posted without a channel configured")
	}
	history, _ := a.app.jobs.History(JobDigest)
	if !strings.Contains(history[0].Summary, "1 of 1 nodes alive") {
		t.Errorf("summary %q", history[0].Summary)
	}

	channel := "channel0000000000000000000"
	cfg2 := *cfg
	cfg2.DigestChannelID = channel
	if err := a.app.SetConfig(&cfg2); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the digest is posted", func() bool { return len(a.api.Posts()) > 0 })
	post := a.api.Posts()[0]
	if post.ChannelId != channel || post.UserId != apptest.BotUser || !strings.HasPrefix(post.Message, "digest: 1 of 1 nodes alive") {
		t.Fatalf("post %+v", post)
	}
	// The renderer is given the nodes and the held locks it writes out.
	mu.Lock()
	d := rendered[0]
	mu.Unlock()
	if len(d.Nodes) != 1 || d.Nodes[0].Name != "node-a" || !d.Nodes[0].Alive {
		t.Errorf("digest given the nodes %+v", d.Nodes)
	}
	// The digest runs under its own job lock, so that lock is among the
	// held ones; a free lock never is.
	ownLock := false
	for _, l := range d.Held {
		if !l.Held {
			t.Errorf("digest given a free lock as held: %+v", l)
		}
		ownLock = ownLock || l.Name == cluster.JobLockName(JobDigest)
	}
	if !ownLock {
		t.Errorf("digest's held locks %+v lack its own job lock", d.Held)
	}
}

// A run that recorded its start but never its end (its node was killed) is
// marked lost when the next run starts; a late finish still records itself.
func TestHistoryMarksLostRuns(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	dead := cluster.Node{ID: "dead", Name: "node-dead"}
	live := cluster.Node{ID: "live", Name: "node-a"}
	t0 := time.Now().Add(-time.Minute)
	a.app.jobs.recordStart(cluster.Run{Job: JobSlow, Node: dead, StartedAt: t0})
	a.app.jobs.recordStart(cluster.Run{Job: JobSlow, Node: live, StartedAt: t0.Add(30 * time.Second)})
	a.app.jobs.recordRun(cluster.Run{Job: JobSlow, Node: live, StartedAt: t0.Add(30 * time.Second), Duration: 8 * time.Second})

	_, history, _, err := a.app.Job(JobSlow)
	if err != nil || len(history) != 2 {
		t.Fatalf("history %+v, %v", history, err)
	}
	if history[0].Node != "node-a" || !history[0].Finished || history[0].Duration != 8*time.Second || history[0].Err != "" {
		t.Errorf("finished run %+v", history[0])
	}
	if history[1].Node != "node-dead" || history[1].Finished || history[1].Err != lostRunError {
		t.Errorf("lost run %+v", history[1])
	}
}

// A digest that cannot post records the failure as the run's outcome.
func TestDigestPostFailureIsTheRunsError(t *testing.T) {
	store := kvtest.NewStore()
	cfg := DefaultConfiguration()
	cfg.DigestInterval = 100 * time.Millisecond
	cfg.DigestChannelID = "channel0000000000000000000"
	api := apptest.NewFakeAPI(store)
	api.FailPosts(model.NewAppError("CreatePost", "test.refused", nil, "channel archived", http.StatusForbidden))
	a := &testNode{api: api, app: apptest.Run(t, api, New(testOptions(api, "node-a", cfg)))}
	eventually(t, 10*time.Second, "a failed digest run is recorded", func() bool {
		history, _ := a.app.jobs.History(JobDigest)
		for _, r := range history {
			if r.Finished && strings.Contains(r.Err, "posting the digest") && strings.Contains(r.Err, "channel archived") {
				return true
			}
		}
		return false
	})
	job, _, _, err := a.app.Job(JobDigest)
	if err != nil || !strings.Contains(job.LastError, "posting the digest") {
		t.Errorf("last error %q, %v", job.LastError, err)
	}
}

// A configuration change that arrives after deactivation schedules nothing.
func TestConfigChangeAfterStopSchedulesNothing(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	a.app.Stop()
	if err := a.app.SetConfig(DefaultConfiguration()); err != nil {
		t.Fatal(err)
	}
	for _, name := range DemoJobNames {
		if _, _, err := a.app.RunJob(name); !errors.Is(err, ErrWorkloadOff) {
			t.Errorf("job %s on a stopped application: %v, want ErrWorkloadOff (not scheduled)", name, err)
		}
	}
}
