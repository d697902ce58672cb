package main

import (
	"strings"
	"testing"
)

// A run that counted the KV calls of a polled panel shows them in each
// status row, per node, and says what they are; a run that did not shows
// neither. Catches a figure dropped from the table, or an explanation of a
// figure the table does not have.
func TestStatusRowsShowPanelKVCallsWhenMeasured(t *testing.T) {
	root := repoRoot(t)
	r, err := loadResults(resultsPath(root))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Status) == 0 {
		t.Fatal("the committed results have no status rows")
	}
	const explained = "The **KV calls/s"
	for i := range r.Status {
		r.Status[i].PanelKVCallsPerS = nil // a run that did not count them
	}
	without, err := performanceSection(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(without, explained) || strings.Contains(without, "KV calls/s with a panel open") {
		t.Errorf("a run without the count mentions it:\n%s", without)
	}
	for i := range r.Status {
		r.Status[i].PanelKVCallsPerS = []float64{123.4, 2.5}
	}
	with, err := performanceSection(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(with, "KV calls/s with a panel open on node 1, per node: 123 / 2.50"); got < len(r.Status) || !strings.Contains(with, explained) {
		t.Errorf("%d status rows carry the count (want %d), explanation present: %v:\n%s", got, len(r.Status), strings.Contains(with, explained), with)
	}
}
