package cluster

import (
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
