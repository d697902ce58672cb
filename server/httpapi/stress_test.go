package httpapi

import (
	"net/http"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Both nodes join a stress run started on one of them; the merged result
// counts acquisitions per node and sees no overlap.
func TestStressRunAcrossNodes(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	b := startNode(t, store, "node-b", quietConfig())

	var started stressJSON
	a.doJSON(t, "POST", "/api/v1/stress", `{"seconds": 2}`, http.StatusAccepted, &started)
	if !started.Running || started.Seconds != 2 || started.StartedBy != "node-a" {
		t.Fatalf("started %+v", started)
	}
	b.doJSON(t, "POST", "/api/v1/stress", `{"seconds": 2}`, http.StatusConflict, nil)

	var status statusJSON
	eventually(t, 15*time.Second, "both nodes report their part", func() bool {
		b.doJSON(t, "GET", "/api/v1/status", "", http.StatusOK, &status)
		return status.Stress != nil && !status.Stress.Running && len(status.Stress.Acquisitions) == 2
	})
	st := status.Stress
	if st.FinishedAt == nil || *st.FinishedAt != *st.EndsAt {
		t.Errorf("finished run: finished_at %v, ends_at %v", st.FinishedAt, st.EndsAt)
	}
	if st.ID != started.ID {
		t.Fatalf("result of run %s, want %s", st.ID, started.ID)
	}
	for node, n := range st.Acquisitions {
		if n < 1 {
			t.Errorf("node %s acquired %d times", node, n)
		}
	}
	if st.Overlaps != 0 || st.OverlapSeen {
		t.Errorf("overlaps %d seen %v: the lock let two holders in", st.Overlaps, st.OverlapSeen)
	}
	if st.HandoffP50MS == nil || st.HandoffP99MS == nil || *st.HandoffP50MS > *st.HandoffP99MS || *st.HandoffP50MS < 0 {
		t.Errorf("handoff p50 %v p99 %v", st.HandoffP50MS, st.HandoffP99MS)
	}
	// A new run may start once the last one ended.
	b.doJSON(t, "POST", "/api/v1/stress", `{"seconds": 1}`, http.StatusAccepted, nil)
}

// A running stress run shows its counts so far, not only at the end.
func TestStressRunShowsProgressWhileRunning(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	a.doJSON(t, "POST", "/api/v1/stress", `{"seconds": 30}`, http.StatusAccepted, nil)
	var status statusJSON
	eventually(t, 10*time.Second, "interim acquisitions while the run lasts", func() bool {
		a.doJSON(t, "GET", "/api/v1/status", "", http.StatusOK, &status)
		return status.Stress != nil && status.Stress.Running && status.Stress.Acquisitions["node-a"] > 0
	})
	if status.Stress.FinishedAt != nil {
		t.Errorf("running run has finished_at %v", *status.Stress.FinishedAt)
	}
}
