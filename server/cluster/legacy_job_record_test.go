package cluster

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// During a rolling upgrade the job record may have been written by the
// widely used implementation (mattermost-plugin-api v0.0.19), which stores
// only {"LastFinished": …} under "cron_" + key and runs the job an Interval
// after the last run finished. Such a record is honoured: the job is not due
// before LastFinished + Interval. An implementation that only looks at its
// own start fields finds none and runs at once.
func TestLegacyJobRecordIsHonoured(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	_, ins := newCluster(1, false)
	const key = "legacy"
	const interval = 1500 * time.Millisecond
	finished := time.Now()
	legacy, err := json.Marshal(struct{ LastFinished time.Time }{finished})
	if err != nil {
		t.Fatal(err)
	}
	if _, appErr := ins[0].KVSetWithOptions("cron_"+key, legacy, model.PluginKVSetOptions{}); appErr != nil {
		t.Fatal(appErr)
	}
	started := make(chan time.Time, 1)
	j, err := Schedule(ins[0], key, JobConfig{Interval: interval}, func() {
		select {
		case started <- time.Now():
		default:
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer closeJobs(t, []*Job{j})
	select {
	case at := <-started:
		if due := finished.Add(interval); at.Before(due) {
			t.Fatalf("ran %v before LastFinished + Interval", due.Sub(at).Round(time.Millisecond))
		}
	case <-time.After(interval + 5*time.Second):
		t.Fatal("the job never ran after LastFinished + Interval")
	}
}
