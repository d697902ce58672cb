package cluster

import (
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// JobPluginAPI is the plugin API v0.0.19's jobs need (KVDelete is unused
// here, and kept so that v0.0.19's callers' types still fit).
type JobPluginAPI interface {
	MutexPluginAPI
	KVGet(key string) ([]byte, *model.AppError)
	KVDelete(key string) *model.AppError
	KVList(page, count int) ([]string, *model.AppError)
}

// JobConfig is server/cluster's (v0.0.19 exported it unused).
type JobConfig = cluster.JobConfig

// JobMetadata is what a NextWaitInterval sees (LastFinished, as in
// v0.0.19, and LastStarted).
type JobMetadata = cluster.JobMetadata

// NextWaitInterval computes how long to wait until a job is next due.
type NextWaitInterval = cluster.NextWaitInterval

// Job is a scheduled job; Close stops it on this instance.
type Job = cluster.Job

// MakeWaitForInterval runs a job interval after its last run finished,
// and at once if it never ran. It panics on a non-positive interval.
func MakeWaitForInterval(interval time.Duration) NextWaitInterval {
	return cluster.MakeWaitForInterval(interval)
}

// MakeWaitForRoundedInterval runs a job at the rounded time after its last
// run finished, and at once if it never ran. It panics on a non-positive
// interval.
func MakeWaitForRoundedInterval(interval time.Duration) NextWaitInterval {
	return cluster.MakeWaitForRoundedInterval(interval)
}

// Schedule creates a scheduled job (server/cluster's ScheduleWait).
func Schedule(pluginAPI JobPluginAPI, key string, nextWaitInterval NextWaitInterval, callback func()) (*Job, error) {
	return cluster.ScheduleWait(pluginAPI, key, nextWaitInterval, callback)
}
