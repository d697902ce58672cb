package cluster

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// While a run is going, InspectJob reports the last finished run, not the
// running one: during a first run there is none (LastFinishedAt zero), and
// during a later run it is the previous run's end. Catches a state that
// reads the record's LastFinished, which a start sets to the running run's
// start for v0.0.19 nodes (the panel then showed a running first run as a
// finished one with no node).
func TestInspectJobWhileRunningReportsTheFinishedRunOnly(t *testing.T) {
	t.Parallel() // it mostly waits for the callback; it touches no package state
	_, ins := newCluster(1, false)
	const key = "state-while-running"
	entered := make(chan time.Time, 16) // buffered: runs after the test closes proceed must not block
	proceed := make(chan struct{})
	returned := make(chan time.Time, 16)
	j, err := Schedule(ins[0], key, JobConfig{Interval: 100 * time.Millisecond}, func() {
		entered <- time.Now()
		<-proceed
		returned <- time.Now()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		close(proceed)
		closeJobs(t, []*Job{j})
	}()

	inspectDuring := func(run int) JobState {
		t.Helper()
		select {
		case <-entered:
		case <-time.After(10 * time.Second):
			t.Fatalf("run %d never started", run)
		}
		st, err := InspectJob(ins[0], key)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Running {
			t.Fatalf("during run %d: not running: %+v", run, st)
		}
		return st
	}

	first := inspectDuring(1)
	if !first.LastFinishedAt.IsZero() || first.Runs != 0 || first.LastDuration != 0 {
		t.Fatalf("during the first run: last finished %v, runs %d, duration %v; want no finished run", first.LastFinishedAt, first.Runs, first.LastDuration)
	}
	proceed <- struct{}{}
	firstReturned := <-returned

	second := inspectDuring(2)
	if second.Runs != 1 || second.LastDuration <= 0 {
		t.Fatalf("during the second run: runs %d, duration %v; want the first run's", second.Runs, second.LastDuration)
	}
	// The first run was recorded as finished after its callback returned
	// and before the second run's start was recorded.
	if second.LastFinishedAt.Before(firstReturned) || !second.LastFinishedAt.Before(second.LastStartedAt) {
		t.Fatalf("during the second run: last finished %v, want after the first callback returned (%v) and before the running start (%v)",
			second.LastFinishedAt, firstReturned, second.LastStartedAt)
	}
}

// A record of v0.0.19 (LastFinished only) reports LastFinished as the last
// run's end. Catches a state that trusts only this package's own end field.
func TestInspectJobReportsAV0019RecordsFinish(t *testing.T) {
	_, ins := newCluster(1, false)
	finished := time.Now().Add(-time.Minute).Round(time.Millisecond)
	legacy, err := json.Marshal(struct{ LastFinished time.Time }{finished})
	if err != nil {
		t.Fatal(err)
	}
	if _, appErr := ins[0].KVSetWithOptions(jobMetaKey("legacy-state"), legacy, model.PluginKVSetOptions{}); appErr != nil {
		t.Fatal(appErr)
	}
	st, err := InspectJob(ins[0], "legacy-state")
	if err != nil {
		t.Fatal(err)
	}
	if !st.LastFinishedAt.Equal(finished) || st.Running {
		t.Fatalf("a v0.0.19 record: last finished %v, running %v; want %v, not running", st.LastFinishedAt, st.Running, finished)
	}
}
