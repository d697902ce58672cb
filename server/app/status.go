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
	Stress *StressStatus
	// Settings are what the answering node runs with.
	Settings    Settings
	GeneratedAt time.Time
	// AsOf is when the oldest part of the answer was read from the store;
	// GeneratedAt minus AsOf is at most StatusMaxAge.
	AsOf time.Time
	// Timeline is what this node saw happen over the last HistorySpan.
	Timeline Timeline
}
