package cluster

import (
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
	"github.com/mattermost/mattermost-server/v5/model"
)

// wrappedAPI is what a plugin gets when it wraps p.API (for metrics,
// logging or a narrower interface): a different value on the same node.
type wrappedAPI struct{ *kvtest.Instance }

// sameNodeHandoffBound is how soon a release through one API value must
// reach a waiter using another API value of the same plugin on the same
// node.
const sameNodeHandoffBound = 150 * time.Millisecond

// Two API values of one plugin on one node (p.API and a wrapper of it) are
// one node: cluster events never come back to it, so a release through one
// reaches a waiter through the other only if the package knows they are
// the same instance. Either every release reaches the other value's waiter
// within 150 ms, or using two values is a visible mistake: SetNode or
// HandleClusterEvent logs it. An implementation that keys its instance by
// API value and stays silent leaves the waiter polling.
func TestTwoAPIValuesOnOneNodeSeeEachOthersReleases(t *testing.T) {
	t.Parallel()
	s, ins := newCluster(2, true)
	raw := ins[0]
	wrapped := &wrappedAPI{raw}
	node := Node{ID: raw.ID, Name: raw.ID}
	SetNode(raw, node)
	SetNode(wrapped, node)
	// The plugin's hook, as a plugin that wraps its API would write it.
	raw.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { HandleClusterEvent(wrapped, ev) })
	// Events from another node arrive, so both know events work.
	warm := NewMutex(ins[1], "same-node")
	warm.Lock()
	warm.Unlock()

	mistakeLogged := func() bool { return len(raw.Logs()) > 0 }
	viaRaw, viaWrapped := NewMutex(raw, "same-node"), NewMutex(wrapped, "same-node")
	const rounds = 10
	for i := 0; i < rounds; i++ {
		holder, waiter := viaRaw, viaWrapped
		if i%2 == 1 {
			holder, waiter = viaWrapped, viaRaw
		}
		holder.Lock()
		got := make(chan time.Time, 1)
		go func() { waiter.Lock(); got <- time.Now() }()
		time.Sleep(50 * time.Millisecond) // the waiter is waiting
		released := time.Now()
		holder.Unlock()
		at := <-got
		waiter.Unlock()
		if d := at.Sub(released); d > sameNodeHandoffBound {
			if mistakeLogged() {
				t.Logf("round %d: %v, but the two API values were reported: %q", i, d, raw.Logs()[0])
				return
			}
			t.Fatalf("round %d: the waiter through the other API value got the lock %v after the release (bound %v), and nothing was logged", i, d, sameNodeHandoffBound)
		}
	}
	_ = s
}
