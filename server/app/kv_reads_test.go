package app

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// inFlightKV counts the KVGet calls in flight on top of a kvtest instance.
type inFlightKV struct {
	*kvtest.Instance
	now, max atomic.Int64
}

func (k *inFlightKV) KVGet(key string) ([]byte, *model.AppError) {
	n := k.now.Add(1)
	defer k.now.Add(-1)
	for {
		m := k.max.Load()
		if n <= m || k.max.CompareAndSwap(m, n) {
			break
		}
	}
	return k.Instance.KVGet(key)
}

// A request's reads keep at most statusReadParallelism calls in flight,
// however many goroutines read through them, and refuse to write.
func TestKVReadsBoundsCallsInFlightAndRefusesWrites(t *testing.T) {
	store := kvtest.NewStore()
	store.SetLatency(2 * time.Millisecond)
	kv := &inFlightKV{Instance: store.Instance()}
	reads := newKVReads(kv)
	var wg sync.WaitGroup
	for i := 0; i < 4*statusReadParallelism; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := reads.KVGet("k"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := kv.max.Load(); got > statusReadParallelism || got < 2 {
		t.Errorf("%d calls in flight at most, want between 2 and %d", got, statusReadParallelism)
	}
	if ok, err := reads.KVSetWithOptions("k", []byte("v"), model.PluginKVSetOptions{}); ok || err == nil {
		t.Errorf("a write through kvReads: ok %v, err %v; want refused", ok, err)
	}
	if st := store.Stats(); st.Sets != 0 {
		t.Errorf("%d sets reached the store, want none", st.Sets)
	}
}

// inParallel reports the error of the lowest index, whatever the timing.
func TestInParallelReportsLowestIndexError(t *testing.T) {
	errs := []error{nil, ErrLockBusy, ErrStopping}
	err := inParallel(len(errs), func(i int) error {
		if i == 1 {
			time.Sleep(10 * time.Millisecond) // finishes last
		}
		return errs[i]
	})
	if err != ErrLockBusy {
		t.Errorf("error %v, want %v", err, ErrLockBusy)
	}
}
