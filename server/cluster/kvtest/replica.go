package kvtest

import (
	"math/rand"
	"sort"
	"time"
)

// Read replicas, as a licensed High Availability cluster of Mattermost
// 5.39.3 has them. SqlPluginStore.Get (behind KVGet, and its fallback to the
// hashed legacy key) and SqlPluginStore.List (behind KVList) read through
// SqlStore.GetReplica(), which picks the next replica round-robin, or the
// master when no replica is configured or the server has no licence. The
// turns are taken over every query of the server, not only the plugin's, so
// which replica serves a given plugin read is arbitrary: the fake picks one
// at random. Every
// write — upsert, delete, the atomic insert and the compare-and-set or
// compare-and-delete — goes to the master. A replica shows the table as it
// was some time ago; which rows it shows as expired is still judged by the
// clock of the node serving the call, as the WHERE clause is built there.
//
// The one replica read the fake leaves out is MySQL's extra SELECT after a
// compare-and-set whose new value equals the old one: the fake gives
// PostgreSQL's answer from the master.

// change is one write to a key, kept while some replica may not have
// applied it yet: before is what the key held until then.
type change struct {
	at     time.Time // when the master applied it (monotonic wall clock)
	before row
	had    bool
}

// SetReplicaLag gives the store one read replica per lag: from then on each
// KVGet or KVList lookup is served by one replica picked at random, showing
// every write the master applied at least lag ago and none newer. With
// several lags, consecutive reads may go back in time, as with several
// real replicas. With no argument, reads go to the master again (the
// default: no replicas, or no licence).
//
// Replication lag is real time: Advance and clock offsets do not move it.
// A replica added now starts caught up with the master.
func (s *Store) SetReplicaLag(lags ...time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replicaLags = append([]time.Duration(nil), lags...)
	s.maxLag = 0
	for _, l := range lags {
		if l > s.maxLag {
			s.maxLag = l
		}
	}
	if len(lags) == 0 {
		s.changes, s.changeOrder = nil, nil
	}
}

// recordLocked notes that key is about to change, for the replicas.
func (s *Store) recordLocked(key string) {
	if len(s.replicaLags) == 0 {
		return
	}
	s.pruneLocked()
	if s.changes == nil {
		s.changes = make(map[string][]change)
	}
	before, had := s.rows[key]
	now := time.Now()
	s.changes[key] = append(s.changes[key], change{at: now, before: before, had: had})
	s.changeOrder = append(s.changeOrder, keyAt{key: key, at: now})
}

type keyAt struct {
	key string
	at  time.Time
}

// pruneLocked forgets changes every replica has applied.
func (s *Store) pruneLocked() {
	horizon := time.Now().Add(-s.maxLag)
	n := 0
	for n < len(s.changeOrder) && s.changeOrder[n].at.Before(horizon) {
		k := s.changeOrder[n].key
		if cs := s.changes[k]; len(cs) <= 1 {
			delete(s.changes, k)
		} else {
			s.changes[k] = cs[1:]
		}
		n++
	}
	s.changeOrder = s.changeOrder[n:]
}

// putLocked and dropLocked are the only ways rows change on the master.
func (s *Store) putLocked(key string, r row) {
	s.recordLocked(key)
	s.version++
	r.version = s.version
	s.rows[key] = r
}

func (s *Store) dropLocked(key string) {
	if _, ok := s.rows[key]; !ok {
		return
	}
	s.recordLocked(key)
	delete(s.rows, key)
}

// readerLocked returns how far behind the master the next read is served:
// the lag of a replica picked at random, or zero without replicas.
func (s *Store) readerLocked() time.Duration {
	if len(s.replicaLags) == 0 {
		return 0
	}
	return s.replicaLags[rand.Intn(len(s.replicaLags))]
}

// rowAtLocked is what a reader lag behind the master sees under key,
// expired or not.
func (s *Store) rowAtLocked(key string, lag time.Duration) (row, bool) {
	if lag > 0 {
		s.pruneLocked()
		seen := time.Now().Add(-lag)
		for _, c := range s.changes[key] {
			if c.at.After(seen) {
				return c.before, c.had
			}
		}
	}
	r, ok := s.rows[key]
	return r, ok
}

// readLocked is one SELECT of a live row through GetReplica.
func (s *Store) readLocked(key string) (row, bool) {
	r, ok := s.rowAtLocked(key, s.readerLocked())
	if !ok || !live(r, s.millisLocked()) {
		return row{}, false
	}
	return r, true
}

// liveKeysLocked is the sorted live keys as one reader lag behind sees them.
func (s *Store) liveKeysLocked(lag time.Duration) []string {
	now := s.millisLocked()
	keys := make([]string, 0, len(s.rows))
	for k := range s.rows {
		if r, ok := s.rowAtLocked(k, lag); ok && live(r, now) {
			keys = append(keys, k)
		}
	}
	for k := range s.changes {
		if _, onMaster := s.rows[k]; onMaster {
			continue
		}
		if r, ok := s.rowAtLocked(k, lag); ok && live(r, now) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// expireRowLocked makes the row under key lapse at expireAt, on the master
// and on every replica that shows this same write: a lapse is time passing,
// not a write to replicate.
func (s *Store) expireRowLocked(key string, expireAt int64) {
	r := s.rows[key]
	r.expireAt = expireAt
	s.rows[key] = r
	cs := s.changes[key]
	for i := range cs {
		if cs[i].had && cs[i].before.version == r.version {
			cs[i].before.expireAt = expireAt
		}
	}
}
