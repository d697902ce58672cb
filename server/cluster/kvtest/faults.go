package kvtest

import (
	"net/http"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Op names a KV operation for fault injection and statistics.
type Op string

// The operations an Instance offers.
const (
	OpGet    Op = "KVGet"
	OpSet    Op = "KVSetWithOptions"
	OpDelete Op = "KVDelete"
	OpList   Op = "KVList"
)

// Call describes one KV call, given to a Fault before it takes effect.
type Call struct {
	Instance string // Instance.ID
	Op       Op
	Key      string
	Value    []byte
	Options  model.PluginKVSetOptions
}

// Outcome is a Fault's verdict on one call.
type Outcome struct {
	// Err, when non-nil, is returned to the caller.
	Err *model.AppError
	// Applied makes the call take effect before Err is returned, like a
	// database write whose reply was lost: the caller sees an error but the
	// store changed.
	Applied bool
	// Delay is paid after the call took effect (or failed) and before it
	// returns, on top of the latency: a reply stuck behind a full
	// connection pool. To stall a call before it takes effect, sleep in the
	// Fault itself.
	Delay time.Duration
}

// Fault decides, per call, whether it fails. It is called with no lock held,
// before the call takes effect, and may be called from many goroutines at
// once.
type Fault func(Call) Outcome

// SetFault installs f (nil removes it).
func (s *Store) SetFault(f Fault) {
	s.mu.Lock()
	s.fault = f
	s.mu.Unlock()
}

// InjectedError is the AppError a Fault returns by convention; tests can
// recognise it by its Id.
func InjectedError(where string) *model.AppError {
	return model.NewAppError(where, "kvtest.injected", nil, "injected failure", http.StatusInternalServerError)
}

// Stats counts KV calls since the store was made or ResetStats was called.
type Stats struct {
	Gets, Sets, Deletes, Lists int64
	// AtomicInserts counts atomic sets with a nil OldValue and a value.
	AtomicInserts int64
	// FailedInserts counts atomic inserts that met a live row: in PostgreSQL
	// each one is a duplicate-key ERROR line in the database log.
	FailedInserts int64
	// FailedCAS counts atomic updates and compare-and-deletes that matched no row.
	FailedCAS int64
	// Errors counts calls that returned an error (injected or validation).
	Errors int64
}

// Calls is the total number of KV calls.
func (st Stats) Calls() int64 { return st.Gets + st.Sets + st.Deletes + st.Lists }

// Stats returns the store-wide counters.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// ResetStats zeroes the store-wide and every instance's counters.
func (s *Store) ResetStats() {
	s.mu.Lock()
	s.stats = Stats{}
	s.mu.Unlock()
	s.instMu.Lock()
	defer s.instMu.Unlock()
	for _, in := range s.instances {
		in.mu.Lock()
		in.stats = Stats{}
		in.mu.Unlock()
	}
}
