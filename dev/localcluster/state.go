package localcluster

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// StateFileName is written into Config.Dir once the cluster is up, for
// people and tools that come later (a debugging session, a deploy): node
// URLs and pids, accounts and the admin token.
const StateFileName = "cluster.json"

type stateNode struct {
	Index int    `json:"index"`
	URL   string `json:"url"`
	Pid   int    `json:"pid"`
	Dir   string `json:"dir"`
}

type state struct {
	Version    string      `json:"version"`
	Database   string      `json:"database"`
	Nodes      []stateNode `json:"nodes"`
	Admin      Account     `json:"admin"`
	AdminToken string      `json:"admin_token"`
	User       Account     `json:"user"`
	TeamID     string      `json:"team_id"`
}

func (c *Cluster) writeState() error {
	s := state{Version: c.Version, Database: c.Database, Admin: c.Admin, AdminToken: c.AdminToken, User: c.User, TeamID: c.TeamID}
	for _, n := range c.Nodes {
		s.Nodes = append(s.Nodes, stateNode{Index: n.Index, URL: n.URL, Pid: n.Pid(), Dir: n.Dir})
	}
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.config.Dir, StateFileName), raw, 0o600)
}
