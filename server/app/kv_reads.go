package app

import (
	"strings"
	"sync"

	"github.com/mattermost/mattermost-server/v5/model"
)

// statusReadParallelism bounds the KV calls one request has in flight at
// once. Every call crosses the plugin RPC, the server and the database, all
// on the same cores: on real 2-core nodes 16 at once made the status route
// slower (p50 83 ms) than reading one by one (35 ms), so a few at a time.
const statusReadParallelism = 4

// kvReads is the store as one read-only request sees it. Every part of the
// request (nodes, locks, jobs, stress) reads through one kvReads, so that
// together they keep at most statusReadParallelism calls in flight, share a
// single listing of the keys, and cannot write: a read path that wrote
// would be slow and would change what it reports.
type kvReads struct {
	kv  kvStore
	sem chan struct{}

	listOnce sync.Once
	keys     []string
	listErr  error
}

func newKVReads(kv kvStore) *kvReads {
	return &kvReads{kv: kv, sem: make(chan struct{}, statusReadParallelism)}
}

// KVGet reads key, waiting for a free slot first.
func (r *kvReads) KVGet(key string) ([]byte, *model.AppError) {
	r.sem <- struct{}{}
	defer func() { <-r.sem }()
	return r.kv.KVGet(key)
}

// KVSetWithOptions refuses: it is here only because the cluster package's
// read views take an API that could write.
func (r *kvReads) KVSetWithOptions(key string, _ []byte, _ model.PluginKVSetOptions) (bool, *model.AppError) {
	return false, model.NewAppError("kvReads.KVSetWithOptions", "clusterdemo.kv_reads.write", map[string]interface{}{"key": key}, "a read-only request tried to write", 500)
}

// KVList lists one page of keys, waiting for a free slot first.
func (r *kvReads) KVList(page, perPage int) ([]string, *model.AppError) {
	r.sem <- struct{}{}
	defer func() { <-r.sem }()
	return r.kv.KVList(page, perPage)
}

func (r *kvReads) LogError(msg string, keyValuePairs ...interface{}) {
	r.kv.LogError(msg, keyValuePairs...)
}

// keysWithPrefix is kvKeysWithPrefix over the request's one listing of
// every key.
func (r *kvReads) keysWithPrefix(prefix string) ([]string, error) {
	r.listOnce.Do(func() { r.keys, r.listErr = kvKeysWithPrefix(r, "") })
	if r.listErr != nil {
		return nil, r.listErr
	}
	var out []string
	for _, k := range r.keys {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	return out, nil
}

// inParallel runs f(0) … f(n-1) at once and waits for all of them. The
// error is that of the lowest i that failed, so which error a caller sees
// does not depend on timing.
func inParallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go func(i int) {
			defer wg.Done()
			errs[i] = f(i)
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// allOf runs fs at once with inParallel.
func allOf(fs ...func() error) error {
	return inParallel(len(fs), func(i int) error { return fs[i]() })
}

// readRecords reads the JSON record under each key, in parallel, and returns
// those found, in the order of keys: a key listed a moment ago may be gone.
func readRecords[T any](reads *kvReads, keys []string) ([]T, error) {
	records := make([]T, len(keys))
	found := make([]bool, len(keys))
	err := inParallel(len(keys), func(i int) (err error) {
		found[i], err = kvGetJSON(reads, keys[i], &records[i])
		return err
	})
	if err != nil {
		return nil, err
	}
	out := records[:0]
	for i, rec := range records {
		if found[i] {
			out = append(out, rec)
		}
	}
	return out, nil
}
