package cluster

import (
	"container/list"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// instance is everything this package knows about one plugin instance: the
// pluginAPI value it was given, the optional capabilities found on it, the
// node name, and one queue per lock name in use. Mutexes and jobs made with
// the same pluginAPI value share it, which is what makes same-name
// goroutines queue locally in FIFO order instead of racing through the
// store.
type instance struct {
	api MutexPluginAPI
	kv  kv
	pub eventPublisher // nil when the API cannot publish cluster events

	// eventsSeen is set once a cluster event of this package has arrived
	// through HandleClusterEvent: proof that the plugin wired its hook, so
	// waiters can rely on release events and poll slowly.
	eventsSeen atomic.Bool

	nodeMu sync.Mutex // guards node only; taken under any other lock
	node   Node

	mu     sync.Mutex
	queues map[string]*queue
	recent recentNames
}

// instances maps each plugin API value the package has been given to its
// instance. A plugin process is one plugin instance on one node, so one
// value is expected; a second one is logged (see instanceFor).
var instances = struct {
	sync.Mutex
	byAPI map[MutexPluginAPI]*instance
}{byAPI: make(map[MutexPluginAPI]*instance)}

func newInstance(api MutexPluginAPI) *instance {
	in := &instance{api: api, kv: newKV(api), node: defaultNode(), queues: make(map[string]*queue)}
	in.pub, _ = api.(eventPublisher)
	in.recent.init()
	return in
}

// instanceFor returns the shared instance for pluginAPI, creating it. Two
// different values in one process (p.API and a wrapper of it) would be two
// instances that queue separately and learn of each other's releases only
// through the store, so a second value is logged as the mistake it is in a
// plugin. A value that cannot be compared (a struct holding a slice) cannot
// be found again: it gets a private instance, also logged.
func instanceFor(api MutexPluginAPI) *instance {
	if !reflect.ValueOf(api).Comparable() {
		api.LogError("cluster: this plugin API value cannot be compared, so mutexes made from it do not queue together; pass p.API itself")
		return newInstance(api)
	}
	instances.Lock()
	in, ok := instances.byAPI[api]
	if !ok {
		in = newInstance(api)
		instances.byAPI[api] = in
	}
	others := len(instances.byAPI) - 1
	instances.Unlock()
	if !ok && others > 0 {
		api.LogError("cluster: a second plugin API value is in use in this process; mutexes and jobs made from different values do not queue together and see each other's releases only by polling. Pass the same value (p.API) to NewMutex, Schedule, SetNode and HandleClusterEvent.")
	}
	return in
}

// lookupInstance returns the shared instance for pluginAPI if the package
// has seen it, without creating one.
func lookupInstance(api MutexPluginAPI) *instance {
	if !reflect.ValueOf(api).Comparable() {
		return nil
	}
	instances.Lock()
	defer instances.Unlock()
	return instances.byAPI[api]
}

func (in *instance) nodeNow() Node {
	in.nodeMu.Lock()
	defer in.nodeMu.Unlock()
	return in.node
}

// use returns the queue for a lock name, creating it, and counts the caller
// as a user until it calls put.
func (in *instance) use(name string) *queue {
	in.mu.Lock()
	defer in.mu.Unlock()
	q, ok := in.queues[name]
	if !ok {
		q = newQueue(in, name)
		in.recent.seed(name, &q.view)
		in.queues[name] = q
	}
	q.refs++
	return q
}

// put ends a use of q and drops it if idle.
func (in *instance) put(q *queue) {
	in.mu.Lock()
	q.refs--
	in.dropIfIdleLocked(q)
	in.mu.Unlock()
}

// dropIfIdle drops q if nothing uses it.
func (in *instance) dropIfIdle(q *queue) {
	in.mu.Lock()
	in.dropIfIdleLocked(q)
	in.mu.Unlock()
}

func (in *instance) dropIfIdleLocked(q *queue) {
	if q.refs > 0 || in.queues[q.name] != q {
		return
	}
	q.mu.Lock()
	idle := q.held == nil && !q.acquiring && q.waiters.Len() == 0
	if idle {
		in.recent.remember(q.name, &q.view)
	}
	q.mu.Unlock()
	if idle {
		delete(in.queues, q.name)
	}
}

func (in *instance) existingQueue(name string) *queue {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.queues[name]
}

// KnownLocks lists the lock names (of mutexes and of jobs) this plugin
// instance uses through pluginAPI now or used recently (the last
// recentLimit), sorted. Job locks are named "cron_" followed by the job's
// key. It makes no KV call.
func KnownLocks(pluginAPI MutexPluginAPI) []string {
	in := lookupInstance(pluginAPI)
	if in == nil {
		return []string{}
	}
	in.mu.Lock()
	seen := make(map[string]bool, len(in.queues)+in.recent.order.Len())
	for name := range in.queues {
		seen[name] = true
	}
	for e := in.recent.order.Front(); e != nil; e = e.Next() {
		seen[e.Value.(*recentName).name] = true
	}
	in.mu.Unlock()
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// recentLimit bounds the names an instance remembers after their queues
// were dropped.
const recentLimit = 1000

// recentNames keeps, for the last recentLimit idle names, the remembered
// part of their views.
type recentNames struct {
	order  list.List // of *recentName, most recent first
	byName map[string]*list.Element
}

type recentName struct {
	name string
	remembered
}

func (r *recentNames) init() { r.byName = make(map[string]*list.Element) }

func (r *recentNames) remember(name string, v *clusterView) {
	e, ok := r.byName[name]
	if ok {
		r.order.MoveToFront(e)
	} else {
		e = r.order.PushFront(&recentName{name: name})
		r.byName[name] = e
	}
	n := e.Value.(*recentName)
	n.remembered = v.remembered
	n.dropLapsedFree(time.Now()) // a lapsed marker is not worth keeping
	for r.order.Len() > recentLimit {
		last := r.order.Back()
		r.order.Remove(last)
		delete(r.byName, last.Value.(*recentName).name)
	}
}

// seed starts a new queue's view from what was remembered of its name.
func (r *recentNames) seed(name string, v *clusterView) {
	e, ok := r.byName[name]
	if !ok {
		return
	}
	n := e.Value.(*recentName)
	v.remembered = n.remembered
}
