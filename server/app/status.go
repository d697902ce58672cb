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

// Self returns this node as the registry shows it.
func (a *App) Self() Node {
	return a.nodes.node(a.nodes.Self(), a.now())
}

// Nodes returns every registered node, oldest first.
func (a *App) Nodes() ([]Node, error) {
	return a.nodes.nodes(newKVReads(a.api))
}

// Status reads its parts at once, through one kvReads: each part's items
// are read in parallel, the keys are listed once for all parts, and the
// whole request keeps at most statusReadParallelism calls in flight. The
// error is that of the first failed part in the order nodes, locks, jobs,
// stress.
func (a *App) Status() (Status, error) {
	reads := newKVReads(a.api)
	var out Status
	err := allOf(
		func() (err error) { out.Nodes, err = a.nodes.nodes(reads); return err },
		func() (err error) { out.Locks, err = a.locks.list(reads); return err },
		func() (err error) { out.Jobs, err = a.jobList(reads); return err },
		func() (err error) { out.Stress, err = a.stress.status(reads); return err },
	)
	if err != nil {
		return Status{}, err
	}
	out.Node = a.Self()
	out.GeneratedAt = a.now()
	return out, nil
}
