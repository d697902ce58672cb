// Package cluster provides a cluster-wide Mutex and a scheduled Job for
// Mattermost plugins, built on the plugin key-value store. It implements the
// cluster API documented for Mattermost plugins (NewMutex, Lock, Unlock,
// Schedule, JobConfig, Close) unchanged, and adds lease identity, fencing
// tokens, a lost-lease signal, fast and fair handoff, long names, read-only
// views for status pages, and richer jobs.
//
// # Usage
//
//	m := cluster.NewMutex(p.API, "my-lock")
//	m.Lock()
//	defer m.Unlock()
//
//	job, err := cluster.Schedule(p.API, "my-job", cluster.JobConfig{Interval: 5 * time.Minute}, func() { ... })
//	...
//	job.Close()
//
// To let a release wake other instances at once, call HandleClusterEvent from
// the plugin's OnPluginClusterEvent hook, with the same API value:
//
//	func (p *Plugin) OnPluginClusterEvent(c *plugin.Context, ev model.PluginClusterEvent) {
//		if cluster.HandleClusterEvent(p.API, ev) {
//			return
//		}
//		... the plugin's own events ...
//	}
//
// # The lease
//
// Each acquisition stores, under "mutex_" + name, a JSON lease: a random
// nonce, the lock name, the holder's Node (id and name, see SetNode),
// acquired-at, expires-at and a fencing token. It expires in the store after
// the TTL (15 s by default) unless refreshed, every TTL/2, by a
// compare-and-set against the exact bytes stored. Unlock is a
// compare-and-delete against the same bytes. Because the nonce makes every
// acquisition's bytes unique, a holder whose lease lapsed (a long pause, a
// failed refresh) can neither extend nor delete the next holder's lease: its
// compare fails. A refresh that finds the lease gone or replaced, or cannot
// succeed before the lease would lapse, closes the channel returned by
// Mutex.Lost; jobs cancel the running callback's context on it.
//
// # Fencing tokens
//
// A lease alone cannot stop a holder that paused past its lease from
// writing somewhere else afterwards. The fencing token can: each lock name
// has a counter key ("fence_" + name) that only moves forward, by
// compare-and-set from its exact previous value, so each token is handed out
// at most once. An acquisition guesses the next token from the counter value
// it last saw, stores it in its lease, and in parallel advances the counter
// to it; if the guess was stale it reads the counter, advances it, and
// rewrites its lease to carry the real token before Lock returns. A handoff
// between goroutines of one instance replaces the lease (new nonce, next
// token) and advances the counter, again in parallel.
//
// Guarantee: if acquisition B begins after acquisition A's lease has ended
// (released, or lapsed in the store), then B's token is greater than A's.
// That holds when A's holder died, or paused, and its lease lapsed: A's
// counter move happened while A still held a valid lease (Lock checks this,
// and refreshes to prove it when the move came late), and B's move comes
// after A's lease is gone. So a resource that remembers the highest token it
// has accepted and rejects lower ones rejects a stale holder's writes once the
// new holder has written. Tokens are not consecutive (a failed race may skip
// one) and a token says nothing about time. The counter is never deleted;
// deleting it by hand restarts tokens at 1.
//
// # Waiting: local FIFO, events, polling
//
// All goroutines that lock the same name through the same pluginAPI value
// (whether through one Mutex or several) queue in FIFO order on that
// instance. One goroutine per instance and name deals with the store for
// all of them; when the holder unlocks, the lease passes straight to the next
// local waiter in one round trip, with no polling. Other instances learn of a
// release from a cluster event where the API has PublishPluginClusterEvent
// and the plugin calls HandleClusterEvent; until an instance has received one
// of this package's events it assumes events do not reach it and polls the
// lock every 220 ms ± 20% (about 4.5 KV calls a second, however many
// goroutines wait); once events are seen it polls only every 2 s as a safety
// net. Polls back off (up to 5 s) on KV errors, and a waiter also looks when
// the holder's lease is due to lapse.
//
// Waiting never spends a failing INSERT, each of which PostgreSQL logs as a
// duplicate-key ERROR: an instance looks (KVGet) before it inserts unless it
// believes the lock is free — because it released it itself or a release
// event said so — so a failed insert means a real race.
//
// Keeping the lock within one instance must not starve others. An instance
// learns that another waits from that instance's "waiting" event (repeated
// at its polls while it waits, at most once a second; no KV cost) or, without events, from a waiting
// marker key ("mwait_" + name) the waiter writes once per holder it waits for
// and deletes when done: one KV write per waiter and holder, plus one KVGet by
// the holder at most every 100 ms while it hands the lock on locally. Once
// another instance is known to wait, the holder's instance hands off locally
// for at most 100 ms more, then releases through the store, names the
// longest-waiting instance in its release event, and holds its own waiters
// back briefly (150 ms with events, two polls without) so that instance can
// take it.
//
// # Costs
//
// An uncontended Lock+Unlock costs three KV calls in two round trips: the
// lease insert and the counter advance (in parallel), and the
// compare-and-delete. The widely used implementation spends two; the third
// call buys the fencing token. The first Lock of a name on an instance also
// reads the lock and the counter (one round trip). A held lock costs two
// timers (refresh and lost-deadline; no goroutine) and a refresh every TTL/2.
//
// # Long names
//
// Keys are at most 50 characters. A name whose key would be longer (or that
// starts with "#") is stored under prefix + "#" + base64url(SHA-256(name));
// the lease still carries the original name, which InspectLock shows.
//
// # Narrower APIs
//
// MutexPluginAPI has only KVSetWithOptions and LogError; the package finds
// KVGet and PublishPluginClusterEvent by type assertion. Without events,
// waiters poll as described. Without KVGet, waiters cannot look first, so
// each poll is an insert attempt (a failed insert while the lock is held),
// the waiting marker cannot be read, and the fencing counter cannot be read:
// the token is learnt only from release events, and is 0 ("unfenced") when
// unknown. Mutual exclusion, lease identity and the lost-lease signal do not
// depend on either.
//
// # Jobs
//
// See Job for the semantics. A job's lock is named "cron_" + key and its
// metadata is stored under "cron_" + key, as the widely used implementation
// does, so the two exclude each other during a rolling upgrade. An instance
// wakes up to 50 ms (at most a tenth of the interval) before a run is due,
// takes the lock and reads the record, and starts the callback at the due
// time, so a start is late by a timer's slack rather than by a lock
// acquisition and three KV round trips.
//
// # Clocks
//
// The store judges expiry by the clock of whichever Mattermost node serves a
// call. An instance gives up a lease it could not refresh a margin
// (500 ms, at most TTL/4) before it would lapse by its own clock, which
// absorbs that much clock difference between nodes.
package cluster
