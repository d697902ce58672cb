package kvtest

import (
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// OnPluginClusterEvent wires the instance's plugin hook: events other
// instances publish are delivered to f, each on its own goroutine, as the
// plugin RPC layer does. Without a hook, events to this instance are dropped.
func (in *Instance) OnPluginClusterEvent(f func(model.PluginClusterEvent)) {
	in.mu.Lock()
	in.hook = f
	in.mu.Unlock()
}

// PublishPluginClusterEvent is plugin.API.PublishPluginClusterEvent: the
// event goes to every other instance of the store (or only the one whose ID
// is opts.TargetId), never back to the sender, after the store's event
// latency. Delivery order between events is not guaranteed, as in a real
// cluster.
func (in *Instance) PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error {
	s := in.store
	s.mu.Lock()
	lag := s.eventLag
	s.mu.Unlock()

	in.mu.Lock()
	down := in.down
	in.mu.Unlock()
	if down {
		return nil // a partitioned node's messages go nowhere
	}

	s.instMu.Lock()
	targets := make([]*Instance, 0, len(s.instances))
	for _, other := range s.instances {
		if other != in && (opts.TargetId == "" || opts.TargetId == other.ID) {
			targets = append(targets, other)
		}
	}
	s.instMu.Unlock()

	ev.Data = append([]byte(nil), ev.Data...)
	for _, other := range targets {
		other := other
		go func() {
			if lag > 0 {
				time.Sleep(lag)
			}
			other.mu.Lock()
			hook, down := other.hook, other.down
			other.mu.Unlock()
			if hook != nil && !down {
				hook(ev)
			}
		}()
	}
	return nil
}
