package cluster

import (
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
	"github.com/mattermost/mattermost-server/v5/model"
)

// licensedHA makes the cluster of a linearizability run look like a
// licensed High Availability deployment: reads from replicas lagging by up
// to half a second (several replicas, so a reader can also go back in
// time), and cluster events wired on every instance, a little late and
// sometimes lost.
func licensedHA(s *kvtest.Store, ins []*kvtest.Instance) {
	s.SetReplicaLag(0, 100*time.Millisecond, 500*time.Millisecond)
	s.SetEventLatency(2 * time.Millisecond)
	s.SetEventLoss(0.1)
	for _, in := range ins {
		in := in
		in.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { HandleClusterEvent(in, ev) })
	}
}

// TestLinearizability with lagging replicas and events on. Waiters that read
// a stale replica wait longer, so the run is longer and fewer acquisitions
// make a history worth checking (22 to 80 were seen in 2.5 s).
func TestLinearizabilityWithLaggingReplicasAndEvents(t *testing.T) {
	slowTest(t)
	checkLinearizable(t, linearizabilityRun{name: "linha", duration: 4 * time.Second, lapseEvery: 25 * time.Millisecond,
		minAcquisitions: 20, setup: licensedHA})
}

// TestLinearizabilityWithRefreshes with lagging replicas and events on.
func TestLinearizabilityWithRefreshesLaggingReplicasAndEvents(t *testing.T) {
	slowTest(t)
	checkLinearizable(t, linearizabilityRun{name: "linhar", duration: 5 * time.Second, ttl: time.Second, partitions: true,
		lapseEvery: 400 * time.Millisecond, minAcquisitions: 10, setup: licensedHA})
}
