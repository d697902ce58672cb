//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// Killing the lock holder: kill -9 the node holding a demo lock. Within the
// lease TTL + 5 s another node's status shows the lock free, that node can
// take it, and the dead node is shown not alive.
func TestKillLockHolder(t *testing.T) {
	suite.withNode3(t)
	selves := suite.healthy(t)
	node1, node2 := suite.node(1), suite.node(2)
	name := uniqueLockName("e2e-kill")
	mustAcquire(t, node2, selves[1], name, 600)

	killedAt := kill(t, node2)
	// Right after the kill the lease still stands: nothing tells the store
	// its holder died, so no one may take the lock before it expires.
	var refusal apiErrorBody
	expect(t, "acquire through node 1 right after the kill", acquire(t, node1, name, 30, 0), http.StatusConflict, &refusal)
	if refusal.Lock == nil || refusal.Lock.ExpiresAt == nil || refusal.Lock.HolderID == nil || *refusal.Lock.HolderID != selves[1].ID {
		t.Fatalf("the 409 right after the kill does not show the dead node's lease: %+v", refusal)
	}
	lastExpiry := *refusal.Lock.ExpiresAt
	bound := leaseTTL + failoverSlack
	var last apiStatus
	eventually(t, fmt.Sprintf("node 1's status showing %s free and node 2 not alive", name), bound, func() (bool, string) {
		r, err := try(node1, suite.admin(), http.MethodGet, "/api/v1/status", nil)
		if err != nil {
			return false, err.Error()
		}
		if err := jsonDecode(r, &last); err != nil {
			return false, err.Error()
		}
		var lock *apiLock
		for i := range last.Locks {
			if last.Locks[i].Name == name {
				lock = &last.Locks[i]
			}
		}
		dead, listed := findNode(last.Nodes, selves[1].ID)
		seen := fmt.Sprintf("lock %v; nodes %s", lock, describeNodes(last.Nodes))
		return lock != nil && !lock.Held && listed && !dead.Alive, seen
	})
	t.Logf("node 1 showed the lock free and node 2 gone %v after the kill", time.Since(killedAt).Round(time.Millisecond))

	lock := mustAcquire(t, node1, selves[0], name, 30)
	if lock.AcquiredAt.Before(lastExpiry.Add(-timestampRounding)) {
		t.Errorf("node 1 took the lock at %s, before the dead node's lease expired at %s: two holders at once", fmtTime(lock.AcquiredAt), fmtTime(&lastExpiry))
	}
	if since := time.Since(killedAt); since > bound {
		t.Errorf("node 1 took the lock %v after the kill, beyond the lease TTL + slack (%v)", since, bound)
	}
	t.Logf("node 1 took %s (token %d) %v after node 2 was killed", name, *lock.FencingToken, time.Since(killedAt).Round(time.Millisecond))
	expect(t, "release through node 1", release(t, node1, name), http.StatusOK, nil)

	suite.startNode(t, node2)
	suite.healthy(t)
}
