package cluster

import (
	"testing"
	"time"
)

// Node clocks differ by less than the margin: a holder that can no longer
// refresh says its lease is lost before a node whose clock runs ahead can
// see the lease lapse and take the lock.
func TestLostIsSignalledBeforeASkewedNodeCanAcquire(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	_, ins := newCluster(2, false)
	a := NewMutexWithConfig(ins[0], "skew", MutexConfig{TTL: 2 * time.Second})
	a.Lock()
	defer a.Unlock()
	ins[0].SetDown(true) // a can no longer refresh
	ins[1].SetClockOffset(200 * time.Millisecond)

	b := NewMutex(ins[1], "skew")
	acquired := make(chan time.Time, 1)
	go func() {
		b.Lock()
		acquired <- time.Now()
		b.Unlock()
	}()
	var lostAt time.Time
	select {
	case <-a.Lost():
		lostAt = time.Now()
	case <-time.After(10 * time.Second):
		t.Fatal("a was never told its lease was lost")
	}
	select {
	case got := <-acquired:
		if got.Before(lostAt) {
			t.Fatalf("b acquired %v before a was told it lost the lease", lostAt.Sub(got))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("b never acquired the lapsed lock")
	}
	ins[0].SetDown(false)
}

// A store that stops answering must not keep a holder believing it holds
// the lock: the loss is signalled on time even while a refresh hangs. On
// time is the lease's TTL after it was taken at the latest, when the store
// may treat it as lapsed (the package signals a margin earlier). A holder
// that learns of the loss only when the hanging refresh returns (after
// refreshHang) fails, as does one whose deadline is the store's expiry or
// later (no margin, or the margin added instead of taken off).
func TestLostIsSignalledWhileRefreshHangs(t *testing.T) {
	slowTest(t)
	t.Parallel() // it mostly sleeps; it touches no package state
	_, ins := newCluster(1, false)
	const ttl, refreshHang = time.Second, 3 * time.Second
	m := NewMutexWithConfig(ins[0], "hang", MutexConfig{TTL: ttl})
	m.Lock()
	locked := time.Now()
	ins[0].SetLatency(refreshHang) // the next refresh will hang
	select {
	case <-m.Lost():
		d := time.Since(locked)
		t.Logf("lost signalled %v after the lock was taken", d)
		if d > ttl {
			t.Fatalf("lost signalled only after %v, beyond the %v TTL", d, ttl)
		}
	case <-time.After(refreshHang + 2*time.Second):
		t.Fatal("no lost signal while the refresh hangs")
	}
	ins[0].SetLatency(0)
	done := make(chan struct{})
	go func() { m.Unlock(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("Unlock hung")
	}
}
