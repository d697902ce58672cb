package cluster

import (
	"github.com/mattermost/mattermost-server/v5/model"
)

// MutexPluginAPI is the plugin API a Mutex needs. The real plugin.API
// satisfies it.
type MutexPluginAPI interface {
	KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError)
	LogError(msg string, keyValuePairs ...interface{})
}

// JobPluginAPI is the plugin API a Job needs. The real plugin.API satisfies
// it.
type JobPluginAPI interface {
	MutexPluginAPI
	KVGet(key string) ([]byte, *model.AppError)
}

// kvGetter is found by type assertion on a MutexPluginAPI. With it, waiters
// look before they insert and the fencing counter can be read.
type kvGetter interface {
	KVGet(key string) ([]byte, *model.AppError)
}

// eventPublisher is found by type assertion on a MutexPluginAPI. With it, a
// release wakes waiting instances at once instead of at their next poll.
type eventPublisher interface {
	PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error
}
