package app

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost-server/v5/model"
)

// kvStore is the slice of the plugin API that the plugin's own records
// (nodes, run history, demo locks, stress runs) live in. It is the same KV
// store the cluster package coordinates through.
type kvStore interface {
	KVGet(key string) ([]byte, *model.AppError)
	KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError)
	KVDelete(key string) *model.AppError
	KVList(page, perPage int) ([]string, *model.AppError)
	LogError(msg string, keyValuePairs ...interface{})
}

// Every key the plugin itself writes starts with keyPrefix, so that its
// records never collide with the cluster package's lock and job keys.
const keyPrefix = "cd_"

// kvListPageSize is how many keys one KVList call fetches: the cluster
// package's page, so that the status read's listing of a plugin with a
// thousand lock names (a lease and a fencing counter each while in use)
// takes a few calls.
const kvListPageSize = 1000

// kvGetter and kvLister are the reads of kvStore, for code that must only
// read (a kvReads, or the store itself).
type kvGetter interface {
	KVGet(key string) ([]byte, *model.AppError)
}

type kvLister interface {
	KVList(page, perPage int) ([]string, *model.AppError)
}

// kvGetJSON reads key into v; found is false when the key is absent or expired.
func kvGetJSON(kv kvGetter, key string, v interface{}) (found bool, err error) {
	data, aerr := kv.KVGet(key)
	if aerr != nil {
		return false, fmt.Errorf("reading %s: %w", key, aerr)
	}
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("decoding %s: %w", key, err)
	}
	return true, nil
}

// kvSetJSON writes v to key, expiring after ttlSeconds (0 keeps it forever).
func kvSetJSON(kv kvStore, key string, v interface{}, ttlSeconds int64) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", key, err)
	}
	if _, aerr := kv.KVSetWithOptions(key, data, model.PluginKVSetOptions{ExpireInSeconds: ttlSeconds}); aerr != nil {
		return fmt.Errorf("writing %s: %w", key, aerr)
	}
	return nil
}

// kvKeysWithPrefix lists every live key that starts with prefix.
func kvKeysWithPrefix(kv kvLister, prefix string) ([]string, error) {
	var keys []string
	for page := 0; ; page++ {
		batch, aerr := kv.KVList(page, kvListPageSize)
		if aerr != nil {
			return nil, fmt.Errorf("listing keys: %w", aerr)
		}
		for _, k := range batch {
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		}
		if len(batch) < kvListPageSize {
			return keys, nil
		}
	}
}

// kvUpdateJSON applies change to the JSON value at key with compare-and-set,
// retrying when another node wrote in between, so concurrent writers on
// different nodes never lose each other's updates. cur is the decoded value
// (zero when absent); change mutates it in place.
func kvUpdateJSON[T any](kv kvStore, key string, ttlSeconds int64, change func(cur *T)) error {
	const attempts = 20
	for i := 0; i < attempts; i++ {
		old, aerr := kv.KVGet(key)
		if aerr != nil {
			return fmt.Errorf("reading %s: %w", key, aerr)
		}
		var cur T
		if old != nil {
			if err := json.Unmarshal(old, &cur); err != nil {
				return fmt.Errorf("decoding %s: %w", key, err)
			}
		}
		change(&cur)
		data, err := json.Marshal(cur)
		if err != nil {
			return fmt.Errorf("encoding %s: %w", key, err)
		}
		ok, aerr := kv.KVSetWithOptions(key, data, model.PluginKVSetOptions{Atomic: true, OldValue: old, ExpireInSeconds: ttlSeconds})
		if aerr != nil {
			return fmt.Errorf("writing %s: %w", key, aerr)
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("writing %s: too much contention", key)
}
