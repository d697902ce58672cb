package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/internal/percentile"
	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// The contention demo: for a few seconds every node's workers contend for one
// cluster lock. Each critical section checks a marker in the KV store that
// only the holder may write, so two holders at once are seen (an overlap),
// and measures the handoff: the time from one holder's release to the next
// holder's entry.
//
// Nodes learn of a run from the run record in the KV store, which each node
// polls; a plugin cluster event wakes the other nodes at once where the
// server carries them between nodes.
const (
	// StressLockName is the lock every node's workers contend for.
	StressLockName     = "clusterdemo-stress"
	stressRunKey       = keyPrefix + "stress"
	stressHoldKey      = keyPrefix + "stress_hold"
	stressResultPrefix = keyPrefix + "stress_res_"
	stressEventID      = "clusterdemo_stress_started"

	stressWorkersPerNode = 2
	stressPollPeriod     = time.Second
	// stressProgressPeriod is the least time between two writes of a
	// node's result record: the interim results of a running node, and the
	// final one (see progressDue). Every write replaces the whole record.
	stressProgressPeriod = 5 * time.Second
	// stressResultTTL keeps a node's result for a day.
	stressResultTTL = 24 * 60 * 60
	// The marker expires before a dead holder's lease would (TTL 15 s), so
	// a node killed inside the critical section is not taken for an overlap.
	stressHoldMarkerTTL = 10
	// stressErrorBackoff paces a worker whose store calls fail.
	stressErrorBackoff = 200 * time.Millisecond
	// Results are kept per node: the counts and handoff summaries (count,
	// sum, maximum) over every handoff, and beyond this many a uniform
	// random sample of the handoffs (reservoir sampling) for the
	// percentiles. 512 samples keep a node's record to a few kilobytes
	// (about 4 KB of JSON) however long the run, and with two or more
	// nodes the merged sample of 1,000+ still places the 99th percentile.
	stressMaxSamples = 512
)

// StressCooldown is the least time between the end of a stress run and the
// start of the next. A run lasts at most MaxStressSeconds; a cooldown as
// long keeps the cluster's lock store contended at most half the time, and
// leaves each result on the panels for a while before the next replaces it.
const StressCooldown = time.Minute

type stressRun struct {
	ID        string    `json:"id"`
	Seconds   int       `json:"seconds"`
	StartedAt time.Time `json:"started_at"`
	EndsAt    time.Time `json:"ends_at"`
	StartedBy string    `json:"started_by"` // the node
	UserID    string    `json:"user_id"`
	Username  string    `json:"username"`
}

// stressHold is the marker the current holder writes inside the lock; after
// release it carries the release time for the next holder's handoff.
type stressHold struct {
	Holder     string    `json:"holder,omitempty"` // node ID and worker while held
	ReleasedAt time.Time `json:"released_at,omitempty"`
}

type stressNodeResult struct {
	RunID        string  `json:"run_id"`
	NodeID       string  `json:"node_id"`
	NodeName     string  `json:"node_name"`
	Acquisitions int64   `json:"acquisitions"`
	Overlaps     int64   `json:"overlaps"`
	Errors       int64   `json:"errors"`
	Handoffs     []int64 `json:"handoffs_us"` // a sample, microseconds
	Seen         int64   `json:"handoffs_seen"`
	SumUS        int64   `json:"handoffs_sum_us"`
	MaxUS        int64   `json:"handoffs_max_us"`
}

// addHandoff counts one handoff in the summaries and keeps it in the
// sample with the chance reservoir sampling gives it, so the sample stays a
// uniform one of at most stressMaxSamples whatever the run's length.
func (r *stressNodeResult) addHandoff(handoff time.Duration, rng *rand.Rand) {
	r.Seen++
	us := handoff.Microseconds()
	r.SumUS += us
	if us > r.MaxUS {
		r.MaxUS = us
	}
	if len(r.Handoffs) < stressMaxSamples {
		r.Handoffs = append(r.Handoffs, us)
	} else if i := rng.Int63n(r.Seen); i < stressMaxSamples {
		r.Handoffs[i] = us
	}
}

// StressStatus is the last stress run and every node's results merged.
type StressStatus struct {
	ID        string
	Seconds   int
	StartedAt time.Time
	EndsAt    time.Time
	// StartedBy is the node that took the request; By who asked.
	StartedBy string
	By        Actor
	// Running until EndsAt.
	Running bool
	// NextStartAt is when the next run may start: StressCooldown after
	// EndsAt.
	NextStartAt time.Time
	// Acquisitions per node name.
	Acquisitions map[string]int64
	// Handoffs is the number of handoffs seen; HandoffMean, HandoffMax
	// and the percentiles (of a bounded sample of them) are meaningful
	// only when it is not zero.
	Handoffs    int64
	HandoffMean time.Duration
	HandoffMax  time.Duration
	HandoffP50  time.Duration
	HandoffP99  time.Duration
	Overlaps    int64
	Errors      int64
}

type stressDemo struct {
	api     PluginAPI
	self    func() nodeRecord
	now     func() time.Time
	publish func(kind, name string)

	mu     sync.Mutex
	joined string // ID of the last run this node took part in
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}
}

func newStressDemo(api PluginAPI, self func() nodeRecord, now func() time.Time, publish func(kind, name string)) *stressDemo {
	ctx, cancel := context.WithCancel(context.Background())
	return &stressDemo{api: api, self: self, now: now, publish: publish, ctx: ctx, cancel: cancel, wake: make(chan struct{}, 1)}
}

// Start begins watching for stress runs.
func (d *stressDemo) Start() {
	d.wg.Add(1)
	go d.watch()
}

// Stop ends this node's part in any run and waits until its workers have
// released the lock.
func (d *stressDemo) Stop() {
	d.cancel()
	d.wg.Wait()
}

// Wake makes the watcher look at the run record now (a cluster event came).
func (d *stressDemo) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *stressDemo) watch() {
	defer d.wg.Done()
	ticker := time.NewTicker(stressPollPeriod)
	defer ticker.Stop()
	for {
		d.check()
		select {
		case <-d.ctx.Done():
			return
		case <-ticker.C:
		case <-d.wake:
		}
	}
}

// check joins the current run if this node has not yet.
func (d *stressDemo) check() {
	var run stressRun
	found, err := kvGetJSON(d.api, stressRunKey, &run)
	if err != nil {
		d.api.LogError("clusterdemo: reading stress run failed", "err", err.Error())
		return
	}
	if !found || !d.now().Before(run.EndsAt) {
		return
	}
	d.mu.Lock()
	if d.joined == run.ID {
		d.mu.Unlock()
		return
	}
	d.joined = run.ID
	d.mu.Unlock()
	d.wg.Add(1)
	go d.take(run)
}

// Begin records a new run of seconds for by and wakes the other nodes. It
// refuses while a run is in progress (ErrStressRunning) and until
// StressCooldown after the last one ended (ErrStressCooldown).
func (d *stressDemo) Begin(seconds int, by Actor) (stressRun, error) {
	now := d.now()
	run := stressRun{
		ID:        model.NewId(),
		Seconds:   seconds,
		StartedAt: now,
		EndsAt:    now.Add(time.Duration(seconds) * time.Second),
		StartedBy: d.self().Name,
		UserID:    by.UserID,
		Username:  by.Username,
	}
	var refusal error
	err := kvUpdateJSON(d.api, stressRunKey, 0, func(cur *stressRun) {
		refusal = nil
		switch {
		case cur.ID == "":
		case now.Before(cur.EndsAt):
			refusal = ErrStressRunning
		case now.Before(cur.EndsAt.Add(StressCooldown)):
			refusal = fmt.Errorf("%w: the next may start at %s, %v after the last ended", ErrStressCooldown,
				cur.EndsAt.Add(StressCooldown).UTC().Format(time.RFC3339), StressCooldown)
		}
		if refusal == nil {
			*cur = run
		}
	})
	if err != nil {
		return stressRun{}, err
	}
	if refusal != nil {
		return stressRun{}, refusal
	}
	if err := d.api.PublishPluginClusterEvent(
		model.PluginClusterEvent{Id: stressEventID, Data: []byte(run.ID)},
		model.PluginClusterEventSendOptions{SendType: model.PluginClusterEventSendTypeReliable},
	); err != nil {
		// The other nodes still find the run by polling the KV store.
		d.api.LogWarn("clusterdemo: publishing stress event failed", "err", err.Error())
	}
	d.publish(changeStress, "")
	d.Wake()
	return run, nil
}

// take runs this node's workers for one run and records the node's result.
func (d *stressDemo) take(run stressRun) {
	defer d.wg.Done()
	ctx, cancel := context.WithDeadline(d.ctx, run.EndsAt)
	defer cancel()

	self := d.self()
	var (
		mu     sync.Mutex
		result = stressNodeResult{RunID: run.ID, NodeID: self.ID, NodeName: self.Name}
		rng    = rand.New(rand.NewSource(time.Now().UnixNano()))
	)
	record := func(acquired, overlap, failed bool, handoff time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		if acquired {
			result.Acquisitions++
		}
		if overlap {
			result.Overlaps++
		}
		if failed {
			result.Errors++
		}
		if handoff > 0 {
			result.addHandoff(handoff, rng)
		}
	}

	var workers sync.WaitGroup
	for w := 0; w < stressWorkersPerNode; w++ {
		workers.Add(1)
		go func(worker string) {
			defer workers.Done()
			d.work(ctx, run, worker, record)
		}(fmt.Sprintf("%s/%d", self.ID, w))
	}
	// While the run lasts, publish the counts so far every progress
	// period, so the panel shows the run live; the final write follows.
	var lastSave time.Time
	save := func() {
		lastSave = d.now()
		mu.Lock()
		snapshot := result
		snapshot.Handoffs = append([]int64(nil), result.Handoffs...)
		mu.Unlock()
		if err := kvSetJSON(d.api, stressResultPrefix+self.ID, snapshot, stressResultTTL); err != nil {
			d.api.LogError("clusterdemo: recording stress result failed", "err", err.Error())
		}
	}
	finished := make(chan struct{})
	go func() {
		workers.Wait()
		close(finished)
	}()
	// The ticker only wakes the check; progressDue paces the writes.
	ticker := time.NewTicker(stressPollPeriod)
	defer ticker.Stop()
	for running := true; running; {
		select {
		case <-finished:
			running = false
		case <-ticker.C:
			if progressDue(d.now(), lastSave, run.EndsAt) {
				save()
				d.publish(changeStress, "")
			}
		}
	}
	save()
	d.publish(changeStress, "")
}

// progressDue says whether an interim result may be written at now: a
// progress period after the last write, and a period before the run ends,
// so the final write that follows the end is a period after it too.
func progressDue(now, last, endsAt time.Time) bool {
	return now.Sub(last) >= stressProgressPeriod && endsAt.Sub(now) >= stressProgressPeriod
}

// work is one worker: take the lock, check and set the marker, release,
// until the run ends.
func (d *stressDemo) work(ctx context.Context, run stressRun, worker string, record func(acquired, overlap, failed bool, handoff time.Duration)) {
	for ctx.Err() == nil {
		m := cluster.NewMutex(d.api, StressLockName)
		if err := m.LockWithContext(ctx); err != nil {
			if ctx.Err() == nil {
				record(false, false, true, 0)
				sleepContext(ctx, stressErrorBackoff)
			}
			continue
		}
		overlap, handoff, err := d.critical(run, worker, m)
		m.Unlock()
		record(true, overlap, err != nil, handoff)
		if err != nil {
			d.api.LogWarn("clusterdemo: stress critical section failed", "err", err.Error())
			sleepContext(ctx, stressErrorBackoff)
		}
	}
}

// critical is the body of the critical section. The marker must show no
// holder on entry, and must still be this worker's on exit; anything else
// means another holder was inside at the same time.
func (d *stressDemo) critical(run stressRun, worker string, m *cluster.Mutex) (overlap bool, handoff time.Duration, err error) {
	old, aerr := d.api.KVGet(stressHoldKey)
	if aerr != nil {
		return false, 0, aerr
	}
	entered := d.now()
	var prev stressHold
	if old != nil {
		if err := json.Unmarshal(old, &prev); err != nil {
			return false, 0, err
		}
	}
	if prev.Holder != "" {
		overlap = true
	} else if !prev.ReleasedAt.Before(run.StartedAt) {
		// Only handoffs within this run: the marker may still carry the
		// last release of an earlier run.
		handoff = entered.Sub(prev.ReleasedAt)
	}

	mine, _ := json.Marshal(stressHold{Holder: worker})
	ok, aerr := d.api.KVSetWithOptions(stressHoldKey, mine, model.PluginKVSetOptions{Atomic: true, OldValue: old, ExpireInSeconds: stressHoldMarkerTTL})
	if aerr != nil {
		return overlap, handoff, aerr
	}
	if !ok {
		// Someone changed the marker between our read and write: they were
		// inside too. Or what we read has just expired: then we never
		// wrote ours, and this section checked nothing.
		replaced, err := d.holdMarkerPresent()
		if err == nil && !replaced {
			err = errHoldMarkerLapsed
		}
		return replaced, handoff, err
	}
	written := d.now()

	// Clear the marker before unlocking. If the store fails here, keep the
	// lock and retry until the marker has expired on its own: unlocking
	// with our marker still in place would make the next holder report an
	// overlap that never happened.
	clearBy := written.Add(stressHoldMarkerTTL*time.Second + stressErrorBackoff)
	for {
		released, _ := json.Marshal(stressHold{ReleasedAt: d.now()})
		ok, aerr = d.api.KVSetWithOptions(stressHoldKey, released, model.PluginKVSetOptions{Atomic: true, OldValue: mine, ExpireInSeconds: stressHoldMarkerTTL})
		if aerr == nil {
			if !ok {
				// Another holder replaced our marker, or, when the failed
				// clears outlasted it, the store expired it: only a marker
				// there now was written by someone inside with us.
				replaced, rerr := d.holdMarkerPresent()
				if rerr != nil {
					return overlap, handoff, rerr
				}
				overlap = overlap || replaced
			}
			return overlap, handoff, nil
		}
		if err == nil {
			err = aerr
		}
		if !d.now().Before(clearBy) {
			return overlap, handoff, err
		}
		select {
		case <-m.Lost():
			// The lease is gone: nothing we do now keeps others out. The
			// marker expires before another node can take the lease.
			return overlap, handoff, err
		case <-time.After(stressErrorBackoff):
		}
	}
}

// errHoldMarkerLapsed: the marker read on entry expired before ours was
// written over it, so the section's check did not happen; counted as an
// error, not as an overlap.
var errHoldMarkerLapsed = errors.New("the stress hold marker read on entry expired before this holder's could replace it")

// holdMarkerPresent reports whether a hold marker is stored, after a
// compare against ours failed: one present was written by another writer,
// while none means the one compared against expired.
func (d *stressDemo) holdMarkerPresent() (bool, error) {
	v, aerr := d.api.KVGet(stressHoldKey)
	if aerr != nil {
		return false, aerr
	}
	return v != nil, nil
}

// status reads the last run and its merged results through a request's
// reads, or nil if none ran: the run and the listing of results are read at
// once, then the results in parallel.
func (d *stressDemo) status(reads *kvReads) (*StressStatus, error) {
	var run stressRun
	var found bool
	var keys []string
	var listErr error
	err := allOf(
		func() (err error) { found, err = kvGetJSON(reads, stressRunKey, &run); return err },
		func() error { keys, listErr = reads.keysWithPrefix(stressResultPrefix); return nil },
	)
	if err != nil || !found {
		return nil, err
	}
	if listErr != nil {
		return nil, listErr
	}
	results, err := readRecords[stressNodeResult](reads, keys)
	if err != nil {
		return nil, err
	}
	out := &StressStatus{
		ID:           run.ID,
		Seconds:      run.Seconds,
		StartedAt:    run.StartedAt,
		EndsAt:       run.EndsAt,
		StartedBy:    run.StartedBy,
		By:           Actor{UserID: run.UserID, Username: run.Username},
		Running:      d.now().Before(run.EndsAt),
		NextStartAt:  run.EndsAt.Add(StressCooldown),
		Acquisitions: map[string]int64{},
	}
	var samples []time.Duration
	var sumUS int64
	for _, res := range results {
		if res.RunID != run.ID {
			continue
		}
		out.Acquisitions[res.NodeName] += res.Acquisitions
		out.Overlaps += res.Overlaps
		out.Errors += res.Errors
		out.Handoffs += res.Seen
		sumUS += res.SumUS
		if max := time.Duration(res.MaxUS) * time.Microsecond; max > out.HandoffMax {
			out.HandoffMax = max
		}
		for _, us := range res.Handoffs {
			samples = append(samples, time.Duration(us)*time.Microsecond)
		}
	}
	if out.Handoffs > 0 {
		out.HandoffMean = time.Duration(sumUS/out.Handoffs) * time.Microsecond
	}
	if len(samples) > 0 {
		out.HandoffP50 = percentile.Of(samples, 0.50)
		out.HandoffP99 = percentile.Of(samples, 0.99)
	}
	return out, nil
}

// sleepContext sleeps for d or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}
