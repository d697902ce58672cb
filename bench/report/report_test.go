package report

import (
	"testing"
	"time"
)

// The summary of 1..100 ms: a mean or a rank off by one shows here.
func TestSummarize(t *testing.T) {
	var samples []time.Duration
	for i := 100; i >= 1; i-- {
		samples = append(samples, time.Duration(i)*time.Millisecond)
	}
	got := Summarize(samples)
	want := Summary{N: 100, Mean: 50.5, P50: 50, P90: 90, P99: 99, Max: 100}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	if (Summarize(nil) != Summary{}) {
		t.Error("the summary of nothing is not zero")
	}
}

func TestMarkdown(t *testing.T) {
	got := Markdown([]string{"Figure", "Target"}, [][]string{{"a", "≤ 1"}, {"b", ""}})
	want := "| Figure | Target |\n|---|---|\n| a | ≤ 1 |\n| b | — |\n"
	if got != want {
		t.Errorf("Markdown =\n%s\nwant\n%s", got, want)
	}
}
