// Package app is the plugin's application: this node in the registry, the
// demo locks, the demo jobs (the digest among them), the stress demo, the
// reminders (one-shot jobs) and the status that gathers them, over the
// cluster package and the plugin KV store. It answers in domain values; the HTTP API and the slash
// command render them.
package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// PluginAPI is the part of the Mattermost plugin API the application uses;
// the production value is plugin.API, tests pass a fake over the cluster
// package's KV fake.
type PluginAPI interface {
	kvStore
	webSocketPublisher
	userLookup
	LogInfo(msg string, keyValuePairs ...interface{})
	LogWarn(msg string, keyValuePairs ...interface{})
	PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error
	CreatePost(post *model.Post) (*model.Post, *model.AppError)
}

// App is the plugin while active: the HTTP API and the slash command call
// into it, and it calls the cluster package and the KV store.
type App struct {
	api       PluginAPI
	users     *usernames
	now       func() time.Time
	ensureBot func() (string, error)
	render    func(Digest) string

	nodes  *nodeRegistry
	locks  *demoLocks
	jobs   *demoJobs
	stress *stressDemo
	remind *reminders

	status  *statusCache
	history *history

	cfgMu sync.RWMutex
	cfg   *Configuration
	// refused is the last saved settings the plugin refused; nil once a
	// save is accepted.
	refused *Refusal

	// ctx ends when the application stops, cutting short lock waits in
	// requests.
	ctx    context.Context
	cancel context.CancelFunc
}

// Options are what New needs; every field is required unless it says
// otherwise.
type Options struct {
	API PluginAPI
	// Self is this node: ID, Name, StartedAt, Version and ServerVersion.
	Self Node
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// EnsureBot returns the user id the digest posts as.
	EnsureBot func() (string, error)
	// RenderDigest writes the digest post's message.
	RenderDigest func(Digest) string
	// Config is the validated configuration; DefaultConfiguration when nil.
	Config *Configuration
	// Refused is the last saved settings the plugin refused, if any.
	Refused *Refusal
}

// New builds the application; Start runs it.
func New(o Options) *App {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Config == nil {
		o.Config = DefaultConfiguration()
	}
	ctx, cancel := context.WithCancel(context.Background())
	api := o.API
	a := &App{api: api, users: newUsernames(o.API), now: o.Now, ensureBot: o.EnsureBot, render: o.RenderDigest, cfg: o.Config, refused: o.Refused, ctx: ctx, cancel: cancel}
	self := nodeRecord{ID: o.Self.ID, Name: o.Self.Name, StartedAt: o.Self.StartedAt, Version: o.Self.Version, ServerVersion: o.Self.ServerVersion}
	a.nodes = newNodeRegistry(api, self, o.Now, func(kind string) { a.publish(kind, "") })
	a.locks = newDemoLocks(api, o.Now, a.publish)
	a.jobs = newDemoJobs(api, o.Now, func() string { return a.nodes.Self().Name }, a.publish, map[string]jobWork{
		JobQuick:  sleepWork(func() time.Duration { return quickRunTime }),
		JobSlow:   sleepWork(func() time.Duration { return a.config().SlowRun }),
		JobDigest: a.digest,
	})
	a.stress = newStressDemo(api, a.nodes.Self, o.Now, a.publish)
	a.history = newHistory(o.Now)
	a.status = newStatusCache(a.readStatus, o.Now, a.history.observe)
	// The configuration is the package's defaults and a constant, so it
	// cannot be refused.
	a.remind, _ = newReminders(api, o.Now, func() string { return a.nodes.Self().Name }, a.postReminder, a.publish)
	return a
}

// audit records a change this node answered (see logAudit).
func (a *App) audit(by Actor, action, target string, err error) {
	logAudit(a.api, a.nodes.Self().Name, by, action, target, err)
}

// publish tells open panels that something of kind changed. The event
// names no lock (see publishStatusChanged); a lock this node changed is
// read into the status cache as well.
func (a *App) publish(kind, name string) {
	if kind == changeLock {
		go a.observeLock(name)
	}
	publishStatusChanged(a.api, kind)
}

func (a *App) config() *Configuration {
	a.cfgMu.RLock()
	defer a.cfgMu.RUnlock()
	return a.cfg
}

// Context ends when the application stops.
func (a *App) Context() context.Context { return a.ctx }

// Start names this node to the cluster package, registers it, and starts
// the demo jobs and the stress watcher. Store errors are logged, not fatal:
// every part retries on its own timer.
func (a *App) Start() error {
	self := a.nodes.Self()
	cluster.SetNode(a.api, cluster.Node{ID: self.ID, Name: self.Name})
	a.nodes.Start()
	if err := a.jobs.Apply(a.config()); err != nil {
		// Scheduling fails only on a bad configuration, which validation
		// has already refused.
		a.nodes.Stop()
		return err
	}
	a.stress.Start()
	go a.status.run(a.ctx)
	a.remind.Start()
	return nil
}

// SetConfig swaps in a validated configuration, forgets any earlier
// refusal, and reschedules jobs whose interval or on/off state changed.
func (a *App) SetConfig(cfg *Configuration) error {
	a.cfgMu.Lock()
	a.cfg = cfg
	a.refused = nil
	a.cfgMu.Unlock()
	return a.jobs.Apply(cfg)
}

// RefuseConfig records saved settings the plugin refused; it keeps
// running with the configuration it has.
func (a *App) RefuseConfig(r *Refusal) {
	a.cfgMu.Lock()
	a.refused = r
	a.cfgMu.Unlock()
}

// Settings are the settings this node runs with and the last refusal.
func (a *App) Settings() Settings {
	a.cfgMu.RLock()
	defer a.cfgMu.RUnlock()
	return Settings{Running: a.cfg.Values(), DemoActions: a.cfg.DemoActions, Refused: a.refused}
}

// Stop closes every job, ends this node's part in a stress run and releases
// every demo lock this node holds, then leaves the node registry. It returns
// once all of it is done.
func (a *App) Stop() {
	a.cancel()
	a.remind.Close()
	a.jobs.CloseAll()
	a.stress.Stop()
	a.locks.ReleaseAll()
	a.nodes.Stop()
}

// HandleClusterEvent gives the cluster package its events first.
func (a *App) HandleClusterEvent(ev model.PluginClusterEvent) {
	if cluster.HandleClusterEvent(a.api, ev) {
		return
	}
	if ev.Id == stressEventID {
		a.stress.Wake()
	}
}

// Self returns this node as the registry shows it.
func (a *App) Self() Node {
	return a.nodes.node(a.nodes.Self(), a.now())
}

// Nodes returns every registered node, oldest first.
func (a *App) Nodes() ([]Node, error) {
	return a.nodes.nodes(newKVReads(a.api))
}

// Status answers from the status cache: at most StatusMaxAge old, read
// from the store only when the cache is older than that.
func (a *App) Status() (Status, error) {
	out, err := a.status.get()
	if err != nil {
		return Status{}, err
	}
	out.Node = a.Self()
	out.Settings = a.Settings()
	out.Timeline = a.history.timeline()
	return out, nil
}

// readStatus reads every part from the store at once, through one kvReads:
// each part's items are read in parallel, the keys are listed once for all
// parts, and the whole read keeps at most statusReadParallelism calls in
// flight. Of the locks, only those that may be held are read: mayBeHeld
// names the ones the last answer showed held (see inspectLeased). The
// error is that of the first failed part in the order nodes, locks, jobs,
// stress.
func (a *App) readStatus(mayBeHeld map[string]bool) (Status, error) {
	reads := newKVReads(a.api)
	var out Status
	err := allOf(
		func() (err error) { out.Nodes, err = a.nodes.nodes(reads); return err },
		func() (err error) { out.Locks, err = a.locks.list(reads, mayBeHeld); return err },
		func() (err error) { out.Jobs, err = readJobs(reads, a.config()); return err },
		func() (err error) { out.Stress, err = a.stress.status(reads); return err },
	)
	if err != nil {
		return Status{}, err
	}
	return out, nil
}

// Locks lists every lock known cluster-wide (demo locks, job locks, the
// stress demo's lock) and every other lock this node has used, each with
// its state in the store at most StatusMaxAge ago, sorted by name.
func (a *App) Locks() ([]Lock, error) {
	st, err := a.status.get()
	return st.Locks, err
}

// Lock returns one lock; found is false for a name no one has used.
func (a *App) Lock(name string) (lock Lock, found bool, err error) {
	demo, err := a.locks.Known(name)
	if err != nil {
		return Lock{}, false, err
	}
	if !demo && !isJobLock(name) && name != StressLockName && !a.knownHere(name) {
		return Lock{}, false, nil
	}
	observed := a.now()
	state, err := cluster.InspectLock(a.api, name)
	if err != nil {
		return Lock{}, false, err
	}
	state.Name = name
	lock = lockFrom(state, lockKind(name, demo))
	lock.ObservedAt = observed
	return lock, true, nil
}

// observeLock reads lock name after this node changed it on its own (a hold
// ending, a lease lost) and puts it in the status cache, so the next answer
// shows the change without waiting for the refresher.
func (a *App) observeLock(name string) {
	if a.ctx.Err() != nil {
		return // stopping: the cache is no longer read
	}
	lock, found, err := a.Lock(name)
	if err == nil && found {
		a.status.observe(lock)
	}
}

// AcquireLock takes demo lock name on this node for userID, waiting up to
// wait, and releases it after hold. A lock still held after wait is
// refused with a *LockError wrapping ErrLockBusy that shows who holds it;
// past this node's bounds, with ErrOverLimit before any store access.
func (a *App) AcquireLock(userID, name string, hold, wait time.Duration) (lock Lock, err error) {
	by := a.users.actor(userID)
	defer func() { a.audit(by, "take demo lock", name, err) }()
	if !a.config().DemoActions {
		return Lock{}, ErrDemoActionsOff
	}
	return a.acquireLock(name, hold, wait)
}

func (a *App) acquireLock(name string, hold, wait time.Duration) (Lock, error) {
	if isJobLock(name) || name == StressLockName {
		return Lock{}, fmt.Errorf("%w: %q is the lock of a demo job or of the stress demo", ErrLockReserved, name)
	}
	// Admission first: past the bounds nothing reads the store.
	done, err := a.locks.admit(name)
	if err != nil {
		return Lock{}, err
	}
	defer done()
	lease, err := a.locks.Acquire(a.ctx, name, hold, wait)
	if errors.Is(err, ErrLockBusy) {
		lock, _, lerr := a.Lock(name)
		if lerr != nil {
			return Lock{}, lerr
		}
		return Lock{}, &LockError{Err: err, Lock: lock}
	}
	if err != nil {
		return Lock{}, err
	}
	lock := lockFrom(cluster.LockState{Lease: lease, Held: true}, LockDemo)
	a.status.observe(lock)
	return lock, nil
}

// ReleaseLock releases demo lock name for userID if this node holds it,
// and returns the lock as it is then; found is false for a name no one has
// used. A node that does not hold it is refused with a *LockError wrapping
// ErrLockNotHeldHere.
func (a *App) ReleaseLock(userID, name string) (lock Lock, found bool, err error) {
	by := a.users.actor(userID)
	defer func() {
		if err == nil && !found {
			a.audit(by, "release demo lock", name, errors.New("no such lock"))
			return
		}
		a.audit(by, "release demo lock", name, err)
	}()
	if !a.config().DemoActions {
		return Lock{}, true, ErrDemoActionsOff
	}
	released := a.locks.Release(name)
	lock, found, err = a.Lock(name)
	if err != nil || !found {
		return lock, found, err
	}
	if !released {
		return Lock{}, true, &LockError{Err: ErrLockNotHeldHere, Lock: lock}
	}
	a.status.observe(lock)
	return lock, true, nil
}

func (a *App) knownHere(name string) bool {
	for _, n := range cluster.KnownLocks(a.api) {
		if n == name {
			return true
		}
	}
	return false
}

// Jobs lists the demo jobs with their state in the store.
func (a *App) Jobs() ([]Job, error) {
	return readJobs(newKVReads(a.api), a.config())
}

// Job returns one job with its history, newest run first; found is false
// for an unknown name.
func (a *App) Job(name string) (job Job, history []Run, found bool, err error) {
	if !IsDemoJob(name) {
		return Job{}, nil, false, nil
	}
	job, err = readJob(a.api, name, a.config())
	if err != nil {
		return Job{}, nil, true, err
	}
	records, err := a.jobs.History(name)
	if err != nil {
		return Job{}, nil, true, err
	}
	history = make([]Run, 0, len(records))
	for _, r := range records {
		history = append(history, Run{Node: r.Node.Name, StartedAt: r.StartedAt, Finished: r.Finished, Duration: r.Duration, Err: r.Err, Summary: r.Summary})
	}
	return job, history, true, nil
}

// RunJob asks, for userID, for an immediate run of a demo job; it runs on
// whichever node wins the job lock, and the job records who asked. found
// is false for an unknown name; ErrWorkloadOff when the jobs are not
// scheduled on this node.
func (a *App) RunJob(userID, name string) (job Job, found bool, err error) {
	if !IsDemoJob(name) {
		return Job{}, false, nil
	}
	by := a.users.actor(userID)
	defer func() { a.audit(by, "run job now", name, err) }()
	if !a.config().DemoActions {
		return Job{}, true, ErrDemoActionsOff
	}
	scheduled, err := a.jobs.RunNow(name, by)
	if err != nil {
		return Job{}, true, err
	}
	if !scheduled {
		return Job{}, true, ErrWorkloadOff
	}
	job, err = readJob(a.api, name, a.config())
	return job, true, err
}

// StartStress begins, for userID, a stress run of seconds across the
// cluster and returns it as it stands; ErrStressRunning while another is
// in progress, ErrStressCooldown within StressCooldown of its end.
func (a *App) StartStress(userID string, seconds int) (st *StressStatus, err error) {
	by := a.users.actor(userID)
	defer func() { a.audit(by, "start stress run", fmt.Sprintf("%d s", seconds), err) }()
	if !a.config().DemoActions {
		return nil, ErrDemoActionsOff
	}
	if _, err := a.stress.Begin(seconds, by); err != nil {
		return nil, err
	}
	return a.stress.status(newKVReads(a.api))
}

func (a *App) digest(ctx context.Context) (string, error) {
	d, err := a.readDigest()
	if err != nil {
		return "", err
	}
	channelID := a.config().DigestChannelID
	if channelID == "" {
		return d.Summary, nil
	}
	if err := ctx.Err(); err != nil {
		return d.Summary, fmt.Errorf("digest not posted: %w", err)
	}
	botID, err := a.ensureBot()
	if err != nil {
		return d.Summary, fmt.Errorf("ensuring the digest bot: %w", err)
	}
	post := &model.Post{UserId: botID, ChannelId: channelID, Message: a.render(d)}
	if _, aerr := a.api.CreatePost(post); aerr != nil {
		return d.Summary, fmt.Errorf("posting the digest to channel %s: %w", channelID, aerr)
	}
	return d.Summary, nil
}

// readDigest reads nodes and locks through one request's reads.
func (a *App) readDigest() (Digest, error) {
	reads := newKVReads(a.api)
	var d Digest
	var locks []Lock
	err := allOf(
		func() (err error) { d.Nodes, err = a.nodes.nodes(reads); return err },
		func() (err error) { locks, err = a.locks.list(reads, nil); return err },
	)
	if err != nil {
		return Digest{}, err
	}
	alive := 0
	for _, n := range d.Nodes {
		if n.Alive {
			alive++
		}
	}
	for _, l := range locks {
		if l.Held {
			d.Held = append(d.Held, l)
		}
	}
	d.Summary = fmt.Sprintf("%d of %d nodes alive, %d of %d locks held", alive, len(d.Nodes), len(d.Held), len(locks))
	return d, nil
}
