package cluster

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// go test -run '^$' -bench Footprint -benchtime 200x ./server/cluster
//
// What ADOPTING.md's footprint table says, measured on the fake: KV calls
// per operation (one instance, no contention, events on; one-shot figures
// include the InspectJobOnce polls that wait for the end, two KVGets each)
// and heap per lock name, held and idle (the fake's rows, in this process,
// included: an upper bound for the plugin's share).
func BenchmarkFootprint(b *testing.B) {
	calls := func(b *testing.B, in *kvtest.Instance, op func(i int)) {
		before := in.Stats().Calls()
		for i := 0; i < b.N; i++ {
			op(i)
		}
		b.ReportMetric(float64(in.Stats().Calls()-before)/float64(b.N), "kv-calls/op")
		b.ReportMetric(0, "ns/op")
	}
	b.Run("mutex-lock-unlock", func(b *testing.B) {
		_, ins := newCluster(1, true)
		calls(b, ins[0], func(i int) {
			m := NewMutex(ins[0], fmt.Sprintf("fp-%d", i%10))
			m.Lock()
			m.Unlock()
		})
	})
	b.Run("job-run", func(b *testing.B) {
		_, ins := newCluster(1, true)
		runs := make(chan struct{}, 1)
		j, err := Schedule(ins[0], "fp-job", JobConfig{Interval: 5 * time.Millisecond}, func() { runs <- struct{}{} })
		if err != nil {
			b.Fatal(err)
		}
		<-runs // the first run, then count the steady state
		calls(b, ins[0], func(int) { <-runs })
		_ = j.Close()
	})
	b.Run("oneshot-schedule-run", func(b *testing.B) {
		_, ins := newCluster(1, true)
		s, _ := NewJobOnceScheduler(ins[0], JobOnceConfig{ScanInterval: time.Hour})
		ran := make(chan struct{}, 1)
		_ = s.SetCallback(func(string) { ran <- struct{}{} })
		_ = s.Start()
		defer s.Close()
		calls(b, ins[0], func(i int) {
			j, err := s.ScheduleOnce(fmt.Sprintf("fp-%d", i), time.Now())
			if err != nil {
				b.Fatal(err)
			}
			<-ran
			for inspectPending(ins[0], j.Key()) {
				time.Sleep(time.Millisecond)
			}
		})
	})
	b.Run("oneshot-cancel", func(b *testing.B) {
		_, ins := newCluster(1, true)
		s, _ := NewJobOnceScheduler(ins[0], JobOnceConfig{ScanInterval: time.Hour})
		_ = s.SetCallback(func(string) {})
		_ = s.Start()
		defer s.Close()
		var keys []string
		for i := 0; i < b.N; i++ {
			j, _ := s.ScheduleOnce(fmt.Sprintf("fp-%d", i), time.Now().Add(time.Hour))
			keys = append(keys, j.Key())
		}
		calls(b, ins[0], func(i int) { _ = s.Cancel(keys[i]) })
	})
	b.Run("memory-per-pending-oneshot", func(b *testing.B) {
		_, ins := newCluster(1, true)
		s, _ := NewJobOnceScheduler(ins[0], JobOnceConfig{ScanInterval: time.Hour})
		_ = s.SetCallback(func(string) {})
		_ = s.Start()
		defer s.Close()
		before := memNow()
		for i := 0; i < b.N; i++ {
			if _, err := s.ScheduleOnce(fmt.Sprintf("fp-%d", i), time.Now().Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(int64(memNow())-int64(before))/float64(b.N), "B/pending-job")
		b.ReportMetric(0, "ns/op")
	})
	b.Run("heap-per-held-name", func(b *testing.B) {
		_, ins := newCluster(1, false)
		ms := make([]*Mutex, b.N)
		before := heapNow()
		for i := range ms {
			ms[i] = NewMutex(ins[0], fmt.Sprintf("held-%d", i))
			ms[i].Lock()
		}
		held := heapNow()
		for _, m := range ms {
			m.Unlock()
		}
		idle := heapNow()
		b.ReportMetric(float64(int64(held)-int64(before))/float64(b.N), "B/held-name")
		b.ReportMetric(float64(int64(idle)-int64(before))/float64(b.N), "B/idle-name")
		b.ReportMetric(0, "ns/op")
	})
}

func inspectPending(api JobPluginAPI, key string) bool {
	st, err := InspectJobOnce(api, key)
	return err != nil || st.Pending != nil
}

// memNow is the heap and the goroutine stacks in use (a tracked one-shot
// job is a goroutine).
func memNow() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}
