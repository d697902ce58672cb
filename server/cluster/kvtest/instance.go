package kvtest

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Instance is one plugin instance's view of the shared Store: it offers the
// KV subset of plugin.API (KVGet, KVSetWithOptions, KVDelete, KVList),
// LogError, and PublishPluginClusterEvent. Use a *Instance wherever a
// plugin.API subset is expected.
type Instance struct {
	store *Store
	// ID tells instances apart in faults, logs and statistics.
	ID string

	mu      sync.Mutex
	stats   Stats
	logs    []string
	hook    func(model.PluginClusterEvent)
	down    bool
	latency *time.Duration // overrides the store's latency when set
	clock   time.Duration  // this node's clock difference
}

// Instance adds a plugin instance (a node) to the store.
func (s *Store) Instance() *Instance {
	s.instMu.Lock()
	defer s.instMu.Unlock()
	s.nextID++
	in := &Instance{store: s, ID: fmt.Sprintf("node%d", s.nextID)}
	s.instances = append(s.instances, in)
	return in
}

// Stats returns this instance's counters.
func (in *Instance) Stats() Stats {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.stats
}

// SetDown makes every KV call of this instance fail (a node cut off from the
// database) and stops it receiving cluster events, until SetDown(false).
func (in *Instance) SetDown(down bool) {
	in.mu.Lock()
	in.down = down
	in.mu.Unlock()
}

// SetLatency overrides the store's latency for this instance's calls.
func (in *Instance) SetLatency(d time.Duration) {
	in.mu.Lock()
	in.latency = &d
	in.mu.Unlock()
}

// SetClockOffset makes this instance's node clock run d ahead (or behind,
// for a negative d) of the store's: expiry of the rows it writes, and
// whether the rows it reads or compares have expired, are judged by it, as
// Mattermost judges them by the clock of the node serving the call.
func (in *Instance) SetClockOffset(d time.Duration) {
	in.mu.Lock()
	in.clock = d
	in.mu.Unlock()
}

// call runs one KV operation with latency, fault injection and statistics;
// apply runs with the store lock held.
func (in *Instance) call(c Call, apply func() *model.AppError) *model.AppError {
	s := in.store
	s.mu.Lock()
	latency, fault, precise := s.latency, s.fault, s.precise
	s.mu.Unlock()
	in.mu.Lock()
	down, clock := in.down, in.clock
	if in.latency != nil {
		latency = *in.latency
	}
	in.mu.Unlock()

	c.Instance = in.ID
	var out Outcome
	if down {
		out.Err = model.NewAppError(string(c.Op), "kvtest.down", nil, "instance is down", 500)
	} else if fault != nil {
		out = fault(c)
	}

	// Half the round trip before the call takes effect, the rest after; the
	// end is an absolute deadline so timer overshoot is paid once, not twice.
	done := time.Now().Add(latency)
	wait(time.Now().Add(latency/2), precise)
	s.mu.Lock()
	var err *model.AppError
	if out.Err == nil || out.Applied {
		s.callOffset = clock
		err = apply()
		s.callOffset = 0
	}
	if out.Err != nil {
		err = out.Err
	}
	count(&s.stats, c.Op, err)
	s.mu.Unlock()
	in.mu.Lock()
	count(&in.stats, c.Op, err)
	in.mu.Unlock()
	wait(done.Add(out.Delay), precise)
	return err
}

// timerSlack is how early a precise wait stops sleeping and starts yielding.
const timerSlack = 1200 * time.Microsecond

// wait returns at (or, without precise, some timer overshoot after) until.
func wait(until time.Time, precise bool) {
	if !precise {
		if d := time.Until(until); d > 0 {
			time.Sleep(d)
		}
		return
	}
	if d := time.Until(until) - timerSlack; d > 0 {
		time.Sleep(d)
	}
	for time.Now().Before(until) {
		runtime.Gosched()
	}
}

func count(st *Stats, op Op, err *model.AppError) {
	switch op {
	case OpGet:
		st.Gets++
	case OpSet:
		st.Sets++
	case OpDelete:
		st.Deletes++
	case OpList:
		st.Lists++
	}
	if err != nil {
		st.Errors++
	}
}

// KVGet is plugin.API.KVGet: (nil, nil) when the key is absent or expired.
func (in *Instance) KVGet(key string) ([]byte, *model.AppError) {
	var out []byte
	err := in.call(Call{Op: OpGet, Key: key}, func() *model.AppError {
		out = in.store.getLocked(key)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// KVSetWithOptions is plugin.API.KVSetWithOptions.
func (in *Instance) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	var ok bool
	err := in.call(Call{Op: OpSet, Key: key, Value: value, Options: options}, func() *model.AppError {
		var appErr *model.AppError
		ok, appErr = in.store.setLocked(key, value, options)
		return appErr
	})
	if err != nil {
		return false, err
	}
	return ok, nil
}

// KVDelete is plugin.API.KVDelete.
func (in *Instance) KVDelete(key string) *model.AppError {
	return in.call(Call{Op: OpDelete, Key: key}, func() *model.AppError {
		in.store.deleteLocked(key)
		return nil
	})
}

// KVList is plugin.API.KVList.
func (in *Instance) KVList(page, perPage int) ([]string, *model.AppError) {
	var out []string
	err := in.call(Call{Op: OpList}, func() *model.AppError {
		out = in.store.listLocked(page, perPage)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// LogError records the message; read it back with Logs.
func (in *Instance) LogError(msg string, keyValuePairs ...interface{}) {
	line := msg
	for i := 0; i+1 < len(keyValuePairs); i += 2 {
		line += fmt.Sprintf(" %v=%v", keyValuePairs[i], keyValuePairs[i+1])
	}
	in.mu.Lock()
	in.logs = append(in.logs, line)
	in.mu.Unlock()
}

// Logs returns every LogError line so far.
func (in *Instance) Logs() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.logs...)
}
