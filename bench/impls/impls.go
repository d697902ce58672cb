// Package impls puts the two implementations the benchmarks compare behind
// one interface: this repository's cluster package and the widely used one
// (mattermost-plugin-api v0.0.19 cluster), which only this benchmark module
// requires.
package impls

import (
	"context"
	"time"

	comparator "github.com/mattermost/mattermost-plugin-api/cluster"
	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// Mutex is what both implementations' *Mutex offer.
type Mutex interface {
	Lock()
	LockWithContext(ctx context.Context) error
	Unlock()
}

// Job is what both implementations' *Job offer.
type Job interface {
	Close() error
}

// MutexAPI is the plugin API both implementations' NewMutex take. Optional
// capabilities (cluster events, KVGet) are found on the value passed, so
// pass the API itself, not a wrapper, unless the wrapper hides them on
// purpose.
type MutexAPI interface {
	KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError)
	LogError(msg string, keyValuePairs ...interface{})
}

// JobAPI is the plugin API both implementations' Schedule take.
type JobAPI interface {
	MutexAPI
	KVGet(key string) ([]byte, *model.AppError)
	KVDelete(key string) *model.AppError
	KVList(page, count int) ([]string, *model.AppError)
}

// Impl makes mutexes and jobs of one implementation.
type Impl struct {
	// Name is how the benchmark routes and results name it.
	Name string
	// Events says whether it can use plugin cluster events.
	Events   bool
	NewMutex func(api MutexAPI, name string) (Mutex, error)
	Schedule func(api JobAPI, name string, interval time.Duration, callback func()) (Job, error)
}

// Names of the two implementations.
const (
	OursName       = "clusterdemo"
	ComparatorName = "comparator"
)

// Ours is this repository's cluster package.
var Ours = Impl{
	Name:   OursName,
	Events: true,
	NewMutex: func(api MutexAPI, name string) (Mutex, error) {
		return cluster.NewMutex(api, name), nil
	},
	Schedule: func(api JobAPI, name string, interval time.Duration, callback func()) (Job, error) {
		return cluster.Schedule(api, name, cluster.JobConfig{Interval: interval}, callback)
	},
}

// Comparator is mattermost-plugin-api v0.0.19's cluster package.
var Comparator = Impl{
	Name: ComparatorName,
	NewMutex: func(api MutexAPI, name string) (Mutex, error) {
		return comparator.NewMutex(api, name)
	},
	// v0.0.19 takes a wait function instead of a JobConfig; waiting for the
	// interval after the last finished run is what its documentation
	// recommends for "every interval".
	Schedule: func(api JobAPI, name string, interval time.Duration, callback func()) (Job, error) {
		return comparator.Schedule(api, name, comparator.MakeWaitForInterval(interval), callback)
	},
}

// ByName returns the implementation called name.
func ByName(name string) (Impl, bool) {
	switch name {
	case OursName:
		return Ours, true
	case ComparatorName:
		return Comparator, true
	}
	return Impl{}, false
}
