package plugin

import (
	"github.com/mattermost/mattermost-server/v5/model"
	"github.com/mattermost/mattermost-server/v5/plugin"
)

// maxKVCallsInFlight bounds the KV calls this node's plugin has in flight
// at once: requests, jobs, the stress demo and the cluster package's lock
// and job calls alike. Every call holds a database connection on the
// server; unbounded, a burst of a few hundred acquire requests opened one
// each and PostgreSQL refused the rest ("sorry, too many clients
// already"), answered as 500s. Eight keeps a 2-core node's status read as
// fast as four in flight did (the app reads four at a time per request)
// with room for the background work beside it, and stays far below
// PostgreSQL's default max_connections (100) shared by several nodes.
const maxKVCallsInFlight = 8

// limitedAPI is the plugin API with every KV call waiting for one of a
// node-wide set of slots. Calls queue rather than fail: the application's
// admission bounds keep the queue short, so a lease renewal waits behind a
// few calls, not behind a burst. The same value goes to the application
// and to extra routes, because the cluster package keeps its per-node
// state (known locks, local queues) per API value.
type limitedAPI struct {
	plugin.API
	slots chan struct{}
}

func newLimitedAPI(api plugin.API, slots int) *limitedAPI {
	return &limitedAPI{API: api, slots: make(chan struct{}, slots)}
}

// slot waits for a free slot and returns its release.
func (l *limitedAPI) slot() func() {
	l.slots <- struct{}{}
	return func() { <-l.slots }
}

func (l *limitedAPI) KVSet(key string, value []byte) *model.AppError {
	defer l.slot()()
	return l.API.KVSet(key, value)
}

func (l *limitedAPI) KVCompareAndSet(key string, oldValue, newValue []byte) (bool, *model.AppError) {
	defer l.slot()()
	return l.API.KVCompareAndSet(key, oldValue, newValue)
}

func (l *limitedAPI) KVCompareAndDelete(key string, oldValue []byte) (bool, *model.AppError) {
	defer l.slot()()
	return l.API.KVCompareAndDelete(key, oldValue)
}

func (l *limitedAPI) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	defer l.slot()()
	return l.API.KVSetWithOptions(key, value, options)
}

func (l *limitedAPI) KVSetWithExpiry(key string, value []byte, expireInSeconds int64) *model.AppError {
	defer l.slot()()
	return l.API.KVSetWithExpiry(key, value, expireInSeconds)
}

func (l *limitedAPI) KVGet(key string) ([]byte, *model.AppError) {
	defer l.slot()()
	return l.API.KVGet(key)
}

func (l *limitedAPI) KVDelete(key string) *model.AppError {
	defer l.slot()()
	return l.API.KVDelete(key)
}

func (l *limitedAPI) KVDeleteAll() *model.AppError {
	defer l.slot()()
	return l.API.KVDeleteAll()
}

func (l *limitedAPI) KVList(page, perPage int) ([]string, *model.AppError) {
	defer l.slot()()
	return l.API.KVList(page, perPage)
}
