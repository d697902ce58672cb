package localcluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Postgres is one local PostgreSQL cluster as Debian's postgresql-common
// names it (pg_lsclusters): a version, a cluster name and a port.
type Postgres struct {
	Version string
	Cluster string
	Port    int
}

// identifier is what CreateDatabase accepts as a role or database name, so
// names can be put into SQL without quoting rules to get wrong.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// EnsurePostgres installs PostgreSQL with apt-get when it is missing, starts
// the first cluster with pg_ctlcluster when it is down, and waits until it
// accepts connections.
func EnsurePostgres(ctx context.Context, logf func(string, ...any)) (*Postgres, error) {
	pg, err := findPostgres(ctx)
	if err != nil {
		logf("PostgreSQL not found (%v); installing it with apt-get", err)
		if err := installPostgres(ctx); err != nil {
			return nil, fmt.Errorf("PostgreSQL is not installed and apt-get could not install it: %w", err)
		}
		if pg, err = findPostgres(ctx); err != nil {
			// The packages can be present with no cluster (it was dropped,
			// or the package was told not to create one).
			if pg, err = createPostgresCluster(ctx); err != nil {
				return nil, fmt.Errorf("PostgreSQL is installed but has no cluster, and creating one failed: %w", err)
			}
		}
	}
	if err := pg.Start(ctx); err != nil {
		return nil, err
	}
	return pg, nil
}

// findPostgres picks the first cluster pg_lsclusters lists.
func findPostgres(ctx context.Context) (*Postgres, error) {
	if _, err := exec.LookPath("pg_ctlcluster"); err != nil {
		return nil, err
	}
	out, err := run(ctx, nil, "pg_lsclusters", "--no-header")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 3 {
			continue
		}
		port, err := strconv.Atoi(fields[2])
		if err != nil {
			continue
		}
		return &Postgres{Version: fields[0], Cluster: fields[1], Port: port}, nil
	}
	return nil, fmt.Errorf("pg_lsclusters lists no cluster")
}

// createPostgresCluster creates cluster "main" for the newest installed
// server version.
func createPostgresCluster(ctx context.Context) (*Postgres, error) {
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(versions) == 0 {
		return nil, fmt.Errorf("no PostgreSQL server binaries under /usr/lib/postgresql")
	}
	sort.Slice(versions, func(i, j int) bool { return postgresMajor(versions[i]) < postgresMajor(versions[j]) })
	version := strconv.Itoa(postgresMajor(versions[len(versions)-1]))
	if _, err := run(ctx, nil, "pg_createcluster", version, "main"); err != nil {
		return nil, err
	}
	return findPostgres(ctx)
}

// postgresMajor reads the version out of /usr/lib/postgresql/<version>/bin/postgres.
func postgresMajor(binary string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(binary))))
	return v
}

func installPostgres(ctx context.Context) error {
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if _, err := run(ctx, env, "apt-get", "update"); err != nil {
		return err
	}
	_, err := run(ctx, env, "apt-get", "install", "-y", "postgresql")
	return err
}

// Start starts the cluster if it is down and waits until it accepts
// connections. Starting a running cluster is not an error.
func (p *Postgres) Start(ctx context.Context) error {
	keepInheritedFilesFromChildren()
	if !p.online(ctx) {
		if _, err := run(ctx, nil, "pg_ctlcluster", p.Version, p.Cluster, "start"); err != nil && !p.online(ctx) {
			return fmt.Errorf("PostgreSQL %s/%s cannot start: %w", p.Version, p.Cluster, err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := p.psql(ctx, "SELECT 1")
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("PostgreSQL %s/%s started but does not accept connections: %w", p.Version, p.Cluster, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop stops the cluster (fast mode: open sessions are disconnected, as in a
// database restart that clients must survive).
func (p *Postgres) Stop(ctx context.Context) error {
	if _, err := run(ctx, nil, "pg_ctlcluster", p.Version, p.Cluster, "stop", "-m", "fast"); err != nil && p.online(ctx) {
		return fmt.Errorf("PostgreSQL %s/%s cannot stop: %w", p.Version, p.Cluster, err)
	}
	return nil
}

func (p *Postgres) online(ctx context.Context) bool {
	out, err := run(ctx, nil, "pg_lsclusters", "--no-header", p.Version, p.Cluster)
	return err == nil && strings.Contains(out, "online")
}

// CreateDatabase makes (or resets the password of) a login role and creates
// the database afresh, owned by it. An existing database of that name is
// dropped first, with its connections.
func (p *Postgres) CreateDatabase(ctx context.Context, name, user, password string) error {
	if !identifier.MatchString(name) || !identifier.MatchString(user) {
		return fmt.Errorf("database %q and user %q must be lower-case identifiers", name, user)
	}
	quoted := "'" + strings.ReplaceAll(password, "'", "''") + "'"
	role := fmt.Sprintf(`DO $$ BEGIN
IF EXISTS (SELECT FROM pg_roles WHERE rolname = '%[1]s') THEN ALTER ROLE %[1]s LOGIN PASSWORD %[2]s;
ELSE CREATE ROLE %[1]s LOGIN PASSWORD %[2]s; END IF; END $$`, user, quoted)
	for _, sql := range []string{
		role,
		fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name),
		fmt.Sprintf("CREATE DATABASE %s OWNER %s", name, user),
	} {
		if _, err := p.psql(ctx, sql); err != nil {
			return fmt.Errorf("creating database %s: %w", name, err)
		}
	}
	return nil
}

// DropDatabase removes a database made by CreateDatabase.
func (p *Postgres) DropDatabase(ctx context.Context, name string) error {
	if !identifier.MatchString(name) {
		return fmt.Errorf("database %q must be a lower-case identifier", name)
	}
	_, err := p.psql(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	return err
}

// DataSource is the connection string Mattermost's SqlSettings.DataSource takes.
func (p *Postgres) DataSource(database, user, password string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=10",
		user, password, p.Port, database)
}

// psql runs one statement as the postgres superuser over the local socket
// (peer authentication, hence runuser when we are root).
func (p *Postgres) psql(ctx context.Context, sql string) (string, error) {
	args := []string{"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-p", strconv.Itoa(p.Port), "-d", "postgres", "-c", sql}
	if os.Geteuid() == 0 {
		args = append([]string{"runuser", "-u", "postgres", "--"}, args...)
	}
	return run(ctx, nil, args[0], args[1:]...)
}

// run executes a command and returns its output; a failure carries the last
// line of the output, which is where these tools say what went wrong.
func run(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s: %v: %s", name, err, lastLine(out.String()))
	}
	return out.String(), nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
