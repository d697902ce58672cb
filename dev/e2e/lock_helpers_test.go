//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// Demo-lock helpers shared by the checks.

// uniqueLockName returns a fresh valid lock name, so checks never see each
// other's locks.
func uniqueLockName(prefix string) string {
	return prefix + "-" + model.NewId()[:8]
}

type acquireBody struct {
	HoldSeconds int `json:"hold_seconds"`
	WaitSeconds int `json:"wait_seconds"`
}

// acquire asks n to take lock name and returns the raw answer.
func acquire(t *testing.T, n *localcluster.Node, name string, hold, wait int) reply {
	t.Helper()
	return call(t, n, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: hold, WaitSeconds: wait})
}

// mustAcquire takes lock name through n, which must answer 200 with the
// lock held by itself.
func mustAcquire(t *testing.T, n *localcluster.Node, self apiNode, name string, hold int) apiLock {
	t.Helper()
	var lock apiLock
	expect(t, fmt.Sprintf("acquire %s through node %d", name, n.Index), acquire(t, n, name, hold, 0), http.StatusOK, &lock)
	if !lock.Held || lock.HolderID == nil || *lock.HolderID != self.ID || lock.HolderName == nil || *lock.HolderName != self.Name {
		t.Fatalf("acquire %s through node %d (%s, %s): the answer does not show it held by that node: %v", name, n.Index, self.Name, self.ID, lock)
	}
	return lock
}

// release asks n to release lock name.
func release(t *testing.T, n *localcluster.Node, name string) reply {
	t.Helper()
	return call(t, n, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/release", nil)
}

// lockSeenBy is GET /locks/{name} on n.
func lockSeenBy(n *localcluster.Node, name string) (apiLock, error) {
	r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/locks/"+name, nil)
	if err != nil {
		return apiLock{}, err
	}
	if r.status != http.StatusOK {
		return apiLock{}, fmt.Errorf("GET /api/v1/locks/%s on node %d: %s", name, n.Index, r)
	}
	var lock apiLock
	if err := jsonDecode(r, &lock); err != nil {
		return apiLock{}, err
	}
	return lock, nil
}

// locksHeldBy lists the locks n shows held by the node with id holder.
func locksHeldBy(n *localcluster.Node, holder string) ([]apiLock, error) {
	r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/locks", nil)
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/locks on node %d: %s", n.Index, r)
	}
	var locks []apiLock
	if err := jsonDecode(r, &locks); err != nil {
		return nil, err
	}
	var held []apiLock
	for _, l := range locks {
		if l.Held && l.HolderID != nil && *l.HolderID == holder {
			held = append(held, l)
		}
	}
	return held, nil
}

func describeLocks(locks []apiLock) string {
	parts := make([]string, 0, len(locks))
	for _, l := range locks {
		parts = append(parts, l.String())
	}
	return "[" + strings.Join(parts, "; ") + "]"
}
