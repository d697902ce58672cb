package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// TestReadmePerformanceIsWhatTheResultsGenerate fails when a figure or a
// sentence of the README's Performance section was typed or edited by hand,
// when the committed results changed without the README, and when server/
// changed after the results' commit without the section saying so (the
// wanted section names the changed folders, from git). Without git or the
// results' commit (a shallow clone) it fails and says why: it cannot tell.
func TestReadmePerformanceIsWhatTheResultsGenerate(t *testing.T) {
	root := repoRoot(t)
	want, err := wantedPerformance(root)
	if err != nil {
		t.Fatalf("cannot generate the README's Performance section: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, got, _, err := readmeSection(string(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("README.md's Performance section is not what %s generates; run `cd bench && go run ./realnodes -readme`.\n--- README\n%s\n--- generated\n%s",
			resultsPath(root), got, want)
	}
}

// The section says when server/ changed after the run, and not otherwise.
func TestPerformanceSectionSaysWhenServerChanged(t *testing.T) {
	root := repoRoot(t)
	r, err := loadResults(resultsPath(root))
	if err != nil {
		t.Fatal(err)
	}
	const warning = "The plugin's server code has changed since this run"
	changed, err := performanceSection(r, []string{"server/cluster"})
	if err != nil {
		t.Fatal(err)
	}
	same, err := performanceSection(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(changed, warning) || !strings.Contains(changed, "`server/cluster`") || strings.Contains(same, warning) {
		t.Errorf("the warning should appear exactly when server/ changed:\nchanged:\n%s\nunchanged:\n%s", changed, same)
	}
}

// serverChangesSince refuses a commit git does not have, rather than
// reporting no change.
func TestServerChangesFailsOnAnUnknownCommit(t *testing.T) {
	root := repoRoot(t)
	if _, err := serverChangesSince(root, "0123456789ab"); err == nil {
		t.Error("an unknown commit (as in a shallow clone) was taken as no change")
	}
}

// The whole run's duplicate-key lines are attributed to workload and
// implementation by the key each names.
func TestDBErrorsByWorkload(t *testing.T) {
	got := dbErrorsByWorkload(pgErrors{ByKey: map[string]int{
		"mutex_bc-x-clus-ab": 3, "fence_bc-x-clus-ab": 1, "mutex_cron_bc-j-comp-cd": 2, "cd_bench_dup_x": 1,
	}})
	if got["x"][implOurs] != 4 || got["j"][implComparator] != 2 || len(got) != 2 {
		t.Errorf("got %v", got)
	}
}

// repoRoot is the repository the tests read the committed results and the
// README from.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := localcluster.FindRepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}
