package main

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
	mmplugin "github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Each fault does what its name says, on the KV fake: the end-to-end
// evidence is only worth something if the broken build is broken the way
// it claims.

// fakeAPI is the plugin API over one kvtest instance; anything else it is
// asked panics (the embedded API is nil), which a test would show.
type fakeAPI struct {
	mmplugin.API
	in *kvtest.Instance
}

func (f fakeAPI) KVGet(key string) ([]byte, *model.AppError) { return f.in.KVGet(key) }
func (f fakeAPI) KVSetWithOptions(key string, value []byte, o model.PluginKVSetOptions) (bool, *model.AppError) {
	return f.in.KVSetWithOptions(key, value, o)
}
func (f fakeAPI) KVDelete(key string) *model.AppError { return f.in.KVDelete(key) }
func (f fakeAPI) KVList(page, perPage int) ([]string, *model.AppError) {
	return f.in.KVList(page, perPage)
}
func (f fakeAPI) LogError(msg string, kv ...interface{}) { f.in.LogError(msg, kv...) }
func (f fakeAPI) LogWarn(msg string, kv ...interface{})  { f.in.LogError(msg, kv...) }
func (f fakeAPI) PublishPluginClusterEvent(model.PluginClusterEvent, model.PluginClusterEventSendOptions) error {
	return nil
}

func newFake() fakeAPI { return fakeAPI{in: kvtest.NewStore().Instance()} }

// starts schedules a job on api and returns its callback starts after d.
func starts(t *testing.T, api mmplugin.API, interval, d time.Duration, during func(*cluster.Job)) []time.Time {
	t.Helper()
	var mu sync.Mutex
	var out []time.Time
	job, err := cluster.Schedule(api, "variant", cluster.JobConfig{Interval: interval}, func() {
		mu.Lock()
		out = append(out, time.Now())
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if during != nil {
		during(job)
	}
	time.Sleep(d)
	if err := job.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return out
}

// everyOther is the every-other-interval fault over f, with the job's
// configured interval read from configured.
func everyOther(f fakeAPI, configured *atomic.Int64) mmplugin.API {
	e := newEveryOtherInterval(f).(*everyOtherInterval)
	e.configured = func(string) time.Duration { return time.Duration(configured.Load()) }
	return e
}

func TestEveryOtherIntervalRunsAJobAtHalfItsRate(t *testing.T) {
	const interval = 100 * time.Millisecond
	var configured atomic.Int64
	configured.Store(int64(interval))
	f := newFake()
	got := starts(t, everyOther(f, &configured), interval, 1100*time.Millisecond, nil)
	if len(got) < 3 {
		t.Fatalf("%d starts", len(got))
	}
	for i := 1; i < len(got); i++ {
		if gap := got[i].Sub(got[i-1]); gap < 2*interval-5*time.Millisecond {
			t.Errorf("starts %v apart: not every other interval", gap)
		}
	}
	// The fault is in the schedule only: every run is recorded as the
	// product records it, finished and without an error.
	state, err := cluster.InspectJob(f, "variant")
	if err != nil {
		t.Fatal(err)
	}
	if state.Runs != int64(len(got)) || state.Running || state.LastError != "" {
		t.Errorf("after %d starts the record shows %d runs, running %v, error %q", len(got), state.Runs, state.Running, state.LastError)
	}
}

func TestEveryOtherIntervalRunsAChangedIntervalOnTimeOnce(t *testing.T) {
	const long, short = time.Hour, 100 * time.Millisecond
	var configured atomic.Int64
	configured.Store(int64(long))
	f := newFake()
	api := everyOther(f, &configured)
	if first := starts(t, api, long, 100*time.Millisecond, nil); len(first) != 1 {
		t.Fatalf("%d starts on the hour-long interval, want 1", len(first))
	}
	configured.Store(int64(short))
	changed := time.Now()
	got := starts(t, api, short, 700*time.Millisecond, nil)
	if len(got) < 2 {
		t.Fatalf("%d starts after the change", len(got))
	}
	// The record still carries the hour: the first run on the new interval
	// is due an interval after the last start, long past.
	if late := got[0].Sub(changed); late > short/2 {
		t.Errorf("the first run on the changed interval started %v after the change", late)
	}
	if gap := got[1].Sub(got[0]); gap < 2*short-5*time.Millisecond {
		t.Errorf("the second run on the changed interval started %v after the first: not every other interval", gap)
	}
}

func TestRunNowDroppedAnswersButRunsNothing(t *testing.T) {
	var job *cluster.Job
	got := starts(t, newRunNowDropped(newFake()), time.Hour, 600*time.Millisecond, func(j *cluster.Job) {
		job = j
		time.Sleep(200 * time.Millisecond) // the first run, due at once
		if err := job.RunNow(); err != nil {
			t.Errorf("RunNow: %v", err)
		}
	})
	if len(got) != 1 {
		t.Errorf("%d starts: want only the first, scheduled one", len(got))
	}
}

func TestSlowWaiterLooksAtALockOnceASecond(t *testing.T) {
	api := newSlowWaiter(newFake())
	began := time.Now()
	for i := 0; i < 3; i++ {
		if _, appErr := api.KVGet("mutex_x"); appErr != nil {
			t.Fatal(appErr)
		}
	}
	if took := time.Since(began); took < 2*slowPoll {
		t.Errorf("three reads of a lock took %v, want at least %v", took, 2*slowPoll)
	}
	began = time.Now()
	_, _ = api.KVGet("cd_other")
	if took := time.Since(began); took > slowPoll/2 {
		t.Errorf("a read of another key took %v", took)
	}
}

func TestLostAsFailedRecordsALostRunAsAFailure(t *testing.T) {
	f := newFake()
	api := newLostAsFailed(f)
	value := []byte(`[{"error":"lost: its node stopped"}]`)
	if _, appErr := api.KVSetWithOptions("cd_runs_slow", value, model.PluginKVSetOptions{}); appErr != nil {
		t.Fatal(appErr)
	}
	stored, _ := f.KVGet("cd_runs_slow")
	if bytes.Contains(stored, []byte("lost:")) || !bytes.Contains(stored, []byte(`"failed: its node stopped"`)) {
		t.Errorf("stored %s", stored)
	}
}

func TestUnknownLockErrorFailsOnlyAMissingDemoLockRecord(t *testing.T) {
	f := newFake()
	api := newUnknownLockError(f)
	if _, appErr := api.KVGet(demoLockRecordPrefix + "nobody"); appErr == nil {
		t.Error("reading a demo lock record nobody wrote did not fail")
	}
	if _, appErr := f.KVSetWithOptions(demoLockRecordPrefix+"taken", []byte(`{"name":"taken"}`), model.PluginKVSetOptions{}); appErr != nil {
		t.Fatal(appErr)
	}
	if value, appErr := api.KVGet(demoLockRecordPrefix + "taken"); appErr != nil || value == nil {
		t.Errorf("reading a demo lock record that exists: %s %v", value, appErr)
	}
	if value, appErr := api.KVGet("mutex_nobody"); appErr != nil || value != nil {
		t.Errorf("reading another missing key: %s %v", value, appErr)
	}
}
