package app

import "time"

import "github.com/clusterdemo/clusterdemo/server/cluster/kvtest"

import "testing"

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
