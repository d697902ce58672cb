package kvtest

import (
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// eventRecorder wires every instance's hook and counts deliveries per
// receiving instance.
type eventRecorder struct {
	mu   sync.Mutex
	got  map[string]int
	when []time.Time
}

func recordEvents(ins ...*Instance) *eventRecorder {
	r := &eventRecorder{got: map[string]int{}}
	for _, in := range ins {
		in := in
		in.OnPluginClusterEvent(func(model.PluginClusterEvent) {
			r.mu.Lock()
			r.got[in.ID]++
			r.when = append(r.when, time.Now())
			r.mu.Unlock()
		})
	}
	return r
}

func (r *eventRecorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[id]
}

func publish(t *testing.T, in *Instance, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := in.PublishPluginClusterEvent(model.PluginClusterEvent{Id: "x", Data: []byte("d")}, model.PluginClusterEventSendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// A node never hears its own events, however many are sent, while every
// other node hears each one.
func TestEventsNeverReturnToTheSender(t *testing.T) {
	s := NewStore()
	a, b, c := s.Instance(), s.Instance(), s.Instance()
	r := recordEvents(a, b, c)
	publish(t, a, 50)
	eventually(t, 5*time.Second, "50 deliveries each to b and c", func() bool { return r.count(b.ID) == 50 && r.count(c.ID) == 50 })
	time.Sleep(50 * time.Millisecond) // a self-delivery would be as fast as the others
	if n := r.count(a.ID); n != 0 {
		t.Fatalf("the sender received %d of its own events", n)
	}
}

// Event latency delays every delivery by at least the latency.
func TestEventLatencyDelaysDelivery(t *testing.T) {
	s := NewStore()
	const lag = 150 * time.Millisecond
	s.SetEventLatency(lag)
	a, b := s.Instance(), s.Instance()
	r := recordEvents(b)
	sent := time.Now()
	publish(t, a, 1)
	eventually(t, 5*time.Second, "the delivery", func() bool { return r.count(b.ID) == 1 })
	r.mu.Lock()
	defer r.mu.Unlock()
	if d := r.when[0].Sub(sent); d < lag {
		t.Fatalf("delivered %v after sending, latency %v", d, lag)
	}
}

// Event loss drops deliveries independently: all at 1, none at 0, some but
// not all at one half. A fake that drops per event rather than per
// receiver would deliver to b and c the same number.
func TestEventLossDropsDeliveries(t *testing.T) {
	s := NewStore()
	a, b, c := s.Instance(), s.Instance(), s.Instance()
	r := recordEvents(b, c)
	s.SetEventLoss(1)
	publish(t, a, 20)
	time.Sleep(50 * time.Millisecond)
	if r.count(b.ID)+r.count(c.ID) != 0 {
		t.Fatal("an event got through at loss 1")
	}
	s.SetEventLoss(0.5)
	const n = 400
	publish(t, a, n)
	time.Sleep(500 * time.Millisecond) // deliveries run on their own goroutines
	// Binomial(400, 1/2) has a standard deviation of 10: 100..300 is ten
	// deviations either side.
	nb, nc := r.count(b.ID), r.count(c.ID)
	if nb < 100 || nb > 300 || nc < 100 || nc > 300 {
		t.Fatalf("at loss 0.5, %d and %d of %d delivered", nb, nc, n)
	}
	if nb == nc {
		t.Logf("b and c got the same count (%d); possible but unlikely", nb)
	}
	s.SetEventLoss(0)
	publish(t, a, 1)
	eventually(t, 5*time.Second, "a delivery at loss 0", func() bool { return r.count(b.ID) == nb+1 })
}

// A Fault's Delay holds the reply after the call took effect: the store
// already shows the write while the caller is still waiting.
func TestFaultDelayHoldsTheReplyAfterTheWrite(t *testing.T) {
	s := NewStore()
	in := s.Instance()
	const delay = 200 * time.Millisecond
	s.SetFault(func(Call) Outcome { return Outcome{Delay: delay} })
	done := make(chan time.Duration, 1)
	start := time.Now()
	go func() {
		_, _ = in.KVSetWithOptions("k", []byte("v"), model.PluginKVSetOptions{})
		done <- time.Since(start)
	}()
	eventually(t, 5*time.Second, "the write to land", func() bool { _, ok := s.Value("k"); return ok })
	if d := <-done; d < delay {
		t.Fatalf("call returned after %v, delay %v", d, delay)
	}
}
