package app

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// The overlap check is real: a marker left by another holder is reported.
func TestStressCriticalSectionDetectsAnotherHolder(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	run := stressRun{ID: "r", StartedAt: time.Now().Add(-time.Second), EndsAt: time.Now().Add(time.Minute)}
	if err := kvSetJSON(a.api, stressHoldKey, stressHold{Holder: "intruder"}, stressHoldMarkerTTL); err != nil {
		t.Fatal(err)
	}
	overlap, handoff, err := a.app.stress.critical(run, "me", nil)
	if err != nil || !overlap || handoff != 0 {
		t.Fatalf("critical with another holder's marker: overlap %v handoff %v err %v", overlap, handoff, err)
	}
	// With a released marker it measures the handoff and sees no overlap.
	if err := kvSetJSON(a.api, stressHoldKey, stressHold{ReleasedAt: time.Now().Add(-5 * time.Millisecond)}, stressHoldMarkerTTL); err != nil {
		t.Fatal(err)
	}
	overlap, handoff, err = a.app.stress.critical(run, "me", nil)
	if err != nil || overlap || handoff < 5*time.Millisecond {
		t.Fatalf("critical after a release: overlap %v handoff %v err %v", overlap, handoff, err)
	}
}

// A holder whose clearing write fails for longer than its marker lives (a
// database outage) finds, once the store answers again, that the store
// expired the marker: its compare fails though nobody else was inside. That
// is not an overlap; a marker another holder wrote meanwhile still is.
// Catches a clear that takes every failed compare for an overlap (as the
// real-node PostgreSQL restart check once saw).
func TestStressMarkerExpiredDuringFailingClearIsNoOverlap(t *testing.T) {
	for _, intruder := range []bool{false, true} {
		t.Run(fmt.Sprintf("intruder=%v", intruder), func(t *testing.T) {
			store := kvtest.NewStore()
			a := startNode(t, store, "node-a", quietConfig())
			run := stressRun{ID: "r", StartedAt: time.Now().Add(-time.Second), EndsAt: time.Now().Add(time.Minute)}
			m := cluster.NewMutex(a.api, "stress-test")
			m.Lock()
			defer m.Unlock()

			var writes atomic.Int32
			store.SetFault(func(c kvtest.Call) kvtest.Outcome {
				if c.Key != stressHoldKey || c.Op != kvtest.OpSet {
					return kvtest.Outcome{}
				}
				switch writes.Add(1) {
				case 1: // the holder's marker goes in
					return kvtest.Outcome{}
				case 2: // the clear fails while the store is away, and the marker lapses
					store.Advance((stressHoldMarkerTTL + 1) * time.Second)
					if intruder {
						if _, err := store.Instance().KVSetWithOptions(stressHoldKey, []byte(`{"holder":"intruder"}`), model.PluginKVSetOptions{ExpireInSeconds: stressHoldMarkerTTL}); err != nil {
							t.Error(err)
						}
					}
					return kvtest.Outcome{Err: kvtest.InjectedError("test")}
				}
				return kvtest.Outcome{}
			})
			overlap, _, err := a.app.stress.critical(run, "me", m)
			store.SetFault(nil)
			if err != nil || overlap != intruder {
				t.Fatalf("critical with a marker lapsed during a failing clear, intruder %v: overlap %v, err %v; want overlap %v", intruder, overlap, err, intruder)
			}
		})
	}
}
