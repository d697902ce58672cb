package cluster

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// releaseCounter counts the writes that end a lease on the lease key: a
// compare-and-set to a free marker, a compare-and-delete or a delete. Each
// is the lock going through the store instead of passing between
// goroutines of the holder's instance. It watches the calls, not the key's
// value: a free marker keeps the key present, so a watch for the key
// going absent would see no release at all.
type releaseCounter struct {
	s        *kvtest.Store
	mu       sync.Mutex
	releases int
}

func watchReleases(s *kvtest.Store, key string) *releaseCounter {
	r := &releaseCounter{s: s}
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if c.Key == key && endsALease(c) {
			r.mu.Lock()
			r.releases++
			r.mu.Unlock()
		}
		return kvtest.Outcome{}
	})
	return r
}

func endsALease(c kvtest.Call) bool {
	switch c.Op {
	case kvtest.OpDelete:
		return true
	case kvtest.OpSet:
		if c.Value == nil {
			return true
		}
		_, free := isFreeMarker(c.Value)
		return free
	}
	return false
}

func (r *releaseCounter) take() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.releases
	r.releases = 0
	return n
}

func (r *releaseCounter) close() { r.s.SetFault(nil) }

// keysBut lists the live keys other than skip (the lease, which comes and
// goes with releases).
func keysBut(s *kvtest.Store, skip string) string {
	var keys []string
	for _, k := range s.Keys() {
		if k != skip {
			keys = append(keys, k)
		}
	}
	return strings.Join(keys, " ")
}

// busyLocally keeps the lock busy on one instance: two goroutines lock,
// hold briefly and unlock in turn, so it passes between them locally.
func busyLocally(in *kvtest.Instance, name string, stop <-chan struct{}) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		m := NewMutex(in, name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				m.Lock()
				time.Sleep(2 * time.Millisecond)
				m.Unlock()
			}
		}()
	}
	return &wg
}

// A failed attempt on another instance — a TryLock that returns false, or a
// LockWithContext whose context ends — leaves nothing behind: no key in the
// store, and no change in how the holder's instance passes the lock on. An
// implementation that keeps believing someone waits (a waiting marker or a
// remembered "waiting" event) makes the holder's instance release through
// the store for fairness, long after the attempt ended.
func TestFailedAttemptsLeaveNothingBehind(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	attempts := map[string]func(m *Mutex) bool{
		"TryLock": func(m *Mutex) bool {
			ok, _ := m.TryLock()
			return ok
		},
		"LockWithContext": func(m *Mutex) bool {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			return m.LockWithContext(ctx) == nil
		},
	}
	for name, attempt := range attempts {
		for _, events := range []bool{true, false} {
			name, attempt, events := name, attempt, events
			t.Run(fmt.Sprintf("%s/events=%v", name, events), func(t *testing.T) {
				t.Parallel()
				s, ins := newCluster(2, events)
				lock := "failed-" + strings.ToLower(name)
				key := "mutex_" + lock
				const window = time.Second

				stop := make(chan struct{})
				wg := busyLocally(ins[0], lock, stop)
				eventually(t, 5*time.Second, "the lock to be taken", func() bool { _, ok := s.Value(key); return ok })
				rc := watchReleases(s, key)
				time.Sleep(window)
				before := rc.take()
				close(stop)
				wg.Wait()

				// The attempt meets a lock held throughout, so that even a
				// fair lock cannot hand it over.
				holder := NewMutex(ins[0], lock)
				holder.Lock()
				keysBefore := keysBut(s, key)
				if attempt(NewMutex(ins[1], lock)) {
					t.Fatal("the attempt got a lock held throughout by another instance")
				}
				holder.Unlock()

				stop = make(chan struct{})
				wg = busyLocally(ins[0], lock, stop)
				rc.take()
				time.Sleep(window)
				after := rc.take()
				keysAfter := keysBut(s, key)
				rc.close()
				close(stop)
				wg.Wait()

				if after > 2*before+1 {
					t.Errorf("the holder's instance released through the store %d times in %v after the failed attempt, %d times before it", after, window, before)
				}
				if keysAfter != keysBefore {
					t.Errorf("keys besides the lease before the attempt [%s], after [%s]", keysBefore, keysAfter)
				}
			})
		}
	}
}

// A waiter whose insert errored after taking effect, and which then gives
// up (its context ends while the store is unreachable), leaves no lease:
// once the store answers again the lock is free within a second, not after
// the lease's TTL.
func TestWaiterThatGivesUpAfterAnErroredInsertLeavesNoLease(t *testing.T) {
	t.Parallel() // it mostly sleeps; it touches no package state
	s, ins := newCluster(2, true)
	const lock = "gave-up"
	var mu sync.Mutex
	broken := false
	s.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if c.Instance != ins[0].ID {
			return kvtest.Outcome{}
		}
		mu.Lock()
		defer mu.Unlock()
		if broken {
			return kvtest.Outcome{Err: kvtest.InjectedError("store unreachable")}
		}
		if c.Op == kvtest.OpSet && c.Key == "mutex_"+lock && c.Options.Atomic && c.Options.OldValue == nil && c.Value != nil {
			broken = true // the insert takes effect, its reply is lost, and the store goes away
			return kvtest.Outcome{Err: kvtest.InjectedError("insert reply lost"), Applied: true}
		}
		return kvtest.Outcome{}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if err := NewMutex(ins[0], lock).LockWithContext(ctx); err == nil {
		t.Fatal("locked through a store that answers nothing but errors")
	}
	mu.Lock()
	wasBroken := broken
	mu.Unlock()
	if !wasBroken {
		t.Fatal("the waiter never tried to insert")
	}
	s.SetFault(nil)
	other := NewMutex(ins[1], lock)
	eventually(t, time.Second+500*time.Millisecond, "the lock to be free for another instance", func() bool {
		ok, _ := other.TryLock()
		return ok
	})
	other.Unlock()
}
