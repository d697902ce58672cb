package main

import (
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
)

// The workloads one node runs on its own: the cost of a KV call, an
// uncontended Lock+Unlock, and a handoff between two goroutines of this node.

const (
	benchMaxSamples = 10000
	// benchWarmup acquisitions are made and not measured before an
	// uncontended series, for both implementations alike: the first use of
	// a name may read or create bookkeeping that later ones reuse.
	benchWarmup = 3
	// benchSettle is how long to wait after a series before reading the KV
	// call counter, so work an implementation defers to a goroutine after
	// Unlock returns is counted too.
	benchSettle = 200 * time.Millisecond
	// benchHandoffTimeout bounds one handoff; the comparator's poll is 1 s.
	benchHandoffTimeout = 30 * time.Second
)

type benchKVCostRequest struct {
	Samples int `json:"samples"`
}

type benchKVCostResult struct {
	GetUS []int64 `json:"get_us"`
	SetUS []int64 `json:"set_us"`
}

// handleBenchKVCost times KVGet and an atomic compare-and-set (the call a
// lease refresh makes) on one key of the plugin's store.
func (s *benchNode) handleBenchKVCost(r *http.Request) (int, interface{}, error) {
	var req benchKVCostRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if err := benchCount("samples", req.Samples, benchMaxSamples); err != nil {
		return 0, nil, err
	}
	key := scratchKeyPrefix + "kv_" + model.NewId()[:8]
	defer s.api.KVDelete(key)
	value := []byte("0")
	if _, aerr := s.api.KVSetWithOptions(key, value, model.PluginKVSetOptions{ExpireInSeconds: 600}); aerr != nil {
		return 0, nil, aerr
	}
	res := benchKVCostResult{GetUS: make([]int64, 0, req.Samples), SetUS: make([]int64, 0, req.Samples)}
	for i := 0; i < req.Samples; i++ {
		began := time.Now()
		if _, aerr := s.api.KVGet(key); aerr != nil {
			return 0, nil, aerr
		}
		res.GetUS = append(res.GetUS, time.Since(began).Microseconds())

		next := []byte(model.NewId())
		began = time.Now()
		ok, aerr := s.api.KVSetWithOptions(key, next, model.PluginKVSetOptions{Atomic: true, OldValue: value, ExpireInSeconds: 600})
		if aerr != nil {
			return 0, nil, aerr
		}
		res.SetUS = append(res.SetUS, time.Since(began).Microseconds())
		if !ok {
			return 0, nil, badRequest("compare-and-set on %s lost to another writer", key)
		}
		value = next
	}
	return http.StatusOK, res, nil
}

type benchSeriesRequest struct {
	Impl    string `json:"impl"`
	Samples int    `json:"samples"`
	// MinHoldMS and MaxHoldMS bound the random time the holder keeps the
	// lock while the other goroutine waits (handoff only).
	MinHoldMS int64 `json:"min_hold_ms"`
	MaxHoldMS int64 `json:"max_hold_ms"`
}

type benchUncontendedResult struct {
	DurationsUS []int64 `json:"durations_us"`
	// KVCalls and Events are counted from the first measured Lock to
	// benchSettle after the last Unlock, over all samples.
	KVCalls int64 `json:"kv_calls"`
	Events  int64 `json:"events"`
}

// handleBenchUncontended times Lock followed by Unlock of a name nobody else
// uses, and counts the KV calls it makes.
func (s *benchNode) handleBenchUncontended(r *http.Request) (int, interface{}, error) {
	var req benchSeriesRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	impl, err := parseImpl(req.Impl)
	if err != nil {
		return 0, nil, err
	}
	if err := benchCount("samples", req.Samples, benchMaxSamples); err != nil {
		return 0, nil, err
	}
	// A counting API of its own: the cluster package keys its per-instance
	// state by API value, so name this instance as the plugin named itself.
	api := &countingAPI{pluginAPI: s.api}
	self := s.node
	cluster.SetNode(api, cluster.Node{ID: self.ID, Name: self.Name})
	m, err := impl.NewMutex(api, benchName("u", impl))
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(s.ctx, benchHandoffTimeout)
	defer cancel()
	for i := 0; i < benchWarmup; i++ {
		if err := m.LockWithContext(ctx); err != nil {
			return 0, nil, err
		}
		m.Unlock()
	}
	time.Sleep(benchSettle)
	calls, events := api.kvCalls.Load(), api.events.Load()
	res := benchUncontendedResult{DurationsUS: make([]int64, 0, req.Samples)}
	for i := 0; i < req.Samples; i++ {
		began := time.Now()
		if err := m.LockWithContext(ctx); err != nil {
			return 0, nil, err
		}
		m.Unlock()
		res.DurationsUS = append(res.DurationsUS, time.Since(began).Microseconds())
	}
	time.Sleep(benchSettle)
	res.KVCalls = api.kvCalls.Load() - calls
	res.Events = api.events.Load() - events
	return http.StatusOK, res, nil
}

type benchHandoffResult struct {
	HandoffsUS []int64 `json:"handoffs_us"`
}

// handleBenchLocalHandoff: goroutine A holds the lock, goroutine B of the
// same node calls Lock and waits; after a random hold A unlocks. A sample is
// the time from A calling Unlock to B's Lock returning. A and B use separate
// *Mutex values of the same name, as two parts of a plugin would.
func (s *benchNode) handleBenchLocalHandoff(r *http.Request) (int, interface{}, error) {
	var req benchSeriesRequest
	if err := httpapi.DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	impl, err := parseImpl(req.Impl)
	if err != nil {
		return 0, nil, err
	}
	if err := benchCount("samples", req.Samples, 1000); err != nil {
		return 0, nil, err
	}
	minHold, err := benchDuration("min_hold_ms", req.MinHoldMS, 0, 10*time.Second)
	if err != nil {
		return 0, nil, err
	}
	maxHold, err := benchDuration("max_hold_ms", req.MaxHoldMS, minHold, 10*time.Second)
	if err != nil {
		return 0, nil, err
	}
	name := benchName("h", impl)
	a, err := impl.NewMutex(s.api, name)
	if err != nil {
		return 0, nil, err
	}
	b, err := impl.NewMutex(s.api, name)
	if err != nil {
		return 0, nil, err
	}
	res := benchHandoffResult{HandoffsUS: make([]int64, 0, req.Samples)}
	for i := 0; i < req.Samples; i++ {
		d, err := localHandoff(s.ctx, a, b, randomBetween(minHold, maxHold))
		if err != nil {
			return 0, nil, err
		}
		res.HandoffsUS = append(res.HandoffsUS, d.Microseconds())
	}
	return http.StatusOK, res, nil
}

func localHandoff(parent context.Context, a, b impls.Mutex, hold time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(parent, benchHandoffTimeout)
	defer cancel()
	if err := a.LockWithContext(ctx); err != nil {
		return 0, err
	}
	acquired := make(chan time.Time, 1)
	failed := make(chan error, 1)
	go func() {
		if err := b.LockWithContext(ctx); err != nil {
			failed <- err
			return
		}
		acquired <- time.Now()
	}()
	time.Sleep(hold)
	unlockAt := time.Now()
	a.Unlock()
	select {
	case at := <-acquired:
		b.Unlock()
		return at.Sub(unlockAt), nil
	case err := <-failed:
		return 0, err
	}
}

// benchName is a fresh lock name for one series, so no series inherits
// another's state in the store.
func benchName(workload string, impl impls.Impl) string {
	return "bc-" + workload + "-" + impl.Name[:4] + "-" + model.NewId()[:8]
}

func randomBetween(min, max time.Duration) time.Duration {
	if max <= min {
		return min
	}
	return min + time.Duration(rand.Int63n(int64(max-min)+1))
}

type benchDuplicateResult struct {
	Key string `json:"key"`
}

// handleBenchDuplicateInsert makes exactly one atomic insert fail on an
// existing key, which PostgreSQL logs as one duplicate-key ERROR: the driver
// checks that it can see such lines before it counts them.
func (s *benchNode) handleBenchDuplicateInsert(r *http.Request) (int, interface{}, error) {
	key := scratchKeyPrefix + "dup_" + model.NewId()[:8]
	defer s.api.KVDelete(key)
	if _, aerr := s.api.KVSetWithOptions(key, []byte("1"), model.PluginKVSetOptions{ExpireInSeconds: 60}); aerr != nil {
		return 0, nil, aerr
	}
	ok, aerr := s.api.KVSetWithOptions(key, []byte("2"), model.PluginKVSetOptions{Atomic: true, OldValue: nil, ExpireInSeconds: 60})
	if aerr != nil {
		return 0, nil, aerr
	}
	if ok {
		return 0, nil, fmt.Errorf("an atomic insert on existing key %s succeeded", key)
	}
	return http.StatusOK, benchDuplicateResult{Key: key}, nil
}
