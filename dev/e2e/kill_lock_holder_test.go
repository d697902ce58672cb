//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// Killing the lock holder: kill -9 the node holding a demo lock. A request
// on another node that waits for the lock gets it within the lease TTL + 5 s
// of the kill, never before the dead node's lease expired (the waiter takes
// a lease over only after seeing it unchanged for a whole TTL on its own
// clock); within the lease TTL + 5 s the status shows the lock free and the
// dead node not alive. Catches a takeover before the lease ended (two
// holders), a lease of a dead node that nobody can ever take over, and a
// status that keeps showing the dead node's lease as held.
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

	// A request that waits: it takes the dead node's lease over once it has
	// seen it unchanged for a whole TTL.
	waitSeconds := int((leaseTTL + failoverSlack + time.Second - 1) / time.Second)
	var lock apiLock
	began := time.Now()
	expect(t, "acquire through node 1, waiting for the dead node's lease", acquire(t, node1, name, 30, waitSeconds), http.StatusOK, &lock)
	if !lock.Held || lock.HolderID == nil || *lock.HolderID != selves[0].ID || lock.AcquiredAt == nil {
		t.Fatalf("the waiting acquire through node 1 does not show the lock held by node 1: %v", lock)
	}
	if lock.AcquiredAt.Before(lastExpiry.Add(-timestampRounding)) {
		t.Errorf("node 1 took the lock at %s, before the dead node's lease expired at %s: two holders at once", fmtTime(lock.AcquiredAt), fmtTime(&lastExpiry))
	}
	if took := time.Since(began); took > bound {
		t.Errorf("node 1's waiting acquire took %v, beyond the lease TTL + slack (%v)", took, bound)
	}
	t.Logf("node 1 took %s (token %d) %v after node 2 was killed, %v after it began to wait", name, *lock.FencingToken, time.Since(killedAt).Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
	expect(t, "release through node 1", release(t, node1, name), http.StatusOK, nil)

	suite.startNode(t, node2)
	suite.healthy(t)
}
