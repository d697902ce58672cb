//go:build e2e

package e2e

import (
	"time"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// Timing bounds, each named after what it protects. They are the product's
// own parameters plus headroom for this 2-core machine, never measured
// figures: a bound that fails means the behaviour it names is broken or far
// slower than designed.
const (
	// statusFreshness bounds how long a change takes to show in another
	// node's status, lock list or locks command: those answer from the
	// node's status cache, never older than app.StatusMaxAge; the second
	// on top is the request round trips of a loaded machine.
	statusFreshness = app.StatusMaxAge + time.Second
	// leaseTTL is the cluster package's default lease TTL: a lease whose
	// holder stops refreshing it expires after this.
	leaseTTL = 15 * time.Second
	// failoverSlack is the promised "+ 5 s" beyond the TTL for another node
	// to notice an expired lease (its retry backoff) and take over.
	failoverSlack = 5 * time.Second
	// clusterPoll is how often a node waiting for a lock held elsewhere
	// looks at it when no cluster events reach it (Team Edition): the
	// cluster package's pollWithoutEvents (server/cluster/config.go).
	clusterPoll = 220 * time.Millisecond
	// contendedHandoffBound: a node already waiting gets a released lock
	// within one poll plus a margin for the release request and the answer
	// on a busy machine. A waiter polling once a second fails it in most
	// rounds.
	contendedHandoffBound = clusterPoll + 300*time.Millisecond
	// contendedHandoffRounds: odd, so the lock ends on node 2; enough that a
	// once-a-second poller passes them all with a chance of a few percent.
	contendedHandoffRounds = 5
	// contendedWaitBefore: the waiter is left waiting this long plus a
	// random part as long again before the release, so the release falls at
	// a random point of its poll.
	contendedWaitBefore = 400 * time.Millisecond
	// contendedWaitSeconds is the waiting acquire's wait_seconds: far
	// beyond the handoff, so only a broken wake-up makes it time out.
	contendedWaitSeconds = 10
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
	// jobStartSlack is how late a job's start may be after it is due: the
	// cluster package wakes ahead of the due time and holds the lock, so a
	// start is late only by scheduling on a busy machine (tens of ms in the
	// real-node benchmark). It is well under every short interval, so a
	// skipped start cannot hide in it.
	jobStartSlack = 500 * time.Millisecond
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
