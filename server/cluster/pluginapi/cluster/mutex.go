package cluster

import (
	"errors"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// MutexPluginAPI is the plugin API a Mutex needs.
type MutexPluginAPI = cluster.MutexPluginAPI

// Mutex is server/cluster's Mutex (Lock, LockWithContext and Unlock as in
// v0.0.19, plus TryLock, Lost and the rest).
type Mutex = cluster.Mutex

// NewMutex creates a mutex with the given key name. It returns an error for
// an empty key, as v0.0.19 does (server/cluster's NewMutex panics).
func NewMutex(pluginAPI MutexPluginAPI, key string) (*Mutex, error) {
	if key == "" {
		return nil, errors.New("must specify valid mutex key")
	}
	return cluster.NewMutex(pluginAPI, key), nil
}
