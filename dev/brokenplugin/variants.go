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

	"github.com/clusterdemo/clusterdemo/server/app"
)

// The faults read the cluster package's and the application's KV keys by
// their prefixes (mutex_, cron_, crnow_, cd_runs_, cd_demolock_): the place where a wrong
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

// everyOtherInterval: a scheduler that counts the interval twice once a
// job runs on it, so the job runs every other interval. (A changed
// interval's first run is on time, as in the product: only then does the
// record carry the interval the job is configured with.) Every read of a
// job record that carries the job's configured interval says the last run
// started an interval later than it did, so the job finds itself due two
// intervals after each start. The job's next write compares against the
// bytes it read; the fault swaps them back for the stored ones, so the
// writes themselves, and the run history, are the product's.
type everyOtherInterval struct {
	mmplugin.API
	configured func(job string) time.Duration // 0: unknown, no fault
	mu         sync.Mutex
	stored     map[string][]byte // key and shifted record as read -> the bytes stored
}

func newEveryOtherInterval(api mmplugin.API) mmplugin.API {
	return &everyOtherInterval{
		API:        api,
		configured: func(job string) time.Duration { return configuredInterval(api, job) },
		stored:     map[string][]byte{},
	}
}

// maxShiftedReads bounds the remembered reads; a read older than the last
// few is never the one a write compares against.
const maxShiftedReads = 64

func (e *everyOtherInterval) KVGet(key string) ([]byte, *model.AppError) {
	value, appErr := e.API.KVGet(key)
	if appErr != nil || value == nil || !strings.HasPrefix(key, "cron_") {
		return value, appErr
	}
	shifted, ok := e.shift(strings.TrimPrefix(key, "cron_"), value)
	if !ok {
		return value, nil
	}
	e.mu.Lock()
	if len(e.stored) >= maxShiftedReads {
		e.stored = map[string][]byte{}
	}
	e.stored[key+"\x00"+string(shifted)] = value
	e.mu.Unlock()
	return shifted, nil
}

func (e *everyOtherInterval) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	if options.Atomic && options.OldValue != nil && strings.HasPrefix(key, "cron_") {
		e.mu.Lock()
		if stored, ok := e.stored[key+"\x00"+string(options.OldValue)]; ok {
			options.OldValue = stored
		}
		e.mu.Unlock()
	}
	return e.API.KVSetWithOptions(key, value, options)
}

// shift returns the record with its starts an interval later, when the
// record's interval is the one job is configured with now.
func (e *everyOtherInterval) shift(job string, value []byte) ([]byte, bool) {
	configured := e.configured(job)
	var rec map[string]json.RawMessage
	if configured <= 0 || json.Unmarshal(value, &rec) != nil {
		return nil, false
	}
	var interval int64
	if json.Unmarshal(rec["interval_ns"], &interval) != nil || time.Duration(interval) != configured {
		return nil, false
	}
	for _, field := range []string{"last_started", "callback_started"} {
		var at time.Time
		if raw, ok := rec[field]; !ok || json.Unmarshal(raw, &at) != nil || at.IsZero() {
			continue
		}
		later, err := json.Marshal(at.Add(configured))
		if err != nil {
			return nil, false
		}
		rec[field] = later
	}
	shifted, err := json.Marshal(rec)
	return shifted, err == nil
}

// configuredInterval is job's interval in the plugin's current settings,
// read as the application reads them; 0 when unknown.
func configuredInterval(api mmplugin.API, job string) time.Duration {
	cfg, err := app.ParseConfiguration(api.GetPluginConfig())
	if err != nil {
		return 0
	}
	switch job {
	case app.JobQuick:
		return cfg.QuickInterval
	case app.JobSlow:
		return cfg.SlowInterval
	case app.JobDigest:
		return cfg.DigestInterval
	}
	return 0
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

// unknownLockError: a store layer that reports a key with no value as an
// error, so looking up a lock nobody took answers 500 where it should
// answer 404. Only the reads of the application's demo lock records (the
// record of which names are demo locks) fail so; taking a lock writes its
// record without reading it, so taking, holding and releasing still work.
type unknownLockError struct{ mmplugin.API }

func newUnknownLockError(api mmplugin.API) mmplugin.API { return unknownLockError{api} }

// demoLockRecordPrefix starts the application's demo lock records.
const demoLockRecordPrefix = "cd_demolock_"

func (u unknownLockError) KVGet(key string) ([]byte, *model.AppError) {
	value, appErr := u.API.KVGet(key)
	if appErr == nil && value == nil && strings.HasPrefix(key, demoLockRecordPrefix) {
		return nil, model.NewAppError("KVGet", "brokenplugin.not_found", nil, "no value for key "+key, http.StatusInternalServerError)
	}
	return value, appErr
}
