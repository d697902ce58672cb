package cluster_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
	"github.com/clusterdemo/clusterdemo/server/cluster/pluginapi/cluster"
)

// A plugin written for v0.0.19 — a mutex, an interval job, a rounded job
// and the one-shot scheduler, called exactly as v0.0.19 documents them —
// works on two instances through this package: the mutex excludes, each
// job runs, the one-shot job runs once and the cancelled one never. The
// code below names nothing v0.0.19 does not export. Catches a wrapper that
// changes a signature (it does not compile) or drops a behaviour (an
// empty-key NewMutex that panics instead of erring, a Cancel that stays
// local, a Schedule that ignores the wait function).
func TestAPluginWrittenForV0019Works(t *testing.T) {
	store := kvtest.NewStore()
	nodes := []*kvtest.Instance{store.Instance(), store.Instance()}

	if _, err := cluster.NewMutex(nodes[0], ""); err == nil {
		t.Fatal("NewMutex with an empty key: no error")
	}

	var inside, overlaps, entries int32
	var wg sync.WaitGroup
	for _, in := range nodes {
		m, err := cluster.NewMutex(in, "shared")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				m.Lock()
				if atomic.AddInt32(&inside, 1) > 1 {
					atomic.AddInt32(&overlaps, 1)
				}
				atomic.AddInt32(&entries, 1)
				time.Sleep(5 * time.Millisecond)
				atomic.AddInt32(&inside, -1)
				m.Unlock()
			}
		}()
	}

	var intervalRuns, roundedRuns int32
	var jobs []*cluster.Job
	for _, in := range nodes {
		j, err := cluster.Schedule(in, "interval", cluster.MakeWaitForInterval(100*time.Millisecond), func() { atomic.AddInt32(&intervalRuns, 1) })
		if err != nil {
			t.Fatal(err)
		}
		r, err := cluster.Schedule(in, "rounded", cluster.MakeWaitForRoundedInterval(200*time.Millisecond), func() { atomic.AddInt32(&roundedRuns, 1) })
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, j, r)
	}

	var mu sync.Mutex
	ran := map[string]int{}
	scheduler := cluster.GetJobOnceScheduler(nodes[0])
	if scheduler != cluster.GetJobOnceScheduler(nodes[0]) {
		t.Fatal("GetJobOnceScheduler returned another scheduler for the same API value")
	}
	if scheduler.Start() == nil {
		t.Fatal("Start before SetCallback succeeded")
	}
	if err := scheduler.SetCallback(func(key string) {
		mu.Lock()
		ran[key]++
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	if err := scheduler.Start(); err != nil {
		t.Fatal(err)
	}
	runAt := time.Now().Add(300 * time.Millisecond)
	if _, err := scheduler.ScheduleOnce("remind", runAt); err != nil {
		t.Fatal(err)
	}
	cancelled, err := scheduler.ScheduleOnce("cancelled", runAt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scheduler.ScheduleOnce("remind", runAt); err == nil {
		t.Fatal("scheduling a pending key twice: no error")
	}
	list, err := scheduler.ListScheduledJobs()
	if err != nil || len(list) != 2 {
		t.Fatalf("ListScheduledJobs: %v, %v", list, err)
	}
	var metas []cluster.JobOnceMetadata = list
	_ = metas[0].Key
	_ = metas[0].RunAt
	cancelled.Cancel()

	wg.Wait()
	time.Sleep(time.Second)
	for _, j := range jobs {
		if err := j.Close(); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	switch {
	case overlaps != 0 || entries != 10:
		t.Fatalf("mutex: %d entries, %d overlapping", entries, overlaps)
	case intervalRuns < 3 || roundedRuns < 2:
		t.Fatalf("jobs ran %d (interval) and %d (rounded) times in a second", intervalRuns, roundedRuns)
	case ran["remind"] != 1 || ran["cancelled"] != 0:
		t.Fatalf("one-shot runs %v: want remind once, cancelled never", ran)
	}
}
