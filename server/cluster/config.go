package cluster

import (
	"math/rand"
	"sync/atomic"
	"time"
)

// Defaults, as documented for the Mattermost plugin cluster API.
const (
	// DefaultTTL is how long a lease that is no longer refreshed keeps
	// other instances out.
	DefaultTTL = 15 * time.Second
)

// MutexConfig tunes a Mutex. The zero value means the defaults.
type MutexConfig struct {
	// TTL is how long a lease that is no longer refreshed keeps other
	// instances out (default 15 s): they take it over after seeing it
	// unchanged for TTL by their own clocks, and its holder gives it up a
	// margin earlier. It is rounded up to a whole second, at least one.
	TTL time.Duration
	// RefreshInterval is how often a held lease is refreshed (default TTL/2).
	// It is capped at TTL/2.
	RefreshInterval time.Duration
}

// withDefaults fills zero fields and enforces the store's whole-second expiry.
func (c MutexConfig) withDefaults() MutexConfig {
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	if rem := c.TTL % time.Second; rem != 0 {
		c.TTL += time.Second - rem
	}
	if c.RefreshInterval <= 0 || c.RefreshInterval > c.TTL/2 {
		c.RefreshInterval = c.TTL / 2
	}
	return c
}

// Store expiries. A live lease is never judged dead by these: they only
// collect what nobody will touch again, and they are judged by the clock of
// whichever Mattermost node serves a call, so they must exceed any clock
// difference between nodes by a wide margin.
const (
	// LeaseStoreExpiry is how long the store keeps a lease whose holder
	// stopped refreshing it. Instances of this package take such a lock over
	// after one TTL of seeing it unchanged; the store expiry matters only to
	// instances running the widely used implementation (which can only wait
	// for it) and for exclusion between nodes whose clocks differ by more
	// than LeaseStoreExpiry less the refresh interval.
	LeaseStoreExpiry = time.Hour
	// IdleKeyWindow is how long a lock name's other keys (the fencing
	// counter) outlive its last use. Fencing tokens stay increasing across
	// the counter's expiry as long as no node's clock is behind by more than
	// this window (see nextToken).
	IdleKeyWindow = 24 * time.Hour
)

// freeMarkerSeconds is how long a released lock's key holds a "free"
// marker instead of being deleted (see holding.release). The next
// acquisition, on this instance or on one its release event woke, replaces
// the marker with one compare-and-set: in 5.39 that is one UPDATE, where a
// look at a missing key (two SELECTs) and an insert (a DELETE and an
// INSERT) cost four statements. The widely used implementation cannot tell
// a marker from a lease and waits for it to expire, so it lives the
// store's smallest expiry.
const freeMarkerSeconds = 1

const (
	leaseStoreSeconds = int64(LeaseStoreExpiry / time.Second)
	idleKeySeconds    = int64(IdleKeyWindow / time.Second)
)

// timings are the waiting and fairness knobs. They are not options: the
// values below are the design. Tests of this package swap them (atomically,
// since goroutines of earlier tests may still read them) to run faster.
type timings struct {
	// pollWithoutEvents is how often a waiting instance looks at a held lock
	// when it has no proof that cluster events reach it: about 4.5 KV calls
	// a second, under the budget of 5 per waiting instance and name, for a
	// median wake-up of about 110 ms after a release.
	pollWithoutEvents time.Duration
	// pollWithEvents is the safety-net poll when releases are announced by
	// cluster events (an event can be lost).
	pollWithEvents time.Duration
	// pollHandover is how often a waiting instance without events looks
	// while the holder's instance hands the lock between its own goroutines
	// and so is about to give way (for handoverWatch after it last saw that
	// happen). It costs about one KVGet per pollHandover during contention
	// between instances, and nothing while a holder simply holds.
	pollHandover  time.Duration
	handoverWatch time.Duration
	// maxErrorBackoff caps the wait after consecutive KV errors.
	maxErrorBackoff time.Duration
	// localBatch bounds how long an instance keeps handing the lock from one
	// local goroutine to the next once another instance is known to wait.
	// Chosen by measurement (make bench-cluster, 2 unlicensed nodes, 4+4
	// workers, 1 ms critical section): with pollHandover the lock sits idle
	// only briefly at each hand-over between nodes, so a short batch keeps
	// the longest wait under a second without giving up throughput (the
	// contention rows of README's Performance section show the last run).
	localBatch time.Duration
	// yieldWithEvents and yieldWithoutEvents are how long the local waiters
	// of an instance that released the lock for fairness hold back, so the
	// waiting instance can take it. Without events that instance only finds
	// out at its next poll, hence the longer window.
	yieldWithEvents, yieldWithoutEvents time.Duration
	// announceEvery is how often a waiting instance repeats its "waiting"
	// cluster event; a holder forgets a waiter not heard of for
	// 3*announceEvery.
	announceEvery time.Duration
	// markerTTLSeconds and markerCheckEvery drive the waiting marker used
	// without cluster events (see the package documentation): a waiter
	// writes it once per holder it waits for and deletes it when done; the
	// expiry only bounds the life of a marker whose writer died.
	markerTTLSeconds int64
	markerCheckEvery time.Duration
	// rateMargin is subtracted from a lease's lifetime when its holder
	// judges whether it still holds it. Another instance takes the lock over
	// only after it has seen the same lease bytes unchanged for a full TTL
	// on its own clock (see observeHeld), so the margin only has to cover
	// clocks running at different rates and timer slack over one TTL, not
	// clocks set differently.
	rateMargin time.Duration
}

var defaultTimings = timings{
	pollWithoutEvents:  220 * time.Millisecond,
	pollWithEvents:     2 * time.Second,
	pollHandover:       10 * time.Millisecond,
	handoverWatch:      300 * time.Millisecond, // localBatch + two marker checks
	maxErrorBackoff:    5 * time.Second,
	localBatch:         100 * time.Millisecond,
	yieldWithEvents:    150 * time.Millisecond,
	yieldWithoutEvents: 440 * time.Millisecond, // two polls
	announceEvery:      time.Second,
	markerTTLSeconds:   60,
	markerCheckEvery:   100 * time.Millisecond,
	rateMargin:         500 * time.Millisecond,
}

var currentTimings atomic.Pointer[timings]

func init() { currentTimings.Store(&defaultTimings) }

// tuning returns the timings in force.
func tuning() *timings { return currentTimings.Load() }

// jitter returns d ± 20%, so that instances that started waiting together do
// not poll together.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	span := int64(d) * 2 / 5
	return d - time.Duration(span/2) + time.Duration(rand.Int63n(span+1))
}
