package localcluster

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// StateFileName is written into Config.Dir once the cluster is up, for
// people and tools that come later (a debugging session, a deploy): node
// URLs and pids, accounts and the admin token.
const StateFileName = "cluster.json"

// StateNode is a node as the state file records it.
type StateNode struct {
	Index int    `json:"index"`
	URL   string `json:"url"`
	Pid   int    `json:"pid"`
	Dir   string `json:"dir"`
}

// State is the content of the state file.
type State struct {
	Version    string      `json:"version"`
	Database   string      `json:"database"`
	Nodes      []StateNode `json:"nodes"`
	Admin      Account     `json:"admin"`
	AdminToken string      `json:"admin_token"`
	User       Account     `json:"user"`
	TeamID     string      `json:"team_id"`
}

func (c *Cluster) writeState() error {
	s := State{Version: c.Version, Database: c.Database, Admin: c.Admin, AdminToken: c.AdminToken, User: c.User, TeamID: c.TeamID}
	for _, n := range c.Nodes {
		s.Nodes = append(s.Nodes, StateNode{Index: n.Index, URL: n.URL, Pid: n.Pid(), Dir: n.Dir})
	}
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.config.Dir, StateFileName), raw, 0o600)
}

// ReadState reads the state file a running cluster wrote into dir.
func ReadState(dir string) (*State, error) {
	raw, err := os.ReadFile(filepath.Join(dir, StateFileName))
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, StateFileName), err)
	}
	return &s, nil
}
