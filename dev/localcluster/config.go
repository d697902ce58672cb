package localcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Config says what cluster Start brings up. The zero value of every field
// but Dir has a working default.
type Config struct {
	// Version of Mattermost to run; DefaultVersion when empty (see Versions).
	Version string
	// Nodes is the number of Mattermost servers; 2 when zero.
	Nodes int
	// FirstPort: nodes listen on FirstPort, FirstPort+1, …; when zero each
	// gets a random free port, so a leftover node never breaks a new run.
	FirstPort int
	// Dir holds the node folders, the shared file store and cluster.json.
	// Start clears what an earlier run left there (stopping its nodes).
	Dir string
	// RepoRoot is the repository holding build/mmserver*; found from the
	// working directory when empty.
	RepoRoot string
	// Database is created afresh on every Start; DBUser owns it.
	Database   string // "clusterdemo_local" when empty
	DBUser     string // "clusterdemo" when empty
	DBPassword string // "clusterdemo" when empty
	// Bundle, when set, is installed and enabled on every node as PluginID.
	Bundle   string
	PluginID string
	// PluginProbe, when set, is a path under /plugins/<PluginID> that must
	// answer 200 to the admin on every node before Start returns.
	PluginProbe string
	// PluginPage, when set, is a page under /plugins/<PluginID> for people
	// (the dashboard): the nodes' root page links to it and their login
	// page returns to it by default.
	PluginPage string
	// StartTimeout bounds each wait: a node answering ping, a plugin
	// running and answering. 2 minutes when zero.
	StartTimeout time.Duration
	// Logf receives progress lines; silent when nil.
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() (Config, error) {
	if c.Version == "" {
		c.Version = DefaultVersion
	}
	if _, ok := serverBuilds[c.Version]; !ok {
		return c, fmt.Errorf("unknown Mattermost version %q (known: %v)", c.Version, Versions())
	}
	if c.Nodes == 0 {
		c.Nodes = 2
	}
	if c.Nodes < 1 || c.Nodes > 9 {
		return c, fmt.Errorf("nodes must be between 1 and 9, not %d", c.Nodes)
	}
	if c.FirstPort < 0 || c.FirstPort+c.Nodes-1 > 65535 {
		return c, fmt.Errorf("first port %d out of range", c.FirstPort)
	}
	if c.Dir == "" {
		return c, fmt.Errorf("Config.Dir is required")
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return c, err
	}
	c.Dir = dir
	if c.RepoRoot == "" {
		if c.RepoRoot, err = FindRepoRoot(); err != nil {
			return c, err
		}
	}
	if c.Database == "" {
		c.Database = "clusterdemo_local"
	}
	if c.DBUser == "" {
		c.DBUser = "clusterdemo"
	}
	if c.DBPassword == "" {
		c.DBPassword = "clusterdemo"
	}
	if !identifier.MatchString(c.Database) || !identifier.MatchString(c.DBUser) {
		return c, fmt.Errorf("database %q and user %q must be lower-case identifiers", c.Database, c.DBUser)
	}
	if c.Bundle != "" {
		if c.PluginID == "" {
			return c, fmt.Errorf("Config.PluginID is required with Config.Bundle")
		}
		if _, err := os.Stat(c.Bundle); err != nil {
			return c, fmt.Errorf("plugin bundle: %w (run make dist first)", err)
		}
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = 2 * time.Minute
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return c, nil
}

// FindRepoRoot walks up from the working directory to the folder holding
// build/mmserver/go.mod.
func FindRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "build", "mmserver", "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("not inside the clusterdemo repository (no build/mmserver/go.mod above the working directory)")
		}
		dir = parent
	}
}
