package cluster

import (
	"strconv"
	"testing"
	"time"
)

// go test -run '^$' -bench . -benchmem ./server/cluster

// criticalSections is what the benchmarks do while holding a lock.
var criticalSections int

func BenchmarkLeaseEncode(b *testing.B) {
	rec := record{Nonce: randomID(12), Name: "nightly-export", Node: Node{ID: "abcdef0123456789", Name: "app-1"},
		AcquiredAt: time.Now(), ExpiresAt: time.Now().Add(DefaultTTL), Fence: 123456}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = rec.encode()
	}
}

func BenchmarkLeaseDecode(b *testing.B) {
	rec := record{Nonce: randomID(12), Name: "nightly-export", Node: Node{ID: "abcdef0123456789", Name: "app-1"},
		AcquiredAt: time.Now(), ExpiresAt: time.Now().Add(DefaultTTL), Fence: 123456}
	raw := rec.encode()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := decodeRecord(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFencingCounterEncodeDecode(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		n, err := decodeCounter(encodeCounter(uint64(i) + 1))
		if err != nil || n != uint64(i)+1 {
			b.Fatal(n, err)
		}
	}
}

// One refresh: a compare-and-set of the lease on the (zero-latency) fake.
func BenchmarkLeaseRefresh(b *testing.B) {
	_, ins := newCluster(1, false)
	m := NewMutex(ins[0], "refresh")
	m.Lock()
	defer m.Unlock()
	h := m.held
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.refreshNow()
	}
	b.StopTimer()
	if h.isLost() {
		b.Fatal("lease lost during the benchmark")
	}
}

// Local handoff between two goroutines of one instance taking turns: each
// iteration is two handoffs (a to c, c back to a).
func BenchmarkLocalHandoff(b *testing.B) {
	_, ins := newCluster(1, false)
	a := NewMutex(ins[0], "handoff")
	c := NewMutex(ins[0], "handoff")
	a.Lock()
	done := make(chan struct{})
	go func() {
		for i := 0; i < b.N; i++ {
			c.Lock()
			criticalSections++
			c.Unlock()
		}
		close(done)
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a.Unlock()
		a.Lock()
		criticalSections++
	}
	b.StopTimer()
	a.Unlock()
	<-done
}

// Uncontended Lock+Unlock through the store (zero latency): the package's
// own CPU and allocation cost per pair.
func BenchmarkUncontendedLockUnlock(b *testing.B) {
	_, ins := newCluster(1, false)
	m := NewMutex(ins[0], "uncontended-"+strconv.Itoa(b.N))
	m.Lock()
	criticalSections++
	m.Unlock()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.Lock()
		criticalSections++
		m.Unlock()
	}
}
