package cluster

import (
	"testing"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

func TestSmokeLockUnlock(t *testing.T) {
	s := kvtest.NewStore()
	a := s.Instance()
	m := NewMutex(a, "smoke")
	m.Lock()
	l, ok := m.Lease()
	if !ok || l.FencingToken != 1 {
		t.Fatalf("lease %+v %v", l, ok)
	}
	m.Unlock()
	m.Lock()
	l, _ = m.Lease()
	if l.FencingToken != 2 {
		t.Fatalf("lease %+v", l)
	}
	m.Unlock()
	t.Logf("stats %+v keys %v", s.Stats(), s.Keys())
}
