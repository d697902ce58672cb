package cluster

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// LeasedNames keeps exactly the names with a lease stored: a held name, also
// one too long for a plain key (its key is a digest), and not a name
// released (whose fencing counter key stays) a free marker's life ago, a
// name never used, or a name that is itself some other key. Catches an implementation that matches names
// against keys without the lease key's digest, or that takes any key
// mentioning the name (the counter's) for a lease.
func TestLeasedNamesAreTheNamesWithALeaseStored(t *testing.T) {
	s, ins := newCluster(1, false)
	api := ins[0]
	long := strings.Repeat("long-lock-name-", 5)
	for _, name := range []string{"held", long, "released"} {
		m := NewMutex(api, name)
		lockWithin(t, m, 5*time.Second)
		if name == "released" {
			m.Lease() // waits for the fencing counter to be stored
			m.Unlock()
			continue
		}
		t.Cleanup(m.Unlock)
	}
	s.Advance(freeMarkerSeconds*time.Second + time.Millisecond) // the released name's marker lapses
	keys, appErr := api.KVList(0, 1000)
	if appErr != nil {
		t.Fatal(appErr)
	}
	if !slices.Contains(keys, fenceKey("released")) {
		t.Fatalf("keys %q lack the released lock's fencing counter, which this test needs", keys)
	}
	names := []string{"held", "never-used", "released", lockKey("held"), long}
	got := LeasedNames(names, keys)
	if want := []string{"held", long}; !reflect.DeepEqual(got, want) {
		t.Fatalf("LeasedNames(%q) = %q, want %q", names, got, want)
	}
}
