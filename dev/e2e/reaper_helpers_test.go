//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// The reaper is a second copy of the test binary, in its own session, that
// waits for the suite's process to end however it ends, then stops the nodes
// left in the cluster folder (by the pid files localcluster writes, checked
// against /proc) and any process whose executable lies in that folder (the
// plugins of a node killed mid-test), starts PostgreSQL again if a test was
// stopped while it was down, and drops the run's database. Deferred calls
// cover a normal exit; they do not run when a test panics, when go test's
// -timeout fires, or on SIGKILL. The reaper does.

// reaperEnv names the cluster folder; its presence makes TestMain a reaper.
// reaperDatabaseEnv names the run's database, which the reaper drops.
const (
	reaperEnv         = "CLUSTERDEMO_E2E_REAPER"
	reaperDatabaseEnv = "CLUSTERDEMO_E2E_REAPER_DATABASE"
)

type reaper struct {
	cmd  *exec.Cmd
	pipe io.WriteCloser // closed by us or by the kernel when we die
	done chan struct{}
}

// startReaper starts the reaper for clusterDir and database, logging to
// runDir/reaper.log.
func startReaper(clusterDir, runDir, database string) (*reaper, error) {
	logFile, err := os.Create(filepath.Join(runDir, "reaper.log"))
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), reaperEnv+"="+clusterDir, reaperDatabaseEnv+"="+database)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	pipe, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the reaper: %w", err)
	}
	r := &reaper{cmd: cmd, pipe: pipe, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(r.done)
	}()
	return r, nil
}

// finish tells the reaper the suite is over and waits for its clean-up.
func (r *reaper) finish() {
	_ = r.pipe.Close()
	select {
	case <-r.done:
	case <-time.After(time.Minute):
		fmt.Fprintf(os.Stderr, "e2e: the reaper (pid %d) did not finish within a minute\n", r.cmd.Process.Pid)
	}
}

// runReaper blocks until stdin reaches end of file (the suite closed it or
// died), then cleans up.
func runReaper(clusterDir string) int {
	fmt.Printf("reaper: watching %s (parent pid %d)\n", clusterDir, os.Getppid())
	_, _ = io.Copy(io.Discard, os.Stdin)
	stopped, err := localcluster.StopDir(clusterDir)
	for _, pid := range stopped {
		fmt.Printf("reaper: stopped node pid %d left running\n", pid)
	}
	if err != nil {
		fmt.Println("reaper:", err)
	}
	if strays := killProcessesUnder(clusterDir); len(strays) > 0 {
		fmt.Printf("reaper: killed processes left running from the cluster folder (plugins of killed nodes): %v\n", strays)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pg, err := localcluster.EnsurePostgres(ctx, func(f string, a ...any) { fmt.Printf("reaper: "+f+"\n", a...) })
	if err != nil {
		fmt.Println("reaper: PostgreSQL:", err)
		return 1
	}
	if database := os.Getenv(reaperDatabaseEnv); database != "" {
		if err := pg.DropDatabase(ctx, database); err != nil {
			fmt.Println("reaper: dropping the database:", err)
			return 1
		}
	}
	fmt.Println("reaper: done")
	return 0
}
