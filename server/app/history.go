package app

import (
	"sort"
	"sync"
	"time"
)

// The timeline's history is kept in this node's memory, built from the
// observations the status cache makes anyway: it costs no KV call. It
// covers the time a panel has been watching this node (the cache reads
// only then), and its bounds keep it small whatever the number of locks.
const (
	// HistorySpan is how far back the history reaches.
	HistorySpan = 10 * time.Minute
	// historyMaxHolds and historyMaxNodeEvents bound the entries kept; the
	// oldest ended ones go first.
	historyMaxHolds      = 500
	historyMaxNodeEvents = 100
)

// HoldEnd says how a hold ended.
type HoldEnd string

const (
	// HoldReleased: the lock was seen free.
	HoldReleased HoldEnd = "released"
	// HoldTaken: the lock was seen held by a later acquisition.
	HoldTaken HoldEnd = "taken"
	// HoldNodeGone: the holder node's heartbeat was lost.
	HoldNodeGone HoldEnd = "node gone"
	// HoldExpired: the lease lapsed unrefreshed.
	HoldExpired HoldEnd = "expired"
)

// Hold is one acquisition of a lock as this node saw it.
type Hold struct {
	Lock         string
	HolderID     string
	HolderName   string
	From         time.Time
	FencingToken uint64
	// To is zero while the hold is open.
	To      time.Time
	EndedBy HoldEnd
}

// NodeEventKind is what happened to a node.
type NodeEventKind string

const (
	NodeJoined    NodeEventKind = "joined"
	NodeGone      NodeEventKind = "gone"
	NodeRestarted NodeEventKind = "restarted"
)

// NodeEvent is a node joining, its heartbeat lost, or it restarting.
type NodeEvent struct {
	NodeID string
	Name   string
	At     time.Time
	Kind   NodeEventKind
}

// Timeline is the history as served: holds and node events of the last
// HistorySpan, oldest first.
type Timeline struct {
	From       time.Time
	To         time.Time
	Holds      []Hold
	NodeEvents []NodeEvent
}

// history turns successive observations of locks and nodes into holds and
// node events.
type history struct {
	now func() time.Time

	mu     sync.Mutex
	start  time.Time
	holds  []Hold
	events []NodeEvent
	// open is the index in holds of each lock's open hold.
	open map[string]int
	// seenAt is when each lock was last observed, so an older observation
	// arriving late (a full read begun before this node's own change) is
	// ignored.
	seenAt map[string]time.Time
	// nodes is the last observation of each node.
	nodes   map[string]Node
	nodesAt time.Time
}

func newHistory(now func() time.Time) *history {
	return &history{now: now, open: map[string]int{}, seenAt: map[string]time.Time{}, nodes: map[string]Node{}}
}

// observe records locks (each as of its ObservedAt) and, when nodes is not
// nil, the nodes as of at.
func (h *history) observe(at time.Time, locks []Lock, nodes []Node) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.start.IsZero() || at.Before(h.start) {
		h.start = at
	}
	for _, l := range locks {
		h.observeLockLocked(l)
	}
	if nodes != nil && !at.Before(h.nodesAt) {
		h.observeNodesLocked(at, nodes)
	}
	h.pruneLocked(h.now())
}

func (h *history) observeLockLocked(l Lock) {
	if l.ObservedAt.Before(h.seenAt[l.Name]) {
		return
	}
	h.seenAt[l.Name] = l.ObservedAt
	i, isOpen := h.open[l.Name]
	if isOpen {
		cur := h.holds[i]
		same := l.Held && l.HolderID == cur.HolderID && l.FencingToken == cur.FencingToken && l.AcquiredAt.Equal(cur.From)
		switch {
		case same && !l.ExpiresAt.IsZero() && l.ExpiresAt.Before(l.ObservedAt):
			h.closeLocked(l.Name, l.ExpiresAt, HoldExpired)
			return
		case same:
			return
		case l.Held:
			end := l.ObservedAt
			if l.AcquiredAt.After(cur.From) && l.AcquiredAt.Before(end) {
				end = l.AcquiredAt
			}
			h.closeLocked(l.Name, end, HoldTaken)
		default:
			h.closeLocked(l.Name, l.ObservedAt, HoldReleased)
			return
		}
	}
	if !l.Held || (!l.ExpiresAt.IsZero() && l.ExpiresAt.Before(l.ObservedAt)) || h.endedLocked(l) {
		return
	}
	if n, ok := h.nodes[l.HolderID]; ok && !n.Alive {
		return
	}
	from := l.AcquiredAt
	if from.IsZero() {
		from = l.ObservedAt
	}
	h.open[l.Name] = len(h.holds)
	h.holds = append(h.holds, Hold{Lock: l.Name, HolderID: l.HolderID, HolderName: l.HolderName, From: from, FencingToken: l.FencingToken})
}

// endedLocked reports whether the acquisition l shows was already seen to
// end (a dead holder's lease stays in the store until taken over).
func (h *history) endedLocked(l Lock) bool {
	for i := len(h.holds) - 1; i >= 0; i-- {
		x := h.holds[i]
		if x.Lock == l.Name && x.HolderID == l.HolderID && x.FencingToken == l.FencingToken && x.From.Equal(l.AcquiredAt) {
			return !x.To.IsZero()
		}
	}
	return false
}

func (h *history) closeLocked(lock string, at time.Time, by HoldEnd) {
	i := h.open[lock]
	h.holds[i].To, h.holds[i].EndedBy = at, by
	delete(h.open, lock)
}

func (h *history) observeNodesLocked(at time.Time, nodes []Node) {
	first := h.nodesAt.IsZero()
	for _, n := range nodes {
		prev, known := h.nodes[n.ID]
		switch {
		case first:
		case !known && n.Alive:
			h.events = append(h.events, NodeEvent{NodeID: n.ID, Name: n.Name, At: n.StartedAt, Kind: NodeJoined})
		case known && prev.Alive && !n.Alive:
			h.events = append(h.events, NodeEvent{NodeID: n.ID, Name: n.Name, At: at, Kind: NodeGone})
		case known && !prev.StartedAt.IsZero() && n.StartedAt.After(prev.StartedAt):
			h.events = append(h.events, NodeEvent{NodeID: n.ID, Name: n.Name, At: n.StartedAt, Kind: NodeRestarted})
		}
		h.nodes[n.ID] = n
		if !n.Alive {
			h.endHoldsOfLocked(n.ID, at)
		}
	}
	h.nodesAt = at
}

// endHoldsOfLocked ends the open holds of a node whose heartbeat was lost:
// it holds nothing any more, whatever its last lease says until it lapses.
func (h *history) endHoldsOfLocked(nodeID string, at time.Time) {
	for lock, i := range h.open {
		if h.holds[i].HolderID == nodeID {
			h.closeLocked(lock, at, HoldNodeGone)
		}
	}
}

// pruneLocked drops what ended before the span and the oldest ended entries
// beyond the bounds.
func (h *history) pruneLocked(now time.Time) {
	cut := now.Add(-HistorySpan)
	if h.start.Before(cut) {
		h.start = cut
	}
	ended := 0
	for _, x := range h.holds {
		if !x.To.IsZero() {
			ended++
		}
	}
	drop := ended - (historyMaxHolds - len(h.open))
	kept := h.holds[:0]
	for _, x := range h.holds {
		if !x.To.IsZero() && (x.To.Before(cut) || drop > 0) {
			drop--
			continue
		}
		kept = append(kept, x)
	}
	h.holds = kept
	for i, x := range h.holds {
		if x.To.IsZero() {
			h.open[x.Lock] = i
		}
	}
	for len(h.events) > 0 && (h.events[0].At.Before(cut) || len(h.events) > historyMaxNodeEvents) {
		h.events = h.events[1:]
	}
	for name, t := range h.seenAt {
		if _, isOpen := h.open[name]; !isOpen && t.Before(cut) {
			delete(h.seenAt, name)
		}
	}
}

// timeline returns the history up to now, oldest first.
func (h *history) timeline() Timeline {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	h.pruneLocked(now)
	out := Timeline{From: h.start, To: now, Holds: append([]Hold(nil), h.holds...), NodeEvents: append([]NodeEvent(nil), h.events...)}
	sort.SliceStable(out.Holds, func(i, j int) bool { return out.Holds[i].From.Before(out.Holds[j].From) })
	sort.SliceStable(out.NodeEvents, func(i, j int) bool { return out.NodeEvents[i].At.Before(out.NodeEvents[j].At) })
	return out
}
