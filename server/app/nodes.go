package app

import (
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// The node registry: every plugin instance (one per Mattermost node) writes a
// record of itself to the shared KV store and refreshes it on a timer, so any
// node can tell which nodes exist and which are still alive.
const (
	nodeHeartbeatPeriod = 5 * time.Second
	// A node is alive while its heartbeat is younger than three periods: one
	// missed beat (a slow database, a GC pause) must not mark a node dead.
	nodeAliveWindow = 3 * nodeHeartbeatPeriod
	// A dead node's record lingers this long so the panel can show it as gone
	// rather than have it silently vanish; then the store expires it.
	nodeRecordTTL = 10 * time.Minute

	nodeKeyPrefix = keyPrefix + "node_"
)

// Node is a plugin instance as the registry shows it.
type Node struct {
	ID        string
	Name      string
	StartedAt time.Time
	// LastSeenAt is the last heartbeat.
	LastSeenAt    time.Time
	Version       string
	ServerVersion string
	// Alive: the heartbeat is younger than the alive window.
	Alive bool
	// Self: the node answering.
	Self bool
}

// nodeRecord is a node as stored.
type nodeRecord struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	StartedAt     time.Time `json:"started_at"`
	LastSeenAt    time.Time `json:"last_seen_at"`
	Version       string    `json:"version"`
	ServerVersion string    `json:"server_version"`
}

// NodeName is the human name of this node: ClusterSettings.OverrideHostname
// when set, else the host name plus the port of ServiceSettings.ListenAddress.
func NodeName(overrideHostname, listenAddress string) string {
	if name := strings.TrimSpace(overrideHostname); name != "" {
		return name
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	if _, port, err := net.SplitHostPort(listenAddress); err == nil && port != "" {
		return host + ":" + port
	}
	return host
}

type nodeRegistry struct {
	kv       kvStore
	now      func() time.Time
	onChange func(kind, name string)
	// period is nodeHeartbeatPeriod; tests shorten it before Start.
	period time.Duration

	mu   sync.Mutex
	self nodeRecord
	// alive is the set of node IDs seen alive at the last heartbeat, to notice
	// other nodes joining and leaving.
	alive map[string]bool

	stop chan struct{}
	done chan struct{}
}

func newNodeRegistry(kv kvStore, self nodeRecord, now func() time.Time, onChange func(kind, name string)) *nodeRegistry {
	return &nodeRegistry{kv: kv, self: self, now: now, onChange: onChange, period: nodeHeartbeatPeriod, alive: map[string]bool{}}
}

func nodeKey(id string) string { return nodeKeyPrefix + id }

// Self returns this node's record as last written.
func (r *nodeRegistry) Self() nodeRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.self
}

// Start registers this node and keeps its heartbeat fresh until Stop. A
// store that is down at this moment (a database restart) is not fatal: the
// plugin would otherwise stay deactivated until someone re-enables it, while
// the next heartbeat registers the node as soon as the store is back.
func (r *nodeRegistry) Start() {
	if err := r.beat(); err != nil {
		r.kv.LogError("clusterdemo: registering this node failed; retrying at the next heartbeat", "err", err.Error())
	}
	r.onChange("node", r.self.Name)
	r.stop = make(chan struct{})
	r.done = make(chan struct{})
	go r.loop()
}

func (r *nodeRegistry) loop() {
	defer close(r.done)
	ticker := time.NewTicker(r.period)
	defer ticker.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-ticker.C:
			if err := r.beat(); err != nil {
				// A failed beat is not fatal: the next one may succeed before
				// the alive window closes.
				r.kv.LogError("clusterdemo: node heartbeat failed", "err", err.Error())
			}
			r.noticeOthers()
		}
	}
}

func (r *nodeRegistry) beat() error {
	r.mu.Lock()
	rec := r.self
	rec.LastSeenAt = r.now()
	r.mu.Unlock()
	if err := kvSetJSON(r.kv, nodeKey(rec.ID), rec, int64(nodeRecordTTL/time.Second)); err != nil {
		return err
	}
	r.mu.Lock()
	r.self = rec
	r.mu.Unlock()
	return nil
}

// noticeOthers publishes a change for every node that joined or died since
// the last heartbeat, so open panels refetch.
func (r *nodeRegistry) noticeOthers() {
	nodes, err := r.list(newKVReads(r.kv))
	if err != nil {
		r.kv.LogError("clusterdemo: listing nodes failed", "err", err.Error())
		return
	}
	now := r.now()
	seen := map[string]bool{}
	var changed []string
	r.mu.Lock()
	for _, n := range nodes {
		alive := r.isAlive(n, now)
		seen[n.ID] = alive
		if alive != r.alive[n.ID] {
			changed = append(changed, n.Name)
		}
	}
	r.alive = seen
	r.mu.Unlock()
	for _, name := range changed {
		r.onChange("node", name)
	}
}

// Stop ends the heartbeat and removes this node's record.
func (r *nodeRegistry) Stop() {
	if r.stop != nil {
		close(r.stop)
		<-r.done
		r.stop = nil
	}
	if aerr := r.kv.KVDelete(nodeKey(r.self.ID)); aerr != nil {
		r.kv.LogError("clusterdemo: removing node record failed", "err", aerr.Error())
	}
	r.onChange("node", r.self.Name)
}

// list returns every registered node, oldest first, through a request's
// reads: the records are read in parallel.
func (r *nodeRegistry) list(reads *kvReads) ([]nodeRecord, error) {
	keys, err := reads.keysWithPrefix(nodeKeyPrefix)
	if err != nil {
		return nil, err
	}
	nodes, err := readRecords[nodeRecord](reads, keys)
	if err != nil {
		return nil, err
	}
	sort.Slice(nodes, func(i, j int) bool {
		if !nodes[i].StartedAt.Equal(nodes[j].StartedAt) {
			return nodes[i].StartedAt.Before(nodes[j].StartedAt)
		}
		return nodes[i].ID < nodes[j].ID
	})
	return nodes, nil
}

func (r *nodeRegistry) isAlive(n nodeRecord, now time.Time) bool {
	return now.Sub(n.LastSeenAt) < nodeAliveWindow
}

// node is a record as seen at now.
func (r *nodeRegistry) node(n nodeRecord, now time.Time) Node {
	return Node{
		ID:            n.ID,
		Name:          n.Name,
		StartedAt:     n.StartedAt,
		LastSeenAt:    n.LastSeenAt,
		Version:       n.Version,
		ServerVersion: n.ServerVersion,
		Alive:         r.isAlive(n, now),
		Self:          n.ID == r.Self().ID,
	}
}

// nodes lists every registered node as seen now, through a request's reads.
func (r *nodeRegistry) nodes(reads *kvReads) ([]Node, error) {
	records, err := r.list(reads)
	if err != nil {
		return nil, err
	}
	now := r.now()
	out := make([]Node, 0, len(records))
	for _, n := range records {
		out = append(out, r.node(n, now))
	}
	return out, nil
}
