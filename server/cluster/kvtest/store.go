// Package kvtest is an in-memory fake of the Mattermost plugin key-value
// store that follows the SQL plugin store of Mattermost server v5.39.3
// (store/sqlstore/plugin_store.go and app/plugin_key_value_store.go) rule for
// rule, so that code tested against it behaves the same against a real server:
//
//   - keys are 1..50 runes (model.PluginKeyValue.IsValid); a longer key is a
//     400 AppError on writes and simply not found on reads;
//   - a non-atomic set is an upsert; a nil value deletes;
//   - an atomic set with a nil OldValue first deletes an expired row, then
//     INSERTs: a live row makes it fail with (false, nil) — in PostgreSQL
//     that is a primary-key violation, logged by the database as an ERROR,
//     which the fake counts (Stats.FailedInserts);
//   - an atomic set with an OldValue UPDATEs only an unexpired row holding
//     exactly OldValue;
//   - an atomic set with a nil value is compare-and-delete: it deletes only an
//     unexpired row holding exactly OldValue, and does nothing for a nil
//     OldValue;
//   - reads and lists never see expired rows; KVList orders by key and pages
//     with page*perPage, perPage<=0 meaning 10;
//   - every successful set also deletes the legacy row stored under the
//     SHA-256 of the key, and KVGet falls back to that legacy row;
//   - expiry is judged by the clock of the node serving the call (see
//     Instance.SetClockOffset);
//   - with read replicas (a licensed High Availability cluster, see
//     SetReplicaLag), KVGet and KVList read a replica that lags the master,
//     while every write, atomic insert and compare-and-set goes to the
//     master.
//
// Where PostgreSQL and MySQL differ (MySQL reports a compare-and-set whose
// new value equals the old one as matching only after an extra SELECT), the
// fake gives the answer both drivers end up with.
//
// Several Instances share one Store, as plugin instances on several nodes
// share one database. The Store can inject errors (before or after the write
// takes effect), stalls and latency, lapses (a store clock that can be moved
// forward, or an explicit Expire of one key), replica lag, and cluster events
// that are late or lost; each Instance can have its own clock offset and
// latency, or be cut off. Node clock offsets act on the store's judgements
// only: code under test still reads the process clock.
package kvtest

import (
	"crypto/sha256"
	"encoding/base64"
	"sort"
	"sync"
	"time"
	"unicode/utf8"
)

// maxKeyRunes is model.KEY_VALUE_KEY_MAX_RUNES of Mattermost 5.39.
const maxKeyRunes = 50

// defaultListLimit is defaultPluginKeyFetchLimit of the SQL store.
const defaultListLimit = 10

type row struct {
	value    []byte
	expireAt int64 // unix milliseconds of the store clock, 0 = never
	// version tells writes apart, so a lapse (Expire) reaches the replicas
	// that show the same write.
	version uint64
}

// Store is the shared table all Instances read and write.
type Store struct {
	mu     sync.Mutex
	rows   map[string]row
	offset time.Duration // added to the wall clock; moves only forward
	// callOffset is the clock difference of the instance whose call is
	// being applied: Mattermost computes and compares ExpireAt with the
	// clock of the node serving the call.
	callOffset time.Duration
	latency    time.Duration
	precise    bool // spin out the last stretch of each call's latency
	fault      Fault
	eventLag   time.Duration
	eventLoss  float64
	stats      Stats
	nextID     int
	version    uint64

	// Read replicas (see replica.go).
	replicaLags []time.Duration
	maxLag      time.Duration
	changes     map[string][]change
	changeOrder []keyAt

	instMu    sync.Mutex
	instances []*Instance
}

// NewStore returns an empty store with no latency and no faults.
func NewStore() *Store {
	return &Store{rows: make(map[string]row)}
}

// Now is the store's clock: the wall clock plus everything Advance added.
// Expiry is judged by this clock only.
func (s *Store) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Store) nowLocked() time.Time { return time.Now().Add(s.offset + s.callOffset) }

func (s *Store) millisLocked() int64 { return s.nowLocked().UnixNano() / int64(time.Millisecond) }

// Advance moves the store clock forward by d, so that every row whose expiry
// falls within d lapses at once — a pause of the whole cluster as seen by the
// database.
func (s *Store) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	s.offset += d
	s.mu.Unlock()
}

// Expire makes the row under key expire now (if it exists and has an
// expiry, or always if force is true). It reports whether a row was changed.
func (s *Store) Expire(key string, force bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rows[key]
	if !ok || (r.expireAt == 0 && !force) {
		return false
	}
	s.expireRowLocked(key, s.millisLocked()-1)
	return true
}

// ExpireNow makes the live row under key expire now and returns the value it
// held, in one step, so a test knows exactly which lease it made lapse.
func (s *Store) ExpireNow(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.liveLocked(key)
	if !ok {
		return nil, false
	}
	s.expireRowLocked(key, s.millisLocked()-1)
	return append([]byte(nil), r.value...), true
}

// SetLatency makes every KV call take d (half before the call takes effect,
// half after, as a network round trip would).
func (s *Store) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// SetPreciseLatency makes each call take its latency to within a few
// microseconds, by yielding in a loop for the last stretch instead of
// sleeping: timers on a busy machine can overshoot by a millisecond, which
// would swamp a 1.4 ms latency. It costs CPU while calls are in flight; for
// benchmarks, not tests.
func (s *Store) SetPreciseLatency(precise bool) {
	s.mu.Lock()
	s.precise = precise
	s.mu.Unlock()
}

// SetEventLatency delays every cluster event delivery by d.
func (s *Store) SetEventLatency(d time.Duration) {
	s.mu.Lock()
	s.eventLag = d
	s.mu.Unlock()
}

// Value returns the live value stored under key on the master, bypassing
// replicas, latency, faults and statistics. It is for assertions in tests.
func (s *Store) Value(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.liveLocked(key)
	if !ok {
		return nil, false
	}
	return append([]byte(nil), r.value...), true
}

// Keys returns every live key on the master, sorted, bypassing replicas,
// latency, faults and statistics.
func (s *Store) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.millisLocked()
	keys := make([]string, 0, len(s.rows))
	for k, r := range s.rows {
		if live(r, now) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func live(r row, nowMillis int64) bool { return r.expireAt == 0 || r.expireAt > nowMillis }

func (s *Store) liveLocked(key string) (row, bool) {
	r, ok := s.rows[key]
	if !ok || !live(r, s.millisLocked()) {
		return row{}, false
	}
	return r, true
}

func validKey(key string) bool {
	return key != "" && utf8.RuneCountInString(key) <= maxKeyRunes
}

// legacyKey is app.getKeyHash: keys written before Mattermost 5.6 were stored
// under the base64 SHA-256 of the key.
func legacyKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func (s *Store) expireAtLocked(expireInSeconds int64) int64 {
	if expireInSeconds == 0 {
		return 0
	}
	return s.millisLocked() + expireInSeconds*1000
}

// DeleteAllExpired is the server's "plugins" job (plugin/scheduler, every
// 24 h in 5.39): SqlPluginStore.DeleteAllExpired removes every row whose
// expiry has passed by the store clock. Until it runs, expired rows are
// invisible but still take space, as in the database. The fake also gives
// the space back (a Go map never shrinks), so that tests measuring the
// heap of the code under test do not count the fake's table.
func (s *Store) DeleteAllExpired() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.millisLocked()
	for k, r := range s.rows {
		if !live(r, now) {
			s.dropLocked(k)
		}
	}
	rows := make(map[string]row, len(s.rows))
	for k, r := range s.rows {
		rows[k] = r
	}
	s.rows = rows
}

// Rows counts the rows held, expired or not: the table's size.
func (s *Store) Rows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rows)
}
