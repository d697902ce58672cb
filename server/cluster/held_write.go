package cluster

import (
	"bytes"
	"context"
	"time"
)

// Records that decide whether a job runs (a scheduled job's record, a
// one-shot job's record) are written under the job's lock, by these two
// free functions, so every writer has the same answer to a failed call.

// pauseHeld waits d while m's lease lasts. It reports false, and the caller
// stops, when ctx ends or the lease is lost meanwhile.
func pauseHeld(ctx context.Context, m *Mutex, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return !m.lostNow()
	case <-ctx.Done():
		return false
	case <-m.Lost():
		return false
	}
}

// casHeld replaces key's value old (the exact bytes read; nil: no row) by
// value (nil: delete) while m is held. A call whose reply was an error may
// have taken effect, so it reads the key back and retries while the lease
// lasts: ok reports that the key now holds value, !ok with no error that
// it holds something else (someone else wrote: look again).
func casHeld(ctx context.Context, m *Mutex, s kv, key string, old, value []byte, expireSeconds int64) (bool, error) {
	for failures := 0; ; failures++ {
		var ok bool
		var err error
		if value == nil {
			ok, err = s.cad(key, old)
		} else {
			ok, err = s.cas(key, old, value, expireSeconds)
		}
		if err == nil {
			return ok, nil
		}
		if failures >= maxRecordTries || !pauseHeld(ctx, m, backoff(failures+1)) {
			return false, err
		}
		cur, rerr := s.read(key)
		switch {
		case rerr != nil:
			// Try the write again; its compare decides.
		case bytes.Equal(cur, value):
			return true, nil
		case !bytes.Equal(cur, old):
			return false, nil
		}
	}
}
