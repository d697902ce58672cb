package cluster

import (
	"fmt"
	"testing"
	"time"
)

// An instance that released a lock and locks it again while another
// instance holds it looks before it inserts: every failed insert is a
// duplicate-key ERROR line in the PostgreSQL log. Only true simultaneous
// races may cost one, and here there are none: the other instance holds
// the lock well before and well after the second Lock begins. An
// implementation that believes a lock it released itself is still free
// inserts blindly, once per cycle.
func TestNoFailedInsertAfterOwnRelease(t *testing.T) {
	for _, events := range []bool{true, false} {
		events := events
		t.Run(fmt.Sprintf("events=%v", events), func(t *testing.T) {
			t.Parallel()
			s, ins := newCluster(2, events)
			a, b := NewMutex(ins[0], "own-release"), NewMutex(ins[1], "own-release")
			const cycles = 5
			var failed int64
			for i := 0; i < cycles; i++ {
				a.Lock()
				a.Unlock()
				lockWithin(t, b, 5*time.Second)
				// From here a locks again a lock it released itself, while
				// b holds it.
				before := s.Stats().FailedInserts
				got := make(chan struct{})
				go func() { a.Lock(); close(got) }()
				time.Sleep(100 * time.Millisecond) // a is waiting
				failed += s.Stats().FailedInserts - before
				b.Unlock()
				<-got
				a.Unlock()
			}
			if failed > 0 {
				t.Fatalf("%d failed inserts by an instance locking again, after its own release, a lock another instance held, in %d cycles", failed, cycles)
			}
		})
	}
}
