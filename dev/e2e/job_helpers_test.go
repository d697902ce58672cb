//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// Short job settings for the suite, set through the server configuration API
// on every node (Team Edition nodes each keep their own config.json).
// Intervals keep each job at most 20 runs a minute, the length of the
// history the plugin keeps, and slow's run time long enough to be caught
// mid-run and well inside its interval.
var shortJobs = map[string]jobSpec{
	"quick":  {interval: 4 * time.Second, runTime: 100 * time.Millisecond},
	"slow":   {interval: 10 * time.Second, runTime: 4 * time.Second},
	"digest": {interval: 6 * time.Second},
}

// jobSpec is a demo job's short settings.
type jobSpec struct {
	interval time.Duration
	runTime  time.Duration // how long a run works (configured, or the plugin's fixed 100 ms for quick)
}

// keyStyle is how setting keys are spelled in PluginSettings.Plugins.
type keyStyle int

const (
	// consoleKeys: lower case, as the System Console saves plugin settings
	// (it lower-cases every settings_schema key), and so as an
	// administrator's config.json holds them.
	consoleKeys keyStyle = iota
	// manifestKeys: spelled as in plugin.json's settings_schema.
	manifestKeys
)

// jobSettings are the plugin settings for shortJobs, keys spelled in style.
func jobSettings(style keyStyle) map[string]any {
	settings := map[string]any{
		"QuickIntervalSeconds":  shortJobs["quick"].interval.Seconds(),
		"SlowIntervalSeconds":   shortJobs["slow"].interval.Seconds(),
		"SlowRunSeconds":        shortJobs["slow"].runTime.Seconds(),
		"DigestIntervalSeconds": shortJobs["digest"].interval.Seconds(),
		"DemoWorkload":          true,
	}
	if style == consoleKeys {
		lower := map[string]any{}
		for k, v := range settings {
			lower[strings.ToLower(k)] = v
		}
		return lower
	}
	return settings
}

// useShortJobIntervals configures shortJobs on every node, keys spelled in
// style, and waits until every node's jobs run on them. The schedule test sets them as
// the System Console does; the other checks only need short intervals.
func useShortJobIntervals(t *testing.T, style keyStyle) {
	t.Helper()
	for _, n := range suite.active {
		patchPluginSettings(t, n, jobSettings(style))
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
				if want, ok := shortJobs[j.Name]; ok && j.IntervalMS != want.interval.Milliseconds() {
					return false, fmt.Sprintf("%s has interval_ms %d, want %d: %s", j.Name, j.IntervalMS, want.interval.Milliseconds(), r)
				}
			}
			return len(jobs) == len(shortJobs), r.String()
		})
	}
}

// patchPluginSettings sets the plugin's settings on n with PUT
// /api/v4/config/patch, sending only PluginSettings.Plugins so that the same
// request is right for every server version.
func patchPluginSettings(t *testing.T, n *localcluster.Node, settings map[string]any) {
	t.Helper()
	patch := map[string]any{"PluginSettings": map[string]any{"Plugins": map[string]any{pluginID: settings}}}
	raw, err := json.Marshal(patch)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPut, n.URL+"/api/v4/config/patch", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	suite.admin().auth(req)
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("node %d: PUT /api/v4/config/patch: %v", n.Index, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("node %d: PUT /api/v4/config/patch: %s %s", n.Index, resp.Status, body)
	}
}

// getJob is GET /jobs/{name} on n.
func getJob(n *localcluster.Node, name string) (apiJob, error) {
	r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/jobs/"+name, nil)
	if err != nil {
		return apiJob{}, err
	}
	if r.status != http.StatusOK {
		return apiJob{}, fmt.Errorf("GET /api/v1/jobs/%s on node %d: %s", name, n.Index, r)
	}
	var job apiJob
	return job, jsonDecode(r, &job)
}

// runLog merges the run histories seen over time (each answer holds only the
// last 20 runs) into one set, keyed by start time and node.
type runLog map[string]apiRun

func (l runLog) add(runs []apiRun) {
	for _, r := range runs {
		if r.StartedAt != nil {
			l[r.StartedAt.UTC().Format(time.RFC3339Nano)+" "+r.Node] = r
		}
	}
}

// between returns the runs that started in [from, to], oldest first.
func (l runLog) between(from, to time.Time) []apiRun {
	var runs []apiRun
	for _, r := range l {
		if !r.StartedAt.Before(from) && !r.StartedAt.After(to) {
			runs = append(runs, r)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].StartedAt.Before(*runs[j].StartedAt) })
	return runs
}

func runDuration(r apiRun) time.Duration {
	if r.DurationMS == nil {
		return 0
	}
	return time.Duration(*r.DurationMS) * time.Millisecond
}

func describeRuns(runs []apiRun) string {
	parts := make([]string, 0, len(runs))
	for _, r := range runs {
		parts = append(parts, r.String())
	}
	return strings.Join(parts, "\n  ")
}

// checkNoOverlap fails if a run started before the previous one ended.
func checkNoOverlap(t *testing.T, job string, runs []apiRun) {
	t.Helper()
	for i := 1; i < len(runs); i++ {
		prevEnd := runs[i-1].StartedAt.Add(runDuration(runs[i-1]))
		if runs[i].StartedAt.Before(prevEnd.Add(-timestampRounding)) {
			t.Errorf("%s: overlapping runs: %s began before %s ended\n  %s", job, runs[i], runs[i-1], describeRuns(runs))
		}
	}
}

// waitSlowRunningFor waits until the slow job has been running for at least
// into on some node, and returns the job as node 1 then reported it.
func waitSlowRunningFor(t *testing.T, spec jobSpec, into time.Duration) apiJob {
	t.Helper()
	var running apiJob
	eventually(t, fmt.Sprintf("slow running for %v", into), 2*spec.interval+spec.runTime+jobWakeSlack, func() (bool, string) {
		job, err := getJob(suite.node(1), "slow")
		if err != nil {
			return false, err.Error()
		}
		running = job
		return job.Running && job.RunningOn != nil && job.LastStartedAt != nil && time.Since(*job.LastStartedAt) >= into,
			fmt.Sprintf("running %v on %s since %s", job.Running, deref(job.RunningOn), fmtTime(job.LastStartedAt))
	})
	return running
}
