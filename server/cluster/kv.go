package cluster

import (
	"errors"
	"strings"

	"github.com/mattermost/mattermost-server/v5/model"
)

// kv is the only code in this package that calls the plugin API's KV
// methods. Every write this package makes is one of the operations below,
// and each has the exact meaning Mattermost 5.39's SQL plugin store gives it
// (store/sqlstore/plugin_store.go):
//
//   - insert succeeds only if no live row exists (an expired row is deleted
//     first, judged by the clock of the node serving the call); a failure
//     is a PostgreSQL duplicate-key ERROR line, so callers look first;
//   - cas replaces a live row holding exactly old; it runs on the master, so
//     a read that lagged on a replica can make it fail, never succeed wrongly;
//   - cad deletes a live row holding exactly old;
//   - set is an unconditional upsert (nil deletes);
//   - get may be served by a read replica and lag behind writes;
//   - keys lists live keys by page, also from a replica (one-shot jobs only).
//
// expireSeconds of 0 means "never expires".
type kv struct {
	api MutexPluginAPI
	get kvGetter // nil when the API has no KVGet
}

var errNoKVGet = errors.New("the plugin API has no KVGet")

func newKV(api MutexPluginAPI) kv {
	g, _ := api.(kvGetter)
	return kv{api: api, get: g}
}

func (s kv) canRead() bool { return s.get != nil }

func (s kv) read(key string) ([]byte, error) {
	if s.get == nil {
		return nil, errNoKVGet
	}
	b, appErr := s.get.KVGet(key)
	if appErr != nil {
		return nil, appErr
	}
	return b, nil
}

func (s kv) insert(key string, value []byte, expireSeconds int64) (bool, error) {
	return s.write(key, value, model.PluginKVSetOptions{Atomic: true, ExpireInSeconds: expireSeconds})
}

func (s kv) cas(key string, old, value []byte, expireSeconds int64) (bool, error) {
	if old == nil {
		return s.insert(key, value, expireSeconds)
	}
	return s.write(key, value, model.PluginKVSetOptions{Atomic: true, OldValue: old, ExpireInSeconds: expireSeconds})
}

func (s kv) cad(key string, old []byte) (bool, error) {
	if old == nil {
		return false, nil
	}
	return s.write(key, nil, model.PluginKVSetOptions{Atomic: true, OldValue: old})
}

func (s kv) set(key string, value []byte, expireSeconds int64) error {
	_, err := s.write(key, value, model.PluginKVSetOptions{ExpireInSeconds: expireSeconds})
	return err
}

func (s kv) write(key string, value []byte, opts model.PluginKVSetOptions) (bool, error) {
	ok, appErr := s.api.KVSetWithOptions(key, value, opts)
	if appErr != nil {
		return false, appErr
	}
	return ok, nil
}

// keyLister is found by type assertion; one-shot jobs need it to find the
// jobs other instances scheduled.
type keyLister interface {
	KVList(page, perPage int) ([]string, *model.AppError)
}

// keysPerPage is the page size of keys, as in the widely used implementation.
const keysPerPage = 1000

// keys returns every live key of the plugin that starts with prefix: one
// KVList call per keysPerPage keys the plugin has, whatever their prefix.
func (s kv) keys(prefix string) ([]string, error) {
	l, ok := s.api.(keyLister)
	if !ok {
		return nil, errors.New("the plugin API has no KVList")
	}
	var out []string
	for page := 0; ; page++ {
		keys, appErr := l.KVList(page, keysPerPage)
		if appErr != nil {
			return nil, appErr
		}
		for _, k := range keys {
			if strings.HasPrefix(k, prefix) {
				out = append(out, k)
			}
		}
		if len(keys) < keysPerPage {
			return out, nil
		}
	}
}
