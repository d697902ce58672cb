package cluster

import (
	"testing"
	"time"
)

// A holder whose lease lapsed before it read its token must not report the
// guess its lease carries: the next holder, which took the lock over,
// claimed that very number. It reports 0 (unfenced), or at least a token
// below the next holder's.
//
// Catches: a claim that, finding the lease gone, leaves the guess in place
// (two holders reporting the same token), or one that takes a fresh token
// for a stale holder (a stale holder above the current one).
func TestLapsedHolderDoesNotReportTheNextHoldersToken(t *testing.T) {
	t.Parallel()
	const ttl = time.Second
	_, ins := newCluster(2, false)
	a, b := ins[0], ins[1]
	name := "lapsed-before-reading-its-token"
	ma := NewMutexWithConfig(a, name, MutexConfig{TTL: ttl})
	mb := NewMutexWithConfig(b, name, MutexConfig{TTL: ttl})
	// A first hold that claims its token, so the counter exists and a's
	// next guess is the counter plus one, as b's claim will be.
	lockWithin(t, ma, 5*time.Second)
	ma.Lease()
	ma.Unlock()
	lockWithin(t, ma, 5*time.Second)

	a.SetDown(true) // a's refreshes fail: its lease lapses
	lockWithin(t, mb, 5*ttl)
	bLease, _ := mb.Lease()
	if bLease.FencingToken == 0 {
		t.Fatal("the new holder has no token; this test needs one")
	}
	a.SetDown(false)
	select {
	case <-ma.Lost():
	case <-time.After(ttl):
		t.Fatal("a was not told its lease was lost")
	}
	aLease, _ := ma.Lease()
	if aLease.FencingToken != 0 && aLease.FencingToken >= bLease.FencingToken {
		t.Errorf("the lapsed holder reports token %d, the holder that took over %d", aLease.FencingToken, bLease.FencingToken)
	}
	ma.Unlock()
	mb.Unlock()
}
