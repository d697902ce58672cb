package app

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Past MaxLockRequests acquire requests in progress on a node (here
// waiters on locks held elsewhere), the next is refused with ErrOverLimit;
// the admitted ones are answered as before. Catches no bound at all, and a
// bound that counts only requests that already hold a lock.
func TestLockRequestsPastTheBoundAreRefusedBeforeTheStore(t *testing.T) {
	store := kvtest.NewStore()
	holder := startNode(t, store, "node-holder", quietConfig())
	waiter := startNode(t, store, "node-waiter", quietConfig())
	if _, err := holder.app.AcquireLock(apptest.AdminUser, "contended", time.Minute, 0); err != nil {
		t.Fatal(err)
	}

	// MaxLockRequests waiters, each on a lock of its own held elsewhere,
	// fill the node; they end when the test releases the holder's locks.
	var wg sync.WaitGroup
	errs := make(chan error, MaxLockRequests)
	for i := 0; i < MaxLockRequests; i++ {
		name := fmt.Sprintf("contended-%02d", i)
		if _, err := holder.app.AcquireLock(apptest.AdminUser, name, time.Minute, 0); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := waiter.app.AcquireLock(apptest.AdminUser, name, time.Minute, MaxWaitSeconds*time.Second)
			errs <- err
		}()
	}
	eventually(t, 10*time.Second, "every waiter admitted", func() bool {
		waiter.app.locks.mu.Lock()
		defer waiter.app.locks.mu.Unlock()
		return waiter.app.locks.requests == MaxLockRequests
	})

	if _, err := waiter.app.AcquireLock(apptest.AdminUser, "contended", time.Minute, 0); !errors.Is(err, ErrOverLimit) {
		t.Errorf("request past the bound: %v, want ErrOverLimit", err)
	}

	holder.app.Stop() // frees every lock: the waiters take theirs
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("an admitted waiter: %v", err)
		}
	}
}

// A node takes at most MaxDemoLockNames distinct demo lock names within
// the record TTL; a name it already took is admitted again, and after the
// TTL the oldest names make room. Catches an unbounded set of names (the
// status page grows with it) and a bound that never forgets.
func TestDistinctDemoLockNamesAreBounded(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	api := apptest.NewFakeAPI(kvtest.NewStore())
	opts := testOptions(api, "node-a", quietConfig())
	opts.Now = clock.Now
	a := apptest.Run(t, api, New(opts))
	for i := 0; i < MaxDemoLockNames; i++ {
		if _, err := a.AcquireLock(apptest.AdminUser, fmt.Sprintf("n-%03d", i), time.Second, 0); err != nil {
			t.Fatalf("name %d of %d: %v", i+1, MaxDemoLockNames, err)
		}
	}
	if _, err := a.AcquireLock(apptest.AdminUser, "one-too-many", time.Second, 0); !errors.Is(err, ErrOverLimit) {
		t.Errorf("name %d: %v, want ErrOverLimit", MaxDemoLockNames+1, err)
	}
	if _, err := a.AcquireLock(apptest.AdminUser, "n-000", time.Second, 0); errors.Is(err, ErrOverLimit) {
		t.Errorf("a name already taken was refused: %v", err)
	}
	clock.Advance(demoLockRecordTTL)
	if _, err := a.AcquireLock(apptest.AdminUser, "one-too-many", time.Second, 0); errors.Is(err, ErrOverLimit) {
		t.Errorf("after the TTL: %v, want room for a new name", err)
	}
}

// The refusal comes before any store access: with the store down, a
// request past the bound is still refused as over the limit, not failed
// by the store. Catches admission placed after the first read (a burst
// then reaches the database before it is refused).
func TestOverLimitIsRefusedBeforeTheStore(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	for i := 0; i < MaxLockRequests; i++ {
		if _, err := a.app.locks.admit("busy"); err != nil {
			t.Fatal(err)
		}
	}
	a.api.SetDown(true)
	defer a.api.SetDown(false)
	if _, err := a.app.AcquireLock(apptest.AdminUser, "busy", time.Minute, 0); !errors.Is(err, ErrOverLimit) {
		t.Errorf("with the store down: %v, want ErrOverLimit", err)
	}
}
