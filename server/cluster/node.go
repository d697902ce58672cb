package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"os"
)

// Node names a plugin instance in leases and job records.
type Node struct {
	// ID identifies the instance; by default a random id made when the
	// package first sees a plugin API value. The plugin should set a stable
	// one (for example the Mattermost cluster node id) with SetNode.
	ID string `json:"id"`
	// Name is for people: by default the host name.
	Name string `json:"name"`
}

// SetNode names this plugin instance in every lease and job record made
// through pluginAPI from now on. Empty fields keep their current value.
// Leases already held keep the name they were taken with.
func SetNode(pluginAPI MutexPluginAPI, node Node) {
	inst := instanceFor(pluginAPI)
	inst.mu.Lock()
	defer inst.mu.Unlock()
	if node.ID != "" {
		inst.node.ID = node.ID
	}
	if node.Name != "" {
		inst.node.Name = node.Name
	}
}

func defaultNode() Node {
	name, err := os.Hostname()
	if err != nil || name == "" {
		name = "unknown"
	}
	return Node{ID: randomID(8), Name: name}
}

// randomID returns n random bytes, hex encoded.
func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms; a panic here
		// would be a broken system, not bad input.
		panic("cluster: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}
