package cluster

import (
	"sort"
	"sync"
	"sync/atomic"
)

// instance is everything this package knows about one plugin instance: the
// pluginAPI value it was given, the optional capabilities found on it, the
// node name, and one queue per lock name. Mutexes and jobs made with the same
// pluginAPI value share it, which is what makes same-name goroutines queue
// locally in FIFO order instead of racing through the store.
type instance struct {
	api MutexPluginAPI
	get kvGetter       // nil when the API has no KVGet
	pub eventPublisher // nil when the API cannot publish cluster events

	// eventsSeen is set once a cluster event of this package has arrived
	// through HandleClusterEvent: proof that the plugin wired its hook, so
	// waiters can rely on release events and poll slowly.
	eventsSeen atomic.Bool

	mu     sync.Mutex
	node   Node
	queues map[string]*queue
}

var registry = struct {
	sync.Mutex
	byAPI map[interface{}]*instance
}{byAPI: make(map[interface{}]*instance)}

func newInstance(api MutexPluginAPI) *instance {
	in := &instance{api: api, node: defaultNode(), queues: make(map[string]*queue)}
	in.get, _ = api.(kvGetter)
	in.pub, _ = api.(eventPublisher)
	return in
}

// instanceFor returns the shared instance for pluginAPI. A pluginAPI whose
// dynamic type cannot be a map key (a struct holding a slice, say) gets a
// private instance every time: mutexes made from it still work, but do not
// queue together, and SetNode/KnownLocks cannot find it again. Every real
// plugin API is a pointer, so this is a fallback, not a mode.
func instanceFor(api MutexPluginAPI) (in *instance) {
	registry.Lock()
	defer registry.Unlock()
	defer func() {
		// Hashing an interface holding an uncomparable value panics;
		// reflect.Type.Comparable cannot rule that out for structs with
		// interface fields, so recover instead of predicting.
		if recover() != nil {
			in = newInstance(api)
		}
	}()
	if in, ok := registry.byAPI[api]; ok {
		return in
	}
	in = newInstance(api)
	registry.byAPI[api] = in
	return in
}

// lookupInstance returns the shared instance for pluginAPI if the package
// has seen it, without creating one.
func lookupInstance(api MutexPluginAPI) (in *instance) {
	registry.Lock()
	defer registry.Unlock()
	defer func() {
		if recover() != nil {
			in = nil
		}
	}()
	return registry.byAPI[api]
}

func (in *instance) nodeNow() Node {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.node
}

// queue returns the queue for a lock name, creating it.
func (in *instance) queue(name string) *queue {
	in.mu.Lock()
	defer in.mu.Unlock()
	q, ok := in.queues[name]
	if !ok {
		q = newQueue(in, name)
		in.queues[name] = q
	}
	return q
}

func (in *instance) existingQueue(name string) *queue {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.queues[name]
}

// KnownLocks lists the lock names (of mutexes and of jobs) this plugin
// instance has used through pluginAPI, sorted. Job locks are named "cron_"
// followed by the job's key. It makes no KV call.
func KnownLocks(pluginAPI MutexPluginAPI) []string {
	in := lookupInstance(pluginAPI)
	if in == nil {
		return []string{}
	}
	in.mu.Lock()
	names := make([]string, 0, len(in.queues))
	for name := range in.queues {
		names = append(names, name)
	}
	in.mu.Unlock()
	sort.Strings(names)
	return names
}
