// Package cluster provides a cluster-wide Mutex and a scheduled Job for
// Mattermost plugins, built on the plugin key-value store. It keeps the API
// documented for Mattermost plugins (NewMutex, Lock, Unlock, Schedule,
// JobConfig, Close) and adds contexts, TryLock, fencing tokens, a lost-lease
// signal, fast local handoff, one-shot jobs (JobOnceScheduler, with
// mattermost-plugin-api's keys) and read-only views for status pages.
//
//	m := cluster.NewMutex(p.API, "my-lock")
//	m.Lock()
//	defer m.Unlock()
//
//	job, err := cluster.Schedule(p.API, "my-job", cluster.JobConfig{Interval: 5 * time.Minute}, callback)
//	...
//	job.Close()
//
// Pass the same API value (p.API) everywhere, and call HandleClusterEvent
// from OnPluginClusterEvent so that a release wakes other nodes at once;
// without it they poll. A second API value in one process is logged.
//
// # What is guaranteed, and under which assumptions
//
// Mutual exclusion: at most one holder across the cluster whose lease is
// still valid by its own check (Lost not closed), provided node clocks run
// at rates close enough that a TTL on one is longer than a TTL less the
// holder's margin on another (margin: a quarter TTL at most, see config.go),
// and are set within LeaseStoreExpiry of each other. No other clock assumption: a lease is taken
// over only after a waiter saw its bytes unchanged for a whole TTL on its
// own clock (observeHeld), and every take-over, refresh and release is a
// compare-and-set on the master, so replica lag costs time, never safety.
// Mutex.Lost closes, and Job callbacks' contexts end, when a holder can no
// longer be sure; the "still mine?" check is made against the clock, not
// only by a timer.
//
// Legacy holders (mattermost-plugin-api v0.0.19, same "mutex_" keys) store
// a value that never changes, so their leases are never taken over; only the
// store's expiry frees them, judged by the clock of the node serving the
// call. Exclusion with them therefore needs clocks within their refresh
// slack (their 15 s TTL less their 7.5 s refresh interval), and a v0.0.19
// node waits up to LeaseStoreExpiry for a lease of ours whose holder died,
// and freeMarkerSeconds for the free marker a release of ours leaves.
//
// Fencing tokens: the token Mutex.Lease reports is higher than every token
// reported for a lease of the same name that ended before this one began,
// as long as no node's clock is behind another's by more than IdleKeyWindow
// (the counter key expires after that long idle and restarts from the
// clock). A token is claimed from the counter when Lease is first called in
// a hold; holders that never ask pay nothing for it. Token 0 means
// unfenced: the API has no KVGet, or the counter could not be reached in
// time.
//
// Jobs: a run starts only under the job's lock, after a compare-and-set of
// the job's record against the exact bytes read, so a job never runs twice
// at once or twice within Interval of one callback start, judged by the
// clock of the node starting the run. Records of v0.0.19 ("cron_" + key,
// LastFinished only) are honoured: the next run is due Interval after it.
//
// Per-name state ends: a lock name costs memory only while in use (a
// bounded number of recent names is remembered for KnownLocks), and its keys
// leave the store after IdleKeyWindow without use.
//
// Fairness: goroutines of one instance get a name in FIFO order without a
// KV round trip. Once another instance is known to wait, the holder's
// instance hands locally for at most localBatch more, then releases through
// the store; a waiter without events looks every pollHandover meanwhile. A
// longer batch buys throughput with a longer longest wait (config.go).
package cluster
