package upgrade

import (
	"sync"
	"testing"
	"time"

	legacy "github.com/mattermost/mattermost-plugin-api/cluster"
	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// A rounded job scheduled by both versions on one key ("cron_" + key, lock
// "mutex_cron_" + key) runs at most once per rounded time: each version
// reads the other's LastFinished under the shared lock. Catches a record
// whose LastFinished v0.0.19 cannot read, or a lock name that differs
// (both would run in every slot).
func TestMixedClusterRoundedJobRunsOncePerRoundedTime(t *testing.T) {
	store := kvtest.NewStore()
	old, ours := store.Instance(), store.Instance()
	ours.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { cluster.HandleClusterEvent(ours, ev) })
	const round = time.Second
	var mu sync.Mutex
	type run struct {
		who string
		at  time.Time
	}
	var runs []run
	record := func(who string) func() {
		return func() {
			mu.Lock()
			runs = append(runs, run{who, time.Now()})
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
		}
	}
	lj, err := legacy.Schedule(old, "rounded", legacy.MakeWaitForRoundedInterval(round), record("v0.0.19"))
	if err != nil {
		t.Fatal(err)
	}
	oj, err := cluster.ScheduleWait(ours, "rounded", cluster.MakeWaitForRoundedInterval(round), record("ours"))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(6 * round)
	_ = oj.Close()
	_ = lj.Close()

	mu.Lock()
	defer mu.Unlock()
	if len(runs) < 4 {
		t.Fatalf("only %d runs in %v", len(runs), 6*round)
	}
	slots := map[time.Time]string{}
	for _, r := range runs[1:] { // the first run is at once, by design of both versions
		slot := r.at.Truncate(round)
		if prev, ok := slots[slot]; ok {
			t.Errorf("two runs in the rounded slot %s: %s and %s", slot.Format("15:04:05"), prev, r.who)
		}
		slots[slot] = r.who
	}
	per := map[string]int{}
	for _, r := range runs {
		per[r.who]++
	}
	t.Logf("runs per version: %v", per)
}
