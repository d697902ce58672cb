//go:build e2e

package e2e

import (
	"fmt"
	"math/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// Who holds the lock: A demo lock taken through node 1 is shown by
// node 2 as held by node 1; node 2 cannot take it (409 naming node 1); a
// node already waiting for it gets it within the poll period plus a margin
// of the other's release, with the next fencing token.
//
// Catches: a holder shown by node only (not cluster-wide), a 409 that does
// not name the holder, a release that does not reach a waiting node
// promptly (dev/brokenplugin slow-waiter: a waiter polling once a second),
// and fencing tokens that skip or repeat.
func TestWhoHoldsTheLock(t *testing.T) {
	selves := suite.healthy(t)
	node1, node2 := suite.node(1), suite.node(2)
	self1, self2 := selves[0], selves[1]
	name := uniqueLockName("e2e-who")

	taken := mustAcquire(t, node1, self1, name, 120)
	if taken.Kind != "demo" || taken.FencingToken == nil || taken.AcquiredAt == nil || taken.ExpiresAt == nil {
		t.Errorf("acquire answer is incomplete: %+v", taken)
	}

	// Node 2 names node 1 as the holder, in the contract's shape.
	r := call(t, node2, suite.admin(), http.MethodGet, "/api/v1/locks/"+name, nil)
	var seen apiLock
	expect(t, "GET /api/v1/locks/{name} on node 2", r, http.StatusOK, &seen)
	requireKeys(t, "lock on node 2", r.body, lockKeys...)
	if !seen.Held || seen.HolderID == nil || *seen.HolderID != self1.ID || seen.holder() != self1.Name || seen.Kind != "demo" {
		t.Fatalf("node 2 shows %v, want held by node 1 (%s, %s), kind demo", seen, self1.Name, self1.ID)
	}
	if seen.FencingToken == nil || *seen.FencingToken != *taken.FencingToken {
		t.Errorf("node 2 shows fencing token %v, node 1 took %d", seen.FencingToken, *taken.FencingToken)
	}

	// Node 2's list has it too, within the status answers' freshness bound
	// (the list comes from node 2's status cache).
	eventually(t, fmt.Sprintf("node 2's GET /api/v1/locks listing %s held by node 1", name), statusFreshness, func() (bool, string) {
		held, err := locksHeldBy(node2, self1.ID)
		if err != nil {
			return false, err.Error()
		}
		return strings.Contains(describeLocks(held), name), describeLocks(held)
	})

	// Node 2 cannot take it: 409 naming node 1.
	r = acquire(t, node2, name, 30, 0)
	var refusal apiErrorBody
	expect(t, "acquire through node 2 while node 1 holds it", r, http.StatusConflict, &refusal)
	if !strings.Contains(refusal.Error, self1.Name) {
		t.Errorf("the 409 message does not name node 1 (%s): %q", self1.Name, refusal.Error)
	}
	if refusal.Lock == nil || refusal.Lock.HolderID == nil || *refusal.Lock.HolderID != self1.ID {
		t.Errorf("the 409 does not carry the lock held by node 1: %s", r)
	}

	// Node 2 cannot release it either.
	expect(t, "release through node 2, which does not hold it", release(t, node2, name), http.StatusConflict, nil)

	// Contended handoff, in both directions: the waiting node's acquire is
	// in flight when the holder releases, and it gets the lock within the
	// cluster package's poll period plus a margin, with the next fencing
	// token. Each round releases at a random point of the waiter's poll, so
	// a waiter that is not woken and looks only once a second (the rate of
	// mattermost-plugin-api v0.0.19) cannot pass every round by luck; a
	// token that skips or repeats fails the round.
	holder, waiter := node1, node2
	selfOf := map[*localcluster.Node]apiNode{node1: self1, node2: self2}
	token := *taken.FencingToken
	var retaken apiLock
	for round := 1; round <= contendedHandoffRounds; round++ {
		waited := make(chan reply, 1)
		go func() {
			r, err := try(waiter, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: 30, WaitSeconds: contendedWaitSeconds})
			if err != nil {
				r = reply{status: -1, body: []byte(err.Error())}
			}
			waited <- r
		}()
		time.Sleep(contendedWaitBefore + time.Duration(rand.Int63n(int64(contendedWaitBefore))))
		select {
		case r := <-waited:
			t.Fatalf("round %d: node %d's acquire answered before node %d released: %s", round, waiter.Index, holder.Index, r)
		default:
		}
		releasing := time.Now()
		expect(t, fmt.Sprintf("round %d: release through node %d", round, holder.Index), release(t, holder, name), http.StatusOK, nil)
		r := <-waited
		expect(t, fmt.Sprintf("round %d: node %d's waiting acquire", round, waiter.Index), r, http.StatusOK, &retaken)
		if retaken.HolderID == nil || *retaken.HolderID != selfOf[waiter].ID || retaken.AcquiredAt == nil || retaken.FencingToken == nil {
			t.Fatalf("round %d: node %d's acquire answer is not held by it: %v", round, waiter.Index, retaken)
		}
		handoff := retaken.AcquiredAt.Sub(releasing)
		t.Logf("round %d: node %d took the lock %v after node %d's release began, token %d", round, waiter.Index, handoff.Round(time.Millisecond), holder.Index, *retaken.FencingToken)
		if handoff > contendedHandoffBound {
			t.Errorf("round %d: node %d took the lock %v after node %d's release began, more than the poll period plus margin (%v)",
				round, waiter.Index, handoff.Round(time.Millisecond), holder.Index, contendedHandoffBound)
		}
		if *retaken.FencingToken != token+1 {
			t.Errorf("round %d: fencing token %d after %d, want exactly one higher", round, *retaken.FencingToken, token)
		}
		token = *retaken.FencingToken
		holder, waiter = waiter, holder
	}
	if holder != node2 {
		t.Fatalf("the rounds should end with node 2 holding the lock (an odd number of rounds)")
	}

	// And node 1 now sees node 2 as the holder.
	lock, err := lockSeenBy(node1, name)
	if err != nil {
		t.Fatal(err)
	}
	if lock.HolderID == nil || *lock.HolderID != self2.ID {
		t.Errorf("node 1 shows %v, want held by node 2 (%s)", lock, self2.Name)
	}
	expect(t, "release through node 2", release(t, node2, name), http.StatusOK, nil)
}
