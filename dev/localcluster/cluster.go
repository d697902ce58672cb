// Package localcluster runs a real Mattermost cluster on this machine for
// the demo and the end-to-end tests: PostgreSQL (installed and started when
// needed), a fresh database, N Mattermost server processes sharing it and
// one file store, an admin, an ordinary user and a team, and the plugin
// installed and enabled on every node.
//
// Several Team Edition nodes on one database are not a licensed High
// Availability cluster: they share the database (and so the plugin
// key-value store), but cluster events and websocket events do not cross
// nodes.
package localcluster

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Cluster is a running local cluster.
type Cluster struct {
	Version  string
	Nodes    []*Node // Nodes[0] is node 1
	Postgres *Postgres
	Database string

	Admin      Account
	User       Account
	AdminToken string // a session token of Admin, valid on every node
	TeamID     string

	Timings Timings
	config  Config
}

// Timings are the measured durations of Start's steps.
type Timings struct {
	Postgres      time.Duration // ensure installed and running, create the database
	ServerBuild   time.Duration // build or locate the server binary
	FirstNode     time.Duration // node 1 start to ping (it migrates the fresh database)
	OtherNodes    time.Duration // the other nodes, started together
	PluginInstall time.Duration // upload, enable and wait, every node
}

// Start brings up the cluster cfg describes. On any failure, and when ctx is
// cancelled, it stops every node it started before returning the error.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	keepInheritedFilesFromChildren()
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Version: cfg.Version, Database: cfg.Database, config: cfg}
	if err := c.start(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	cfg := c.config
	if err := resetDir(cfg.Dir, cfg.Logf); err != nil {
		return err
	}
	ports, err := choosePorts(cfg)
	if err != nil {
		return err
	}

	began := time.Now()
	if c.Postgres, err = EnsurePostgres(ctx, cfg.Logf); err != nil {
		return err
	}
	if err := c.Postgres.CreateDatabase(ctx, cfg.Database, cfg.DBUser, cfg.DBPassword); err != nil {
		return err
	}
	c.Timings.Postgres = time.Since(began)

	began = time.Now()
	server, err := BuildServer(ctx, cfg.RepoRoot, cfg.Version, cfg.Logf)
	if err != nil {
		return err
	}
	c.Timings.ServerBuild = time.Since(began)

	secret := model.NewRandomString(32)
	for i, port := range ports {
		node := &Node{Index: i + 1, Port: port, URL: fmt.Sprintf("http://localhost:%d", port),
			Dir: filepath.Join(cfg.Dir, fmt.Sprintf("node%d", i+1)), server: server}
		settings := nodeSettings{Port: port, Dir: node.Dir, FilesDir: filepath.Join(cfg.Dir, "files"), Secret: secret, Home: cfg.homePath(),
			DataSource: c.Postgres.DataSource(cfg.Database, cfg.DBUser, cfg.DBPassword)}
		if err := prepareNodeDir(server, settings); err != nil {
			return fmt.Errorf("node %d folder: %w", node.Index, err)
		}
		c.Nodes = append(c.Nodes, node)
	}

	// Node 1 alone migrates the fresh database; nodes racing to create the
	// same tables fail.
	began = time.Now()
	cfg.Logf("starting node 1 on port %d (Mattermost %s)", ports[0], cfg.Version)
	if err := c.startNode(ctx, c.Nodes[0]); err != nil {
		return err
	}
	c.Timings.FirstNode = time.Since(began)
	began = time.Now()
	if err := c.eachNode(c.Nodes[1:], func(n *Node) error {
		cfg.Logf("starting node %d on port %d", n.Index, n.Port)
		return c.startNode(ctx, n)
	}); err != nil {
		return err
	}
	c.Timings.OtherNodes = time.Since(began)

	if c.Admin, c.User, c.AdminToken, c.TeamID, err = createAccounts(c.Nodes[0].Client()); err != nil {
		return fmt.Errorf("node 1: %w", err)
	}

	if cfg.Bundle != "" {
		began = time.Now()
		if err := c.InstallPlugin(ctx, cfg.Bundle, cfg.PluginID); err != nil {
			return err
		}
		c.Timings.PluginInstall = time.Since(began)
	}
	return c.writeState()
}

func (c *Cluster) startNode(ctx context.Context, n *Node) error {
	ctx, cancel := context.WithTimeout(ctx, c.config.StartTimeout)
	defer cancel()
	return n.Start(ctx)
}

// AdminClient is a REST client for node n, signed in as the admin.
func (c *Cluster) AdminClient(n *Node) *model.Client4 {
	client := n.Client()
	client.SetToken(c.AdminToken)
	return client
}

// Login signs in as account on node n (e.g. c.User, to check refusals).
func (c *Cluster) Login(n *Node, account Account) (*model.Client4, error) {
	client := n.Client()
	if _, resp := client.Login(account.Username, account.Password); resp.Error != nil {
		return nil, fmt.Errorf("node %d: logging in as %s: %s", n.Index, account.Username, resp.Error.Error())
	}
	return client, nil
}

// Stop stops every node (SIGTERM, then SIGKILL after a grace period). The
// database and folders stay for inspection; the next Start resets them.
func (c *Cluster) Stop() error {
	return c.eachNode(c.Nodes, func(n *Node) error { return n.Stop() })
}

// LogTails returns the last lines of every node's logs, for diagnostics.
func (c *Cluster) LogTails(lines int) string {
	var b strings.Builder
	for _, n := range c.Nodes {
		b.WriteString(n.LogTail(lines))
	}
	return b.String()
}

// eachNode runs f on the nodes concurrently and joins their errors.
func (c *Cluster) eachNode(nodes []*Node, f func(*Node) error) error {
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(n)
		}()
	}
	wg.Wait()
	return joinOneLine(errs)
}

// joinOneLine joins the non-nil errors with "; ": errors.Join's newlines
// would break the one-line failure message the demo promises.
func joinOneLine(errs []error) error {
	var msgs []string
	for _, err := range errs {
		if err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}
