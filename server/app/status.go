package app

import "time"

// Status is everything the panel shows, in one answer.
type Status struct {
	// Node is the node answering.
	Node  Node
	Nodes []Node
	Locks []Lock
	Jobs  []Job
	// Stress is the last stress run; nil when none ran.
	Stress      *StressStatus
	GeneratedAt time.Time
}
