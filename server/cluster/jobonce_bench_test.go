package cluster

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// go test -run '^$' -bench OneShotLateness -benchtime 40x ./server/cluster
//
// How late a one-shot job's callback starts after its RunAt, on two
// instances that both track the job, with latency per KV call:
//   - on-time: both instances up;
//   - owner-died: the scheduling instance is gone (closed, cut off from the
//     store) before the job's time, after the other one found the job;
//   - died-holding: the running instance is cut off mid-run, and the other
//     one runs the job again after taking over the lease (LockTTL 1 s).
func BenchmarkOneShotLateness(b *testing.B) {
	for _, latency := range []time.Duration{0, time.Millisecond} {
		for _, scenario := range []string{"on-time", "owner-died", "died-holding"} {
			b.Run(fmt.Sprintf("%s/latency=%v", scenario, latency), func(b *testing.B) {
				var late []time.Duration
				for i := 0; i < b.N; i++ {
					late = append(late, oneShotLateness(b, latency, scenario, i))
				}
				sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
				b.ReportMetric(float64(late[len(late)/2])/1e6, "p50-late-ms")
				b.ReportMetric(float64(late[len(late)-1])/1e6, "max-late-ms")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

func oneShotLateness(b *testing.B, latency time.Duration, scenario string, i int) time.Duration {
	store := kvtest.NewStore()
	store.SetLatency(latency)
	ins := []*kvtest.Instance{store.Instance(), store.Instance()}
	starts := make(chan time.Time, 4)
	first := make(chan struct{}, 1)
	first <- struct{}{}
	var scheds []*JobOnceScheduler
	for n, in := range ins {
		s, err := NewJobOnceScheduler(in, fastScan)
		if err != nil {
			b.Fatal(err)
		}
		n := n
		_ = s.SetCallbackContext(func(ctx context.Context, key string, _ []byte) error {
			starts <- time.Now()
			select {
			case <-first:
				if scenario == "died-holding" {
					ins[n].SetDown(true) // up again after the iteration
					<-ctx.Done()
				}
			default:
			}
			return nil
		})
		if err := s.Start(); err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		scheds = append(scheds, s)
	}
	runAt := time.Now().Add(200 * time.Millisecond)
	if _, err := scheds[0].ScheduleOnce(fmt.Sprintf("late-%d", i), runAt); err != nil {
		b.Fatal(err)
	}
	if scenario == "owner-died" {
		time.Sleep(3 * fastScan.ScanInterval)
		ins[0].SetDown(true)
		_ = scheds[0].Close()
	}
	var last time.Time
	want := 1
	if scenario == "died-holding" {
		want = 2 // the lateness is the retry's
	}
	for k := 0; k < want; k++ {
		select {
		case last = <-starts:
		case <-time.After(10 * time.Second):
			b.Fatalf("%s: run %d never started", scenario, k+1)
		}
	}
	for _, in := range ins {
		in.SetDown(false) // so that Close does not wait on a dead store
	}
	return last.Sub(runAt)
}
