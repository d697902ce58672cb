package main

import (
	"context"

	"github.com/mattermost/mattermost-plugin-api/cluster"
	"github.com/mattermost/mattermost-server/v5/model"

	ours "github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// locker is what both implementations offer.
type locker interface {
	Lock()
	LockWithContext(ctx context.Context) error
	Unlock()
}

// impl makes mutexes of one implementation on one plugin instance.
type impl struct {
	name string
	// events says whether the implementation can use cluster events.
	events   bool
	newMutex func(in *kvtest.Instance, name string, withEvents bool) locker
}

var oursImpl = impl{
	name:   "ours",
	events: true,
	newMutex: func(in *kvtest.Instance, name string, withEvents bool) locker {
		if withEvents {
			return ours.NewMutex(in, name)
		}
		return ours.NewMutex(noEvents{in}, name)
	},
}

var comparatorImpl = impl{
	name: "mattermost-plugin-api v0.0.19",
	newMutex: func(in *kvtest.Instance, name string, _ bool) locker {
		m, err := cluster.NewMutex(in, name)
		if err != nil {
			panic(err) // only for an empty name
		}
		return m
	},
}

// noEvents is a plugin API without PublishPluginClusterEvent (a server
// before 5.36, or a plugin that does not wire the hook).
type noEvents struct{ in *kvtest.Instance }

func (n noEvents) KVSetWithOptions(key string, value []byte, o model.PluginKVSetOptions) (bool, *model.AppError) {
	return n.in.KVSetWithOptions(key, value, o)
}
func (n noEvents) KVGet(key string) ([]byte, *model.AppError) { return n.in.KVGet(key) }
func (n noEvents) LogError(msg string, kv ...interface{})     { n.in.LogError(msg, kv...) }

// newCluster makes n instances on one store with the given latency; with
// events, each instance's hook is wired to our package's handler, as the
// plugin does.
func newCluster(n int, latencyPerCall float64, events bool) (*kvtest.Store, []*kvtest.Instance) {
	s := kvtest.NewStore()
	s.SetLatency(msToDuration(latencyPerCall))
	s.SetPreciseLatency(true)
	ins := make([]*kvtest.Instance, n)
	for i := range ins {
		in := s.Instance()
		if events {
			in.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { ours.HandleClusterEvent(in, ev) })
		}
		ins[i] = in
	}
	return s, ins
}
