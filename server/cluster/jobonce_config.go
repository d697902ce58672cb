package cluster

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// JobOncePluginAPI is the plugin API one-shot jobs need: a JobPluginAPI
// that can also list keys. The real plugin.API satisfies it.
type JobOncePluginAPI interface {
	JobPluginAPI
	KVList(page, perPage int) ([]string, *model.AppError)
}

// DefaultOnceScanInterval is how often a scheduler lists the store for
// one-shot jobs that other instances scheduled.
const DefaultOnceScanInterval = time.Minute

// JobOnceConfig tunes a JobOnceScheduler. The zero value means the defaults.
type JobOnceConfig struct {
	// ScanInterval is how often the store is listed for jobs other
	// instances scheduled (default DefaultOnceScanInterval; each wait is
	// jittered by up to a fifth, so instances do not scan together). A job
	// whose scheduling instance died before another scanned it runs up to
	// 1.2 ScanInterval after the later of its time and its scheduling, plus
	// LockTTL if the instance died holding the job's lock. Each scan costs
	// one KVList per thousand keys of the plugin and one KVGet per pending
	// job.
	ScanInterval time.Duration
	// LockTTL is the lease TTL of a job's lock (default DefaultTTL).
	LockTTL time.Duration
}

// ErrJobOnceExists is returned by ScheduleOnce when the key is pending.
var ErrJobOnceExists = errors.New("cluster: a one-shot job with this key is already scheduled")

var schedulers = struct {
	sync.Mutex
	byAPI map[JobOncePluginAPI]*JobOnceScheduler
}{byAPI: map[JobOncePluginAPI]*JobOnceScheduler{}}

// GetJobOnceScheduler returns this instance's scheduler for pluginAPI,
// with the default configuration: the same one for the same API value
// (pass p.API everywhere), a new one after Close. An API value that cannot
// be a map key gets a new scheduler at every call.
func GetJobOnceScheduler(pluginAPI JobOncePluginAPI) *JobOnceScheduler {
	if t := reflect.TypeOf(pluginAPI); t == nil || !t.Comparable() {
		s, _ := NewJobOnceScheduler(pluginAPI, JobOnceConfig{})
		return s
	}
	schedulers.Lock()
	defer schedulers.Unlock()
	if s, ok := schedulers.byAPI[pluginAPI]; ok {
		return s
	}
	s, _ := NewJobOnceScheduler(pluginAPI, JobOnceConfig{})
	schedulers.byAPI[pluginAPI] = s
	return s
}

// NewJobOnceScheduler makes a scheduler with a non-default configuration.
// Use one scheduler per instance: two on one instance would each run
// callbacks, one at a time each.
func NewJobOnceScheduler(pluginAPI JobOncePluginAPI, config JobOnceConfig) (*JobOnceScheduler, error) {
	if config.ScanInterval < 0 || config.LockTTL < 0 {
		return nil, errors.New("cluster: negative one-shot scheduler configuration")
	}
	if config.ScanInterval == 0 {
		config.ScanInterval = DefaultOnceScanInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &JobOnceScheduler{
		api: pluginAPI, kv: newKV(pluginAPI), config: config,
		ctx: ctx, cancel: cancel, jobs: map[string]*JobOnce{},
	}, nil
}
