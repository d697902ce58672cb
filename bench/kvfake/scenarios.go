package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clusterdemo/clusterdemo/bench/impls"
)

// held and waitedThrough count what the scenarios do while
// holding a lock (from one goroutine at a time, or atomically).
var (
	held          atomic.Int64
	waitedThrough atomic.Int64
)

// uncontended: one goroutine locks and unlocks n times on one instance.
// Returns the mean time and KV calls per Lock+Unlock, after one warm-up
// pair (which is allowed to read the fencing counter).
func uncontended(im impls.Impl, n int, latency float64) (time.Duration, float64) {
	s, ins := newCluster(1, latency, im.Events)
	m := newMutex(im, ins[0], "uncontended", im.Events)
	m.Lock()
	held.Add(1)
	m.Unlock()
	before := s.Stats().Calls()
	start := time.Now()
	for i := 0; i < n; i++ {
		m.Lock()
		held.Add(1)
		m.Unlock()
	}
	elapsed := time.Since(start)
	return elapsed / time.Duration(n), float64(s.Stats().Calls()-before) / float64(n)
}

// handoff measures unlock→acquire latency: a holder on instance 0 unlocks
// while one waiter (on instance 0 or 1) waits; the sample is from just
// before Unlock to the waiter's Lock returning. The holder keeps the lock a
// random 50–400 ms first, so a polling waiter is at a random poll phase.
func handoff(im impls.Impl, samples int, latency float64, crossInstance, events bool) []time.Duration {
	_, ins := newCluster(2, latency, events)
	waiterIn := ins[0]
	if crossInstance {
		waiterIn = ins[1]
	}
	holder := newMutex(im, ins[0], "handoff", events)
	waiter := newMutex(im, waiterIn, "handoff", events)
	out := make([]time.Duration, 0, samples)
	for i := 0; i < samples; i++ {
		holder.Lock()
		got := make(chan time.Time, 1)
		go func() {
			waiter.Lock()
			got <- time.Now()
		}()
		time.Sleep(randomPause(50*time.Millisecond, 400*time.Millisecond))
		t0 := time.Now()
		holder.Unlock()
		t1 := <-got
		out = append(out, t1.Sub(t0))
		waiter.Unlock()
	}
	return out
}

// contention: perInstance goroutines on each of instances, each looping
// Lock, a 1 ms critical section, Unlock, for d.
type contentionResult struct {
	acquisitions  int64
	maxWait       time.Duration
	overlaps      int64
	failedInserts int64
	perGoroutine  []int64
}

func contention(im impls.Impl, instances, perInstance int, d time.Duration, latency float64, events bool) contentionResult {
	s, ins := newCluster(instances, latency, events)
	var inside, overlaps, total int64
	var mu sync.Mutex
	var maxWait time.Duration
	counts := make([]int64, instances*perInstance)
	stop := time.Now().Add(d)
	before := s.Stats()
	var wg sync.WaitGroup
	for i := 0; i < instances; i++ {
		for g := 0; g < perInstance; g++ {
			idx := i*perInstance + g
			m := newMutex(im, ins[i], "contended", events)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(stop) {
					asked := time.Now()
					m.Lock()
					w := time.Since(asked)
					if atomic.AddInt64(&inside, 1) > 1 {
						atomic.AddInt64(&overlaps, 1)
					}
					time.Sleep(time.Millisecond)
					atomic.AddInt64(&inside, -1)
					m.Unlock()
					atomic.AddInt64(&total, 1)
					counts[idx]++
					mu.Lock()
					if w > maxWait {
						maxWait = w
					}
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	return contentionResult{
		acquisitions:  total,
		maxWait:       maxWait,
		overlaps:      overlaps,
		failedInserts: s.Stats().FailedInserts - before.FailedInserts,
		perGoroutine:  counts,
	}
}

// plainWaiting: instance 0 holds the lock for d while `waiters` goroutines
// on instance 1 wait. Returns instance 1's KV calls per second and its
// failed inserts, counted from the moment the waiters started (so the one
// optimistic first attempt of ours is included).
func plainWaiting(im impls.Impl, waiters int, d time.Duration, latency float64, events bool) (callsPerSecond float64, failedInserts int64) {
	s, ins := newCluster(2, latency, events)
	holder := newMutex(im, ins[0], "waiting", events)
	holder.Lock()
	beforeCalls := ins[1].Stats().Calls()
	beforeFailed := s.Stats().FailedInserts
	var wg sync.WaitGroup
	for i := 0; i < waiters; i++ {
		m := newMutex(im, ins[1], "waiting", events)
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Lock()
			waitedThrough.Add(1)
			m.Unlock()
		}()
	}
	time.Sleep(d)
	calls := ins[1].Stats().Calls() - beforeCalls
	failed := s.Stats().FailedInserts - beforeFailed
	holder.Unlock()
	wg.Wait()
	return float64(calls) / d.Seconds(), failed
}

// goroutinesPerLock: how many goroutines each held lock keeps alive.
func goroutinesPerLock(im impls.Impl, n int) float64 {
	_, ins := newCluster(1, 0, im.Events)
	ms := make([]impls.Mutex, n)
	for i := range ms {
		ms[i] = newMutex(im, ins[0], fmt.Sprintf("g%d", i), im.Events)
	}
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	base := runtime.NumGoroutine()
	for _, m := range ms {
		m.Lock()
	}
	time.Sleep(50 * time.Millisecond)
	held := runtime.NumGoroutine()
	for _, m := range ms {
		m.Unlock()
	}
	return float64(held-base) / float64(n)
}

// allocsPerLockUnlock: heap allocations per uncontended Lock+Unlock, the
// fake store's own included (the same fake for both), at zero latency.
func allocsPerLockUnlock(im impls.Impl, n int) float64 {
	_, ins := newCluster(1, 0, im.Events)
	m := newMutex(im, ins[0], "allocs", im.Events)
	m.Lock()
	held.Add(1)
	m.Unlock()
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	for i := 0; i < n; i++ {
		m.Lock()
		held.Add(1)
		m.Unlock()
	}
	runtime.ReadMemStats(&b)
	return float64(b.Mallocs-a.Mallocs) / float64(n)
}

// realisedLatency is the mean time one KV call of the fake really takes at
// the configured latency.
func realisedLatency(latency float64) time.Duration {
	_, ins := newCluster(1, latency, false)
	const n = 100
	start := time.Now()
	for i := 0; i < n; i++ {
		_, _ = ins[0].KVGet("probe")
	}
	return time.Since(start) / n
}
