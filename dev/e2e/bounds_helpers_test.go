//go:build e2e

package e2e

import "time"

// Timing bounds, each named after what it protects. They are the product's
// own parameters plus headroom for this 2-core machine, never measured
// figures: a bound that fails means the behaviour it names is broken or far
// slower than designed.
const (
	// leaseTTL is the cluster package's default lease TTL: a lease whose
	// holder stops refreshing it expires after this.
	leaseTTL = 15 * time.Second
	// failoverSlack is the promised "+ 5 s" beyond the TTL for another node
	// to notice an expired lease (its retry backoff) and take over.
	failoverSlack = 5 * time.Second
	// lockHandoffBound: after a release through node 1, node 2 acquires
	// within 1 s.
	lockHandoffBound = 1 * time.Second
	// dbRecoveryBound: everything resumes within 30 s of the database's
	// return.
	dbRecoveryBound = 30 * time.Second
	// dbOutage is how long PostgreSQL stays down in the restart check.
	dbOutage = 10 * time.Second
	// nodeStartBound covers a node's start-up to its plugin answering:
	// server start, plugin activation, first heartbeat.
	nodeStartBound = 2 * time.Minute
	// shutdownReleaseBound: a node stopped gracefully releases what it held
	// before its process exits (OnDeactivate), so the locks are free at
	// once, far sooner than the TTL would free them.
	shutdownReleaseBound = 2 * time.Second
	// jobWakeSlack is how late a job run may start after it is due: the
	// cluster package's lock retry backoff when the lock was just released
	// by another node, plus request latency on a busy machine.
	jobWakeSlack = 2 * time.Second
	// timestampRounding: the API's times have millisecond precision.
	timestampRounding = time.Millisecond
	// eventLatency bounds a websocket event's delay after the run it reports.
	eventLatency = time.Second
	// runNowBound: a run asked for with "run" starts within this, well before
	// the job's next scheduled run.
	runNowBound = 3 * time.Second
)

// configApplyBound: a saved configuration reaches the plugin
// (OnConfigurationChange) and its jobs are rescheduled; closing a job waits
// for a run in progress, up to the slow job's run time.
const configApplyBound = 10 * time.Second

const (
	// gracefulStopBound: a node asked to stop (SIGTERM) finishes shutting
	// down, plugins deactivated, within this. Mattermost 5.39's job watcher
	// first sleeps a random 0-15 s and only then heeds a stop
	// (jobs/jobs_watcher.go), so a node stopped soon after it started takes
	// up to ~15 s. The bound is below localcluster's 30 s grace before
	// SIGKILL, so a hung shutdown is seen, not hidden by the kill.
	gracefulStopBound = 20 * time.Second
	// goroutineDumpBound: a Go server writes its goroutines and exits on
	// SIGQUIT within this.
	goroutineDumpBound = 5 * time.Second
)
