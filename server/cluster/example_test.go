package cluster_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// In a plugin, pluginAPI is p.API. The examples use the KV fake so they run.
func newPluginAPI() *kvtest.Instance { return kvtest.NewStore().Instance() }

// The documented usage of a Mutex.
func ExampleMutex() {
	pluginAPI := newPluginAPI()

	counter := 0
	m := cluster.NewMutex(pluginAPI, "key")
	m.Lock()
	counter++ // critical section
	m.Unlock()

	fmt.Println(counter)
	// Output: 1
}

// The documented usage of a scheduled job.
func ExampleSchedule() {
	pluginAPI := newPluginAPI()

	ran := make(chan struct{}, 1)
	job, err := cluster.Schedule(
		pluginAPI,
		"key",
		cluster.JobConfig{Interval: 5 * time.Minute},
		func() {
			// periodic work to do
			select {
			case ran <- struct{}{}:
			default:
			}
		},
	)
	if err != nil {
		panic("failed to schedule job")
	}
	<-ran // a job that never ran is due at once
	if err := job.Close(); err != nil {
		panic(err)
	}
	fmt.Println("ran and closed")
	// Output: ran and closed
}

// LockWithContext gives up when the context ends; the mutex is locked only
// if it returns nil.
func ExampleMutex_LockWithContext() {
	store := kvtest.NewStore()
	a, b := store.Instance(), store.Instance()

	holder := cluster.NewMutex(a, "report")
	holder.Lock()
	defer holder.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := cluster.NewMutex(b, "report").LockWithContext(ctx)
	fmt.Println(err)
	// Output: context deadline exceeded
}

// Work protected by a mutex should stop when its lease is lost.
func ExampleMutex_Lost() {
	m := cluster.NewMutex(newPluginAPI(), "export")
	m.Lock()
	defer m.Unlock()

	work := func(ctx context.Context) {}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-m.Lost():
			cancel() // another instance may hold the lock now
		case <-ctx.Done():
		}
	}()
	work(ctx)
	fmt.Println("finished while holding the lease")
	// Output: finished while holding the lease
}

// Leases name their holder; InspectLock shows who holds a lock.
func ExampleInspectLock() {
	pluginAPI := newPluginAPI()
	cluster.SetNode(pluginAPI, cluster.Node{ID: "node-1", Name: "app-1"})

	m := cluster.NewMutex(pluginAPI, "nightly-export")
	m.Lock()
	state, err := cluster.InspectLock(pluginAPI, "nightly-export")
	if err != nil {
		panic(err)
	}
	fmt.Println(state.Held, state.HolderName, state.FencingToken > 0)
	m.Unlock()

	state, _ = cluster.InspectLock(pluginAPI, "nightly-export")
	fmt.Println(state.Held)
	// Output:
	// true app-1 true
	// false
}

// ScheduleContext callbacks return an error, recorded with the run, and
// are told through ctx when the job's lease is lost or the job closes.
func ExampleScheduleContext() {
	pluginAPI := newPluginAPI()
	finished := make(chan cluster.Run, 1)
	job, err := cluster.ScheduleContext(pluginAPI, "sync", cluster.JobConfig{
		Interval:      time.Hour,
		OnRunFinished: func(r cluster.Run) { finished <- r },
	}, func(ctx context.Context) error {
		return fmt.Errorf("upstream unavailable")
	})
	if err != nil {
		panic(err)
	}
	defer job.Close()
	r := <-finished
	fmt.Println(r.Job, r.Err)
	// Output: sync upstream unavailable
}

// RunNow asks for a run now, whatever the interval.
func ExampleJob_RunNow() {
	pluginAPI := newPluginAPI()
	runs := make(chan struct{}, 2)
	job, _ := cluster.Schedule(pluginAPI, "reindex", cluster.JobConfig{Interval: 24 * time.Hour}, func() { runs <- struct{}{} })
	defer job.Close()
	<-runs // the first run
	if err := job.RunNow(); err != nil {
		panic(err)
	}
	<-runs
	state, _ := cluster.InspectJob(pluginAPI, "reindex")
	for state.Runs < 2 { // the record is written just after the callback
		time.Sleep(time.Millisecond)
		state, _ = cluster.InspectJob(pluginAPI, "reindex")
	}
	fmt.Println(state.Runs)
	// Output: 2
}

// The plugin's OnPluginClusterEvent hook hands this package its events.
func ExampleHandleClusterEvent() {
	pluginAPI := newPluginAPI()
	onPluginClusterEvent := func(ev model.PluginClusterEvent) {
		if cluster.HandleClusterEvent(pluginAPI, ev) {
			return
		}
		fmt.Println("the plugin's own event:", ev.Id)
	}
	onPluginClusterEvent(model.PluginClusterEvent{Id: "my_event"})
	// Output: the plugin's own event: my_event
}

// A lock guarding long work can have a longer lease: another instance takes
// it over only after seeing it unrefreshed for the whole TTL.
func ExampleNewMutexWithConfig() {
	pluginAPI := newPluginAPI()

	m := cluster.NewMutexWithConfig(pluginAPI, "reindex", cluster.MutexConfig{TTL: time.Minute})
	m.Lock()
	lease, _ := m.Lease()
	fmt.Println(lease.ExpiresAt.Sub(lease.AcquiredAt))
	m.Unlock()
	// Output: 1m0s
}
