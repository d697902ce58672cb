//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// requestedRunIntervalSeconds is a job's interval while a check asks for a
// run of it: no scheduled run can fall in the check's window, so a run in
// it was caused by the request.
const requestedRunIntervalSeconds = 3600

// requestSettle is how long a check keeps watching after the requested run
// finished: a second run caused by the same request (two nodes each running
// it, say) would have started by then.
const requestSettle = 3 * time.Second

// checkRequestedRun proves that ask causes exactly one run of job. It sets
// the job's interval to an hour on every node (restoring the short
// intervals when the test ends), waits until the job is idle, calls ask,
// and requires exactly one new run: started after ask began and, when
// within is positive, no later than within after it; without an error;
// and on the node that held the job's lock meanwhile, as another node sees
// the lock. It returns that run.
func checkRequestedRun(t *testing.T, job string, within time.Duration, ask func()) apiRun {
	t.Helper()
	spec := shortJobs[job]
	settings := jobSettings(manifestKeys)
	settings[strings.ToUpper(job[:1])+job[1:]+"IntervalSeconds"] = requestedRunIntervalSeconds
	// The API shows the interval a job last ran on, so only the other
	// jobs' intervals show the settings applied; this job's shows on the
	// requested run, checked below.
	intervals := map[string]time.Duration{}
	for name, s := range shortJobs {
		if name != job {
			intervals[name] = s.interval
		}
	}
	applyJobSettings(t, settings, intervals)
	t.Cleanup(func() { useShortJobIntervals(t, manifestKeys) })

	before := runLog{}
	eventually(t, job+" idle on its long interval", spec.runTime+configApplyBound, func() (bool, string) {
		j, err := getJob(suite.node(1), job)
		if err != nil {
			return false, err.Error()
		}
		before.add(j.History)
		return !j.Running, fmt.Sprintf("running on %s", deref(j.RunningOn))
	})

	holders := watchLockHolder(suite.node(1), "cron_"+job)
	asked := time.Now()
	ask()
	var fresh []apiRun
	newRuns := func() ([]apiRun, string) {
		j, err := getJob(suite.node(1), job)
		if err != nil {
			return nil, err.Error()
		}
		var out []apiRun
		seen := runLog{}
		seen.add(j.History)
		for key, r := range seen {
			if _, old := before[key]; !old {
				out = append(out, r)
			}
		}
		return out, describeRuns(j.History)
	}
	bound := spec.runTime + requestSettle + runNowBound
	if within > 0 {
		bound += within
	} else {
		bound += browserRunBound
	}
	eventually(t, "a run of "+job+" caused by the request, finished", bound, func() (bool, string) {
		var seen string
		fresh, seen = newRuns()
		return len(fresh) > 0 && fresh[0].DurationMS != nil, seen
	})
	time.Sleep(requestSettle)
	fresh, seen := newRuns()
	observed := holders.stop()
	if len(fresh) != 1 {
		t.Fatalf("%s: want exactly one run caused by the request (interval %d s), got %d:\n  %s", job, requestedRunIntervalSeconds, len(fresh), seen)
	}
	run := fresh[0]
	if run.StartedAt.Before(asked.Add(-timestampRounding)) {
		t.Errorf("%s: the new run %s started before the request (%s)", job, run, asked.UTC().Format(time.RFC3339Nano))
	}
	if within > 0 && run.StartedAt.Sub(asked) > within {
		t.Errorf("%s: the new run %s started %v after the request, more than %v", job, run, run.StartedAt.Sub(asked), within)
	}
	if run.Error != nil {
		t.Errorf("%s: the requested run failed: %s", job, run)
	}
	if j, err := getJob(suite.node(1), job); err != nil || j.IntervalMS != requestedRunIntervalSeconds*1000 {
		t.Errorf("%s: after the requested run the job shows interval_ms %d (%v), want %d: the run was not made on the hour-long interval", job, j.IntervalMS, err, requestedRunIntervalSeconds*1000)
	}
	// The run is on the node that held the job lock while it ran. The
	// watch samples every pollPeriod; samples near either end of the run
	// may see the lock just taken or released, so only the middle counts.
	during := 0
	for _, o := range observed {
		if o.at.After(run.StartedAt.Add(pollPeriod)) && o.at.Before(run.StartedAt.Add(runDuration(run)-pollPeriod)) {
			during++
			if o.holder != run.Node {
				t.Errorf("%s: the run %s is recorded on %s, but node 1 showed the job lock held by %q at %s", job, run, run.Node, o.holder, o.at.UTC().Format("15:04:05.000"))
			}
		}
	}
	if spec.runTime > 4*pollPeriod && during == 0 {
		t.Errorf("%s: node 1 never showed the job lock while the requested run %s ran (%d samples in all)", job, run, len(observed))
	}
	t.Logf("%s: exactly one run after the request, %v after it, on %s (the job lock's holder in %d samples)", job, run.StartedAt.Sub(asked).Round(time.Millisecond), run.Node, during)
	return run
}

// applyJobSettings sets the plugin settings on every active node and waits
// until each node lists every demo job, those named in intervals on the
// wanted interval (the API shows the interval a job last ran on).
func applyJobSettings(t *testing.T, settings map[string]any, intervals map[string]time.Duration) {
	t.Helper()
	for _, n := range suite.active {
		patchPluginSettings(t, n, settings)
	}
	for _, n := range suite.active {
		eventually(t, fmt.Sprintf("node %d's jobs on the configured intervals", n.Index), configApplyBound, func() (bool, string) {
			r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/jobs", nil)
			if err != nil {
				return false, err.Error()
			}
			var jobs []apiJob
			if err := jsonDecode(r, &jobs); err != nil {
				return false, err.Error()
			}
			for _, j := range jobs {
				if want, ok := intervals[j.Name]; ok && j.IntervalMS != want.Milliseconds() {
					return false, fmt.Sprintf("%s has interval_ms %d, want %d: %s", j.Name, j.IntervalMS, want.Milliseconds(), r)
				}
			}
			return len(jobs) == len(shortJobs), r.String()
		})
	}
}

// holderWatch samples, every pollPeriod, who a node shows holding a lock.
type holderWatch struct {
	stopped chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	seen    []holderSample
}

type holderSample struct {
	at     time.Time
	holder string // "" when free
}

func watchLockHolder(n *localcluster.Node, name string) *holderWatch {
	w := &holderWatch{stopped: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stopped:
				return
			case <-time.After(pollPeriod):
			}
			at := time.Now()
			lock, err := lockSeenBy(n, name)
			if err != nil {
				continue
			}
			holder := ""
			if lock.Held {
				holder = lock.holder()
			}
			w.mu.Lock()
			w.seen = append(w.seen, holderSample{at: at, holder: holder})
			w.mu.Unlock()
		}
	}()
	return w
}

func (w *holderWatch) stop() []holderSample {
	close(w.stopped)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen
}
