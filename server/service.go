package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// pluginAPI is the part of the Mattermost plugin API the service uses; the
// production value is plugin.API, tests pass a fake over the cluster
// package's KV fake.
type pluginAPI interface {
	kvStore
	eventPublisher
	LogWarn(msg string, keyValuePairs ...interface{})
	HasPermissionTo(userID string, permission *model.Permission) bool
	PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error
	CreatePost(post *model.Post) (*model.Post, *model.AppError)
}

// service is the plugin while active: HTTP and the slash command call into
// it, and it calls the cluster package and the KV store.
type service struct {
	api       pluginAPI
	now       func() time.Time
	ensureBot func() (string, error)
	bundle    string // the plugin's bundle folder, for the dashboard script

	nodes  *nodeRegistry
	locks  *demoLocks
	jobs   *demoJobs
	stress *stressDemo

	cfgMu sync.RWMutex
	cfg   *configuration

	// ctx ends when the service stops, cutting short lock waits in requests.
	ctx    context.Context
	cancel context.CancelFunc
}

type serviceOptions struct {
	api       pluginAPI
	self      nodeRecord
	now       func() time.Time
	ensureBot func() (string, error)
	bundle    string
	config    *configuration
}

func newService(o serviceOptions) *service {
	ctx, cancel := context.WithCancel(context.Background())
	s := &service{api: o.api, now: o.now, ensureBot: o.ensureBot, bundle: o.bundle, cfg: o.config, ctx: ctx, cancel: cancel}
	s.nodes = newNodeRegistry(o.api, o.self, o.now, s.publish)
	s.locks = newDemoLocks(o.api, o.now, s.publish)
	s.jobs = newDemoJobs(o.api, s.publish, map[string]jobWork{
		jobQuick:  sleepWork(func() time.Duration { return quickRunTime }),
		jobSlow:   sleepWork(func() time.Duration { return s.config().SlowRun }),
		jobDigest: s.digest,
	})
	s.stress = newStressDemo(o.api, s.nodes.Self, o.now, s.publish)
	return s
}

// publish tells open panels that something of kind changed.
func (s *service) publish(kind, name string) {
	publishStatusChanged(s.api, kind, name)
}

func (s *service) config() *configuration {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	return s.cfg
}

// Start names this node to the cluster package, registers it, and starts
// the demo jobs and the stress watcher. Store errors are logged, not fatal:
// every part retries on its own timer.
func (s *service) Start() error {
	self := s.nodes.Self()
	cluster.SetNode(s.api, cluster.Node{ID: self.ID, Name: self.Name})
	s.nodes.Start()
	if err := s.jobs.Apply(s.config()); err != nil {
		// Scheduling fails only on a bad configuration, which validation
		// has already refused.
		s.nodes.Stop()
		return err
	}
	s.stress.Start()
	return nil
}

// SetConfig swaps in a validated configuration and reschedules jobs whose
// interval or on/off state changed.
func (s *service) SetConfig(cfg *configuration) error {
	s.cfgMu.Lock()
	s.cfg = cfg
	s.cfgMu.Unlock()
	return s.jobs.Apply(cfg)
}

// Stop closes every job, ends this node's part in a stress run and releases
// every demo lock this node holds, then leaves the node registry. It returns
// once all of it is done.
func (s *service) Stop() {
	s.cancel()
	s.jobs.CloseAll()
	s.stress.Stop()
	s.locks.ReleaseAll()
	s.nodes.Stop()
}

// HandleClusterEvent gives the cluster package its events first.
func (s *service) HandleClusterEvent(ev model.PluginClusterEvent) {
	if cluster.HandleClusterEvent(s.api, ev) {
		return
	}
	if ev.Id == stressEventID {
		s.stress.Wake()
	}
}

// Self returns this node as the API shows it.
func (s *service) Self() nodeJSON {
	return s.nodes.JSON(s.nodes.Self(), s.now())
}

// Nodes returns every registered node.
func (s *service) Nodes() ([]nodeJSON, error) {
	records, err := s.nodes.List()
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]nodeJSON, 0, len(records))
	for _, n := range records {
		out = append(out, s.nodes.JSON(n, now))
	}
	return out, nil
}

// lockKind classifies a lock name.
func (s *service) lockKind(name string, demo bool) string {
	switch {
	case isJobLock(name):
		return lockKindJob
	case demo:
		return lockKindDemo
	default:
		return lockKindOther
	}
}

func lockJSONFrom(state cluster.LockState, kind string) lockJSON {
	out := lockJSON{Name: state.Name, Held: state.Held, Kind: kind}
	if state.Held {
		out.HolderID = wireString(state.HolderID)
		out.HolderName = wireString(state.HolderName)
		out.AcquiredAt = wireTime(state.AcquiredAt)
		out.ExpiresAt = wireTime(state.ExpiresAt)
		token := state.FencingToken
		out.FencingToken = &token
	}
	return out
}

// Locks lists every lock known cluster-wide (demo locks, job locks, the
// stress demo's lock) and every other lock this node has used, each with
// its state in the store.
func (s *service) Locks() ([]lockJSON, error) {
	demoNames, err := s.locks.Names()
	if err != nil {
		return nil, err
	}
	demo := map[string]bool{}
	names := map[string]bool{}
	for _, n := range demoNames {
		demo[n] = true
		names[n] = true
	}
	for _, n := range demoJobNames {
		names[jobLockName(n)] = true
	}
	names[stressLockName] = true
	for _, n := range cluster.KnownLocks(s.api) {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	out := make([]lockJSON, 0, len(sorted))
	for _, n := range sorted {
		state, err := cluster.InspectLock(s.api, n)
		if err != nil {
			return nil, err
		}
		state.Name = n
		out = append(out, lockJSONFrom(state, s.lockKind(n, demo[n])))
	}
	return out, nil
}

// Lock returns one lock; found is false for a name no one has used.
func (s *service) Lock(name string) (lock lockJSON, found bool, err error) {
	demo, err := s.locks.Known(name)
	if err != nil {
		return lockJSON{}, false, err
	}
	if !demo && !isJobLock(name) && name != stressLockName && !s.knownHere(name) {
		return lockJSON{}, false, nil
	}
	state, err := cluster.InspectLock(s.api, name)
	if err != nil {
		return lockJSON{}, false, err
	}
	state.Name = name
	return lockJSONFrom(state, s.lockKind(name, demo)), true, nil
}

func (s *service) knownHere(name string) bool {
	for _, n := range cluster.KnownLocks(s.api) {
		if n == name {
			return true
		}
	}
	return false
}

// Errors of lock operations the API and the command map to 409.
var (
	errReservedLock = errors.New("reserved lock")
	errNotHeldHere  = errors.New("lock not held by this node")
)

// AcquireLock takes demo lock name on this node. On errLockBusy the returned
// lock shows who holds it.
func (s *service) AcquireLock(name string, hold, wait time.Duration) (lockJSON, error) {
	if isJobLock(name) || name == stressLockName {
		return lockJSON{}, fmt.Errorf("%w: %q is the lock of a demo job or of the stress demo", errReservedLock, name)
	}
	lease, err := s.locks.Acquire(s.ctx, name, hold, wait)
	if errors.Is(err, errLockBusy) {
		lock, _, lerr := s.Lock(name)
		if lerr != nil {
			return lockJSON{}, lerr
		}
		return lock, err
	}
	if err != nil {
		return lockJSON{}, err
	}
	return lockJSONFrom(cluster.LockState{Lease: lease, Held: true}, lockKindDemo), nil
}

// ReleaseLock releases demo lock name if this node holds it. On
// errNotHeldHere the returned lock shows its current state.
func (s *service) ReleaseLock(name string) (lock lockJSON, found bool, err error) {
	released := s.locks.Release(name)
	lock, found, err = s.Lock(name)
	if err != nil || !found {
		return lock, found, err
	}
	if !released {
		return lock, true, errNotHeldHere
	}
	return lock, true, nil
}

// jobJSONFrom renders a job's persisted state.
func jobJSONFrom(st cluster.JobState, interval time.Duration) jobJSON {
	if st.Interval > 0 {
		interval = st.Interval
	}
	out := jobJSON{
		Name:           st.Name,
		IntervalMS:     wireMillis(interval),
		Running:        st.Running,
		LastStartedAt:  wireTime(st.LastStartedAt),
		LastFinishedAt: wireTime(st.LastFinishedAt),
		LastNode:       wireString(st.LastNode.Name),
		LastError:      wireString(st.LastError),
		Runs:           st.Runs,
		NextRunAt:      wireTime(st.NextRunAt),
	}
	if st.Running {
		out.RunningOn = wireString(st.RunningOn.Name)
	}
	if !st.LastFinishedAt.IsZero() {
		ms := wireMillis(st.LastDuration)
		out.LastDurationMS = &ms
	}
	return out
}

// Jobs lists the demo jobs with their state in the store.
func (s *service) Jobs() ([]jobJSON, error) {
	out := make([]jobJSON, 0, len(demoJobNames))
	for _, name := range demoJobNames {
		job, err := s.job(name)
		if err != nil {
			return nil, err
		}
		out = append(out, job)
	}
	return out, nil
}

func (s *service) job(name string) (jobJSON, error) {
	st, err := cluster.InspectJob(s.api, name)
	if err != nil {
		return jobJSON{}, err
	}
	st.Name = name
	return jobJSONFrom(st, s.config().interval(name)), nil
}

// runJSONFrom renders a history entry; the duration is null until the run
// has finished (and stays null for a lost run).
func runJSONFrom(r runRecord) runJSON {
	out := runJSON{Node: r.Node.Name, StartedAt: wireTime(r.StartedAt), Error: wireString(r.Err), Summary: wireString(r.Summary)}
	if r.Finished {
		ms := wireMillis(r.Duration)
		out.DurationMS = &ms
	}
	return out
}

// Job returns one job with its history; found is false for an unknown name.
func (s *service) Job(name string) (job jobJSON, found bool, err error) {
	if !isDemoJob(name) {
		return jobJSON{}, false, nil
	}
	job, err = s.job(name)
	if err != nil {
		return jobJSON{}, true, err
	}
	records, err := s.jobs.History(name)
	if err != nil {
		return jobJSON{}, true, err
	}
	history := make([]runJSON, 0, len(records))
	for _, r := range records {
		history = append(history, runJSONFrom(r))
	}
	job.History = &history
	return job, true, nil
}

// errWorkloadOff: the demo jobs are not scheduled on this node.
var errWorkloadOff = errors.New("the demo workload is turned off on this node (setting DemoWorkload)")

// RunJob asks for an immediate run of a demo job.
func (s *service) RunJob(name string) (job jobJSON, found bool, err error) {
	if !isDemoJob(name) {
		return jobJSON{}, false, nil
	}
	scheduled, err := s.jobs.RunNow(name)
	if err != nil {
		return jobJSON{}, true, err
	}
	if !scheduled {
		return jobJSON{}, true, errWorkloadOff
	}
	job, err = s.job(name)
	return job, true, err
}

// StartStress begins a stress run of seconds across the cluster.
func (s *service) StartStress(seconds int) (*stressJSON, error) {
	if _, err := s.stress.Begin(seconds); err != nil {
		return nil, err
	}
	return s.stress.Status()
}

// Status is everything the panel shows, in one answer.
func (s *service) Status() (statusJSON, error) {
	nodes, err := s.Nodes()
	if err != nil {
		return statusJSON{}, err
	}
	locks, err := s.Locks()
	if err != nil {
		return statusJSON{}, err
	}
	jobs, err := s.Jobs()
	if err != nil {
		return statusJSON{}, err
	}
	stress, err := s.stress.Status()
	if err != nil {
		return statusJSON{}, err
	}
	return statusJSON{
		Node:        s.Self(),
		Nodes:       nodes,
		Locks:       locks,
		Jobs:        jobs,
		Stress:      stress,
		GeneratedAt: wireTime(s.now()),
	}, nil
}
