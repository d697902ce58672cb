package main

import (
	"fmt"
	"io"

	"github.com/clusterdemo/clusterdemo/bench/report"
)

// table collects the rows of the printed results table.
type table struct {
	rows   [][5]string
	missed int
}

// row adds a line; met is whether ours meets the target (rows without a
// target are informational and always "met").
func (t *table) row(metric, target, ours, comparator string, met bool) {
	status := ""
	if target != "" {
		status = "ok"
		if !met {
			status = "MISSED"
			t.missed++
		}
	}
	t.rows = append(t.rows, [5]string{metric, target, ours, comparator, status})
}

func (t *table) print(w io.Writer) {
	rows := make([][]string, len(t.rows))
	for i, r := range t.rows {
		rows[i] = r[:]
	}
	fmt.Fprint(w, report.Markdown([]string{"Metric", "Target (ours)", "Ours", "Comparator", "Met"}, rows))
}
