package kvtest

import (
	"math/rand"
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

// PublishPluginClusterEvent is plugin.API.PublishPluginClusterEvent of a
// licensed cluster: the event goes to every other instance of the store (or
// only the one whose ID is opts.TargetId), never back to the sender — not to
// another API value of the sender either, since the sender is a node —
// after the store's event latency, unless the store's event loss drops it.
// Delivery order between events is not guaranteed, as in a real cluster.
func (in *Instance) PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error {
	s := in.store
	s.mu.Lock()
	lag, loss := s.eventLag, s.eventLoss
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
		if loss > 0 && rand.Float64() < loss {
			continue
		}
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

// SetEventLoss makes each delivery of a cluster event to one instance fail,
// silently, with probability p (0 delivers all, 1 none), as a best-effort
// cluster message can be lost or a node miss it while it restarts.
func (s *Store) SetEventLoss(p float64) {
	s.mu.Lock()
	s.eventLoss = p
	s.mu.Unlock()
}
