package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Who holds the lock, across two nodes sharing one store.
func TestDemoLockAcrossNodes(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	b := startNode(t, store, "node-b", quietConfig())

	var lock map[string]interface{}
	a.doJSON(t, "POST", "/api/v1/locks/shared/acquire", `{"hold_seconds": 60}`, http.StatusOK, &lock)
	if lock["holder_name"] != "node-a" || lock["held"] != true || lock["kind"] != "demo" {
		t.Fatalf("acquire answered %v", lock)
	}
	aID := a.app.Self().ID
	if lock["holder_id"] != aID {
		t.Errorf("holder_id %v, want %s", lock["holder_id"], aID)
	}

	// Node b sees node a as the holder, and lists it as a demo lock.
	b.doJSON(t, "GET", "/api/v1/locks/shared", "", http.StatusOK, &lock)
	if lock["holder_name"] != "node-a" || lock["kind"] != "demo" {
		t.Fatalf("node b sees %v", lock)
	}

	// Node b cannot take it: 409 naming node a.
	var refusal map[string]interface{}
	b.doJSON(t, "POST", "/api/v1/locks/shared/acquire", `{"hold_seconds": 5, "wait_seconds": 0}`, http.StatusConflict, &refusal)
	held, _ := refusal["lock"].(map[string]interface{})
	if held["holder_name"] != "node-a" {
		t.Fatalf("409 does not name node a: %v", refusal)
	}
	// Nor release it.
	b.doJSON(t, "POST", "/api/v1/locks/shared/release", "", http.StatusConflict, &refusal)

	// Node a again: already held here.
	a.doJSON(t, "POST", "/api/v1/locks/shared/acquire", `{"hold_seconds": 5}`, http.StatusConflict, nil)

	// Node b waits while node a releases: it gets the lock.
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		done <- b.do(t, adminUser, "POST", "/api/v1/locks/shared/acquire", `{"hold_seconds": 60, "wait_seconds": 10}`)
	}()
	time.Sleep(100 * time.Millisecond) // let b start waiting; the test holds either way
	a.doJSON(t, "POST", "/api/v1/locks/shared/release", "", http.StatusOK, &lock)
	select {
	case rec := <-done:
		var got map[string]interface{}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &got) != nil {
			t.Fatalf("node b's waiting acquire: %d %s", rec.Code, rec.Body.String())
		}
		if got["holder_name"] != "node-b" {
			t.Fatalf("after release node b got %v", got)
		}
		if got["fencing_token"].(float64) <= 0 {
			t.Errorf("fencing token %v", got["fencing_token"])
		}
	case <-time.After(15 * time.Second):
		t.Fatal("node b did not get the lock after node a released it")
	}
}

func TestDemoLockIsReleasedAfterHoldSeconds(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	var lock map[string]interface{}
	a.doJSON(t, "POST", "/api/v1/locks/brief/acquire", `{"hold_seconds": 1}`, http.StatusOK, &lock)
	eventually(t, 5*time.Second, "lock released after its hold time", func() bool {
		a.doJSON(t, "GET", "/api/v1/locks/brief", "", http.StatusOK, &lock)
		return lock["held"] == false
	})
	// Nor does the node: it takes the lock again at once.
	a.doJSON(t, "POST", "/api/v1/locks/brief/acquire", `{"hold_seconds": 1}`, http.StatusOK, nil)
}

func TestJobAndStressLocksCannotBeTakenAsDemoLocks(t *testing.T) {
	a := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	for _, name := range []string{cluster.JobLockName(app.JobSlow), app.StressLockName} {
		rec := a.do(t, adminUser, "POST", "/api/v1/locks/"+name+"/acquire", `{"hold_seconds": 5}`)
		if rec.Code != http.StatusConflict {
			t.Errorf("acquire %s: status %d, want 409", name, rec.Code)
		}
	}
}

// Deactivation releases every demo lock this node holds before returning.
func TestStopReleasesHeldLocks(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	b := startNode(t, store, "node-b", quietConfig())
	a.doJSON(t, "POST", "/api/v1/locks/one/acquire", `{"hold_seconds": 600}`, http.StatusOK, nil)
	a.doJSON(t, "POST", "/api/v1/locks/two/acquire", `{"hold_seconds": 600}`, http.StatusOK, nil)
	a.app.Stop()
	for _, name := range []string{"one", "two"} {
		var lock map[string]interface{}
		b.doJSON(t, "GET", "/api/v1/locks/"+name, "", http.StatusOK, &lock)
		if lock["held"] != false {
			t.Errorf("lock %s still held after node a stopped: %v", name, lock)
		}
		b.doJSON(t, "POST", "/api/v1/locks/"+name+"/acquire", `{"hold_seconds": 1}`, http.StatusOK, nil)
	}
	// A stopped node refuses new locks rather than taking one it would leak.
	if _, err := a.app.AcquireLock("three", time.Second, 0); !errors.Is(err, app.ErrStopping) {
		t.Errorf("acquire after stop: %v, want ErrStopping", err)
	}
}

// A failed store write leaves nothing held.
func TestAcquireFailureLeavesNothingHeld(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	a.api.SetDown(true)
	rec := a.do(t, adminUser, "POST", "/api/v1/locks/down/acquire", `{"hold_seconds": 5}`)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d with the store down, want 500: %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec.Body.Bytes())
	a.api.SetDown(false)
	// Nothing is held here: the node takes the lock at once.
	a.doJSON(t, "POST", "/api/v1/locks/down/acquire", `{"hold_seconds": 1}`, http.StatusOK, nil)
}
