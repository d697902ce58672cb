//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// Who holds the lock: A demo lock taken through node 1 is shown by
// node 2 as held by node 1; node 2 cannot take it (409 naming node 1); once
// node 1 releases it, node 2 takes it within a second.
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

	// Node 2's list has it too.
	held, err := locksHeldBy(node2, self1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(describeLocks(held), name) {
		t.Errorf("node 2's GET /api/v1/locks does not list %s held by node 1: %s", name, describeLocks(held))
	}

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

	// Release through node 1; node 2 then takes it within lockHandoffBound.
	// wait_seconds 1 makes node 2 give up after exactly that bound.
	var freed apiLock
	expect(t, "release through node 1", release(t, node1, name), http.StatusOK, &freed)
	if freed.Held {
		t.Errorf("node 1's release answer still shows the lock held: %v", freed)
	}
	began := time.Now()
	r = acquire(t, node2, name, 30, int(lockHandoffBound/time.Second))
	elapsed := time.Since(began)
	var retaken apiLock
	expect(t, "acquire through node 2 after node 1 released", r, http.StatusOK, &retaken)
	if retaken.HolderID == nil || *retaken.HolderID != self2.ID {
		t.Fatalf("node 2's acquire answer is not held by node 2: %v", retaken)
	}
	if *retaken.FencingToken <= *taken.FencingToken {
		t.Errorf("fencing token did not grow: node 1 had %d, node 2 got %d", *taken.FencingToken, *retaken.FencingToken)
	}
	t.Logf("node 2 took the lock %v after node 1's release", elapsed.Round(time.Millisecond))

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
