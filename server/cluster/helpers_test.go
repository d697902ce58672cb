package cluster

import (
	"flag"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
	"github.com/mattermost/mattermost-server/v5/model"
)

// newCluster makes n plugin instances on one store. With events, each
// instance's OnPluginClusterEvent hook is wired to HandleClusterEvent, as a
// plugin does.
func newCluster(n int, events bool) (*kvtest.Store, []*kvtest.Instance) {
	s := kvtest.NewStore()
	out := make([]*kvtest.Instance, n)
	for i := range out {
		in := s.Instance()
		if events {
			in.OnPluginClusterEvent(func(ev model.PluginClusterEvent) { HandleClusterEvent(in, ev) })
		}
		out[i] = in
	}
	return s, out
}

// kvOnly hides everything but the two documented MutexPluginAPI methods, to
// test what degrades with the narrowest API.
type kvOnly struct{ in *kvtest.Instance }

func (k *kvOnly) KVSetWithOptions(key string, value []byte, o model.PluginKVSetOptions) (bool, *model.AppError) {
	return k.in.KVSetWithOptions(key, value, o)
}
func (k *kvOnly) LogError(msg string, kv ...interface{}) { k.in.LogError(msg, kv...) }

// jobOnly is the documented JobPluginAPI with no event publishing.
type jobOnly struct{ kvOnly }

func (j *jobOnly) KVGet(key string) ([]byte, *model.AppError) { return j.in.KVGet(key) }

var _ JobPluginAPI = (*jobOnly)(nil)

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// lockWithin locks m or fails the test after timeout.
func lockWithin(t *testing.T, m *Mutex, timeout time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { m.Lock(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatalf("Lock did not return within %v", timeout)
	}
}

// overlapDetector fails a test when two holders are inside the critical
// section at once.
type overlapDetector struct {
	mu       sync.Mutex
	inside   int
	overlaps int
}

func (o *overlapDetector) enter() {
	o.mu.Lock()
	o.inside++
	if o.inside > 1 {
		o.overlaps++
	}
	o.mu.Unlock()
}

func (o *overlapDetector) leave() {
	o.mu.Lock()
	o.inside--
	o.mu.Unlock()
}

func (o *overlapDetector) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.overlaps
}

func atomicInsert() model.PluginKVSetOptions {
	return model.PluginKVSetOptions{Atomic: true, ExpireInSeconds: 15}
}

// ownProcessEnv marks the process runInOwnProcess starts.
const ownProcessEnv = "CLUSTER_TEST_OWN_PROCESS"

// runInOwnProcess runs the calling top-level test again in a new process of
// this test binary, alone (with -seed and -timeout passed on), and fails t
// if it fails there or does not run at all. A test that measures or sets what
// is the whole process's (its heap, the package's timings) runs there, so
// that it can run side by side with the others.
//
// A test that keeps a CPU busy and times nothing says computes: its process
// runs at a lower CPU priority (through nice, where there is one), so that
// the tests that time what they watch keep the CPUs they need.
func runInOwnProcess(t *testing.T, computes bool) {
	t.Helper()
	args := []string{os.Args[0], "-test.run=^" + t.Name() + "$", "-test.count=1", "-test.v",
		"-test.timeout=" + flag.Lookup("test.timeout").Value.String()}
	if *seedFlag != 0 {
		args = append(args, "-seed="+strconv.FormatInt(*seedFlag, 10))
	}
	if nice, err := exec.LookPath("nice"); err == nil && computes {
		args = append([]string{nice, "-n", "10"}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), ownProcessEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("in its own process:\n%s", out)
	if err != nil {
		t.Fatalf("in its own process: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatal("in its own process: the test did not run")
	}
}
