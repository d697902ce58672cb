package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
	mmplugin "github.com/mattermost/mattermost-server/v5/plugin"
)

// The faults read the cluster package's and the application's KV keys by
// their prefixes (mutex_, cron_, crnow_, cd_runs_): the place where a wrong
// implementation's behaviour shows from outside.

// slowWaiter: a waiter that looks at a held lock once a second (the rate of
// mattermost-plugin-api v0.0.19) instead of at its poll period, so a
// release reaches a waiting node up to a second late. Every read of a lock
// key made less than a second after the previous read of that key on this
// node waits out the second.
type slowWaiter struct {
	mmplugin.API
	mu   sync.Mutex
	last map[string]time.Time
}

func newSlowWaiter(api mmplugin.API) mmplugin.API {
	return &slowWaiter{API: api, last: map[string]time.Time{}}
}

const slowPoll = time.Second

func (w *slowWaiter) KVGet(key string) ([]byte, *model.AppError) {
	if strings.HasPrefix(key, "mutex_") {
		w.mu.Lock()
		next := w.last[key].Add(slowPoll)
		now := time.Now()
		if next.Before(now) {
			next = now
		}
		w.last[key] = next
		w.mu.Unlock()
		time.Sleep(time.Until(next))
	}
	return w.API.KVGet(key)
}

// everyOtherInterval: a scheduler that counts the interval twice, so a job
// runs every other interval. Every job record it writes says the run
// started an interval later than it did. (It rewrites what is written, not
// what is read: the start is a compare-and-set against the bytes read, so a
// record changed on the way out of the store would never match.)
type everyOtherInterval struct{ mmplugin.API }

func newEveryOtherInterval(api mmplugin.API) mmplugin.API { return everyOtherInterval{api} }

func (e everyOtherInterval) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	if value == nil || !strings.HasPrefix(key, "cron_") {
		return e.API.KVSetWithOptions(key, value, options)
	}
	var rec map[string]any
	if json.Unmarshal(value, &rec) != nil {
		return e.API.KVSetWithOptions(key, value, options)
	}
	interval, _ := rec["interval_ns"].(float64)
	for _, field := range []string{"last_started", "callback_started"} {
		text, _ := rec[field].(string)
		if at, err := time.Parse(time.RFC3339Nano, text); err == nil && !at.IsZero() {
			rec[field] = at.Add(time.Duration(interval)).Format(time.RFC3339Nano)
		}
	}
	if shifted, err := json.Marshal(rec); err == nil {
		value = shifted
	}
	return e.API.KVSetWithOptions(key, value, options)
}

// runNowDropped: "run now" answers that the run was asked for, but the
// request never reaches the store, so only the schedule runs the job.
type runNowDropped struct{ mmplugin.API }

func newRunNowDropped(api mmplugin.API) mmplugin.API { return runNowDropped{api} }

func (r runNowDropped) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	if strings.HasPrefix(key, "crnow_") && value != nil {
		return true, nil
	}
	return r.API.KVSetWithOptions(key, value, options)
}

// lostAsFailed: a run history that records a run lost with its node as an
// ordinary failure, so nobody can tell a lost run from a failed one.
type lostAsFailed struct{ mmplugin.API }

func newLostAsFailed(api mmplugin.API) mmplugin.API { return lostAsFailed{api} }

// lostRunPrefix starts the application's lost-run error.
const lostRunPrefix = `"lost: `

func (l lostAsFailed) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	if strings.HasPrefix(key, "cd_runs_") && bytes.Contains(value, []byte(lostRunPrefix)) {
		value = bytes.ReplaceAll(value, []byte(lostRunPrefix), []byte(`"failed: `))
	}
	return l.API.KVSetWithOptions(key, value, options)
}

// lockReadError: reading a demo lock the tests name fails in the store, so
// the lock routes answer 500 where they should answer 404 or 200.
type lockReadError struct{ mmplugin.API }

func newLockReadError(api mmplugin.API) mmplugin.API { return lockReadError{api} }

func (l lockReadError) KVGet(key string) ([]byte, *model.AppError) {
	if strings.HasPrefix(key, "mutex_e2e-") {
		return nil, model.NewAppError("KVGet", "brokenplugin.lock_read", nil, "deliberate fault", http.StatusInternalServerError)
	}
	return l.API.KVGet(key)
}
