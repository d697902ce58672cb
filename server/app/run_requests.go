package app

import (
	"time"
)

// Who asked for a job's last run on demand: one small record per job,
// written by the node that took the request (the run itself may happen on
// another node), so every node's status can say who asked.
const (
	runRequestKeyPrefix = keyPrefix + "runreq_"
	// runRequestTTL forgets a request after a day.
	runRequestTTL = 24 * 60 * 60
)

func runRequestKey(job string) string { return runRequestKeyPrefix + job }

// RunRequest is the last on-demand run of a job someone asked for.
type RunRequest struct {
	By Actor
	At time.Time
	// Node is the node that took the request.
	Node string
}

type runRequestRecord struct {
	UserID   string    `json:"user_id"`
	Username string    `json:"username"`
	At       time.Time `json:"at"`
	Node     string    `json:"node"`
}

func writeRunRequest(kv kvStore, job string, r RunRequest) error {
	return kvSetJSON(kv, runRequestKey(job), runRequestRecord{UserID: r.By.UserID, Username: r.By.Username, At: r.At, Node: r.Node}, runRequestTTL)
}

// readRunRequest is nil when nobody asked within the TTL.
func readRunRequest(kv kvGetter, job string) (*RunRequest, error) {
	var rec runRequestRecord
	found, err := kvGetJSON(kv, runRequestKey(job), &rec)
	if err != nil || !found {
		return nil, err
	}
	return &RunRequest{By: Actor{UserID: rec.UserID, Username: rec.Username}, At: rec.At, Node: rec.Node}, nil
}
