package main

import (
	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/bench/impls"
	ours "github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// newMutex makes a mutex of im on instance in. Ours without events is
// given an API value that hides PublishPluginClusterEvent, as a server
// before 5.36 or a plugin that does not wire the hook would.
func newMutex(im impls.Impl, in *kvtest.Instance, name string, withEvents bool) impls.Mutex {
	var api impls.MutexAPI = in
	if im.Events && !withEvents {
		api = noEvents{in}
	}
	m, err := im.NewMutex(api, name)
	if err != nil {
		panic(err) // only for an empty name
	}
	return m
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
