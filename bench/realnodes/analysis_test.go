package main

import (
	"testing"
	"time"
)

func TestAnalyzeContentionCountsOverlapsAcrossNodes(t *testing.T) {
	ms := int64(time.Millisecond)
	node1 := nodeContention{Acquisitions: []acquisition{
		{AcquiredNS: 0, ReleasedNS: 2 * ms, WaitUS: 100},
		{AcquiredNS: 10 * ms, ReleasedNS: 12 * ms, WaitUS: 5000},
	}}
	node2 := nodeContention{
		Acquisitions: []acquisition{
			{AcquiredNS: 3 * ms, ReleasedNS: 5 * ms, WaitUS: 200},     // after node 1's first: fine
			{AcquiredNS: 11 * ms, ReleasedNS: 13 * ms, WaitUS: 30000}, // inside node 1's second: overlap
		},
		UnfinishedWaitsUS: []int64{40000},
	}
	p := fullPlan
	got := analyzeContention(p, []nodeContention{node1, node2}, pgErrors{Lines: 2}, nil)
	if got.Overlaps != 1 {
		t.Errorf("overlaps = %d, want 1", got.Overlaps)
	}
	if got.Acquisitions != 4 || got.AcquisitionsPerNode[0] != 2 || got.AcquisitionsPerNode[1] != 2 {
		t.Errorf("acquisitions = %d %v, want 4 [2 2]", got.Acquisitions, got.AcquisitionsPerNode)
	}
	if got.MaxWaitMS != 40 {
		t.Errorf("max wait = %v ms, want 40 (the unfinished wait is the longest)", got.MaxWaitMS)
	}
	if got.DBErrorsPer100 != 50 {
		t.Errorf("db errors per 100 = %v, want 50", got.DBErrorsPer100)
	}
}

func TestAnalyzeJob(t *testing.T) {
	p := fullPlan // 2 s interval, 100 ms runs
	s := int64(time.Second)
	ms := int64(time.Millisecond)
	runs := []jobRun{
		{StartedNS: 0, FinishedNS: 100 * ms, node: 0},
		{StartedNS: 2*s + 10*ms, FinishedNS: 2*s + 110*ms, node: 1},  // on time by start (+10 ms)
		{StartedNS: 4*s + 500*ms, FinishedNS: 4*s + 600*ms, node: 0}, // late (+490 ms)
		{StartedNS: 4*s + 550*ms, FinishedNS: 4*s + 650*ms, node: 1}, // early and overlapping
		{StartedNS: 9*s + 0*ms, FinishedNS: 9*s + 100*ms, node: 0},   // an interval missed
	}
	got := analyzeJob(p, implOurs, runs, 2)
	if got.EarlyStarts != 1 || got.MissedIntervals != 1 || got.Overlaps != 1 || got.ExactlyOncePerInterval {
		t.Errorf("early %d missed %d overlaps %d exactly-once %v, want 1 1 1 false", got.EarlyStarts, got.MissedIntervals, got.Overlaps, got.ExactlyOncePerInterval)
	}
	if got.RunsPerNode[0] != 3 || got.RunsPerNode[1] != 2 {
		t.Errorf("runs per node = %v, want [3 2]", got.RunsPerNode)
	}

	// The comparator's due time is the previous finish plus the interval.
	good := []jobRun{
		{StartedNS: 0, FinishedNS: 100 * ms},
		{StartedNS: 2*s + 120*ms, FinishedNS: 2*s + 220*ms},
	}
	got = analyzeJob(p, implComparator, good, 2)
	if !got.ExactlyOncePerInterval || got.Delay.P50 != 20 {
		t.Errorf("comparator: exactly-once %v delay %v ms, want true 20", got.ExactlyOncePerInterval, got.Delay.P50)
	}
}
