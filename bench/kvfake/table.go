package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

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
	head := [5]string{"Metric", "Target (ours)", "Ours", "Comparator", "Met"}
	all := append([][5]string{head}, t.rows...)
	var width [5]int
	for _, r := range all {
		for i, c := range r {
			if n := utf8.RuneCountInString(c); n > width[i] {
				width[i] = n
			}
		}
	}
	line := func(r [5]string) {
		cells := make([]string, 5)
		for i, c := range r {
			cells[i] = c + strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	line(head)
	seps := [5]string{}
	for i := range seps {
		seps[i] = strings.Repeat("-", width[i])
	}
	line(seps)
	for _, r := range t.rows {
		line(r)
	}
}
