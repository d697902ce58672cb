// Command realnodes measures the cluster package on real Mattermost
// nodes beside the widely used implementation (mattermost-plugin-api v0.0.19
// cluster); `make bench-cluster` runs it.
//
//	cd bench && go run ./realnodes [-bundle dist/bench/clusterdemo-<version>.tar.gz] [-out bench/results] [-quick] [-keep]
//
// It brings up a 2-node local cluster (dev/localcluster) on a database of
// its own, installs the bundle built from bench/plugin (whose
// plugin carries the benchmark routes and both implementations), turns the
// demo jobs off, and drives every workload through the plugin's routes on
// both nodes, for both implementations, in one run. It reads the plugin
// processes' RSS from /proc and counts PostgreSQL's duplicate-key ERROR
// lines in the server log during the contention and waiting windows. It prints one
// table and writes it with every figure as JSON, and a chart as SVG.
//
// -quick shortens every workload to check the harness; its figures mean
// nothing and it writes outside the repository unless -out says otherwise.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/build/pluginmanifest"
	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// database is the benchmark's own: localcluster drops and re-creates it,
// and the log is filtered by it.
const database = "clusterdemo_bench"

// pluginID is read from plugin.json at start.
var pluginID string

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchcluster:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := localcluster.FindRepoRoot()
	if err != nil {
		return err
	}
	manifest, err := pluginmanifest.Load(filepath.Join(root, "plugin.json"))
	if err != nil {
		return err
	}
	pluginID = manifest.Id

	bundle := flag.String("bundle", filepath.Join(root, "dist", "bench", pluginmanifest.BundleName(manifest)), "plugin bundle built from bench/plugin")
	out := flag.String("out", "", "folder for the results (default bench/results, or a temporary folder with -quick)")
	quick := flag.Bool("quick", false, "short workloads, to check the harness only")
	keep := flag.Bool("keep", false, "leave the cluster running afterwards")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "clusterdemo-benchcluster"), "folder for the nodes")
	pgLogPath := flag.String("pglog", "", "PostgreSQL server log (default Debian's /var/log/postgresql/postgresql-<version>-<cluster>.log)")
	version := flag.String("version", localcluster.DefaultVersion, "Mattermost version")
	flag.Parse()

	p := fullPlan
	if *quick {
		p = quickPlan
	}
	if *out == "" {
		*out = filepath.Join(root, "bench", "results")
		if *quick {
			*out = filepath.Join(os.TempDir(), "clusterdemo-benchcluster-quick")
		}
	}
	if _, err := os.Stat(*bundle); err != nil {
		return fmt.Errorf("bench bundle: %w (make bench-cluster builds it)", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	began := time.Now()
	res := &results{Date: began.UTC(), LoadBefore: loadAverage(), Quick: *quick, Plan: p, Nodes: 2, Impls: map[string]*implResults{}}
	res.Commit, res.ServerDirty = sourceVersion(root)

	logf := func(format string, args ...any) {
		fmt.Printf("benchcluster %6.1fs: %s\n", time.Since(began).Seconds(), fmt.Sprintf(format, args...))
	}
	cluster, err := localcluster.Start(ctx, localcluster.Config{
		Version:     *version,
		Nodes:       res.Nodes,
		Dir:         *dir,
		RepoRoot:    root,
		Database:    database,
		Bundle:      *bundle,
		PluginID:    pluginID,
		PluginProbe: "/api/v1/bench/runtime",
		Logf:        logf,
	})
	if err != nil {
		return err
	}
	if *keep {
		defer logf("cluster left running in %s (stop with: kill the pids in its node*/mattermost.pid, or run again)", *dir)
	} else {
		defer func() {
			logf("stopping the cluster")
			_ = cluster.Stop()
		}()
	}
	res.Mattermost = cluster.Version
	res.Machine = describeMachine(cluster.Postgres.Version)
	if *pgLogPath == "" {
		*pgLogPath = fmt.Sprintf("/var/log/postgresql/postgresql-%s-%s.log", cluster.Postgres.Version, cluster.Postgres.Cluster)
	}

	b := &bench{plan: p, pg: &pgLog{path: *pgLogPath, database: database}, logf: logf, runID: model.NewId()[:8]}
	for _, n := range cluster.Nodes {
		node := newBenchNode(n.Index, n.URL, cluster.AdminToken)
		if err := quietDemo(ctx, cluster.AdminClient(n), node); err != nil {
			return fmt.Errorf("node %d: %w", n.Index, err)
		}
		b.nodes = append(b.nodes, node)
	}
	whole, err := b.pg.open()
	if err != nil {
		return err
	}
	if err := measure(ctx, b, res); err != nil {
		fmt.Fprint(os.Stderr, cluster.LogTails(5))
		return err
	}
	if res.WholeRun, err = whole.close(); err != nil {
		return err
	}
	res.LoadAfter = loadAverage()
	res.Duration = time.Since(began).Round(time.Second).String()
	res.Table = buildTable(res)
	res.Notes = notes(res)
	fmt.Print("\n" + markdown(res.Table) + "\n")
	for _, n := range res.Notes {
		fmt.Println("- " + n)
	}
	return write(*out, res)
}

// attempt runs one step and reports whether PostgreSQL restarted meanwhile.
func (b *bench) attempt(run func() error) (restarted bool, err error) {
	window, err := b.pg.open()
	if err != nil {
		return false, err
	}
	err = run()
	seen, cerr := window.close()
	if err == nil {
		err = cerr
	}
	return seen.Restarts > 0, err
}

// quietDemo turns the plugin's demo jobs off on a node (each node keeps its
// own config.json), so their lock traffic is not measured with ours, and
// checks that it took: asking to run a demo job then answers 409. The key
// is set as plugin.json spells it and as the System Console saves it (lower
// case); both say the same.
func quietDemo(ctx context.Context, client *model.Client4, node *benchNode) error {
	patch := &model.Config{PluginSettings: model.PluginSettings{Plugins: map[string]map[string]interface{}{
		pluginID: {"DemoWorkload": false, "demoworkload": false},
	}}}
	if _, resp := client.PatchConfig(patch); resp.Error != nil {
		return fmt.Errorf("turning the demo jobs off: %s", resp.Error.Error())
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := node.post(ctx, "/api/v1/jobs/quick/run", nil, nil)
		if err != nil && strings.Contains(err.Error(), "409") {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the demo jobs still run after DemoWorkload was set to false (running the quick job answered: %v)", err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// step is one workload (for one implementation) or reading.
type step struct {
	name string
	run  func() error
}

// measure runs every workload, each for both implementations, in the
// order of the results table.
func measure(ctx context.Context, b *bench, res *results) error {
	b.logf("settling %s before the idle reading", b.plan.Settle)
	time.Sleep(b.plan.Settle)
	for _, impl := range implNames {
		res.Impls[impl] = &implResults{}
	}
	steps := []step{
		{"idle reading", func() (err error) { res.IdleBefore, err = b.runtime(ctx); return err }},
		{"checking that the PostgreSQL log shows one deliberate duplicate-key error", func() error { return b.checkLogCounts(ctx) }},
		{"KV call cost", func() (err error) { res.KVCost, err = b.kvCost(ctx); return err }},
		{fmt.Sprintf("status route with %d locks and %d jobs", b.plan.StatusLocks, b.plan.StatusJobs), func() (err error) {
			res.Status, err = b.status(ctx)
			return err
		}},
	}
	perImpl := []struct {
		name string
		run  func(impl string, r *implResults) error
	}{
		{"uncontended Lock+Unlock", func(impl string, r *implResults) (err error) {
			r.Uncontended, err = b.uncontended(ctx, impl)
			return err
		}},
		{"same-node handoff", func(impl string, r *implResults) (err error) {
			r.LocalHandoff, err = b.localHandoff(ctx, impl)
			return err
		}},
		{"cross-node handoff", func(impl string, r *implResults) (err error) {
			r.CrossHandoff, err = b.crossHandoff(ctx, impl)
			return err
		}},
		{"contention", func(impl string, r *implResults) (err error) {
			r.Contention, err = b.contention(ctx, impl)
			return err
		}},
		{"node waiting on a held lock", func(impl string, r *implResults) (err error) {
			r.Waiting, err = b.waiting(ctx, impl)
			return err
		}},
		{"job start jitter", func(impl string, r *implResults) (err error) {
			r.Job, err = b.jobs(ctx, impl)
			return err
		}},
	}
	for _, w := range perImpl {
		for _, impl := range implNames {
			steps = append(steps, step{w.name + ": " + impl, func() error { return w.run(impl, res.Impls[impl]) }})
		}
	}
	steps = append(steps, step{"idle reading after the workloads", func() (err error) {
		time.Sleep(b.plan.Settle)
		res.IdleAfter, err = b.runtime(ctx)
		return err
	}})

	for _, st := range steps {
		b.logf("%s", st.name)
		restarted, err := b.attempt(st.run)
		if (err != nil || restarted) && ctx.Err() == nil {
			// The PostgreSQL server is shared with other work on this
			// machine and may restart under a workload: run the step again
			// once, on fresh names, and say so in the results.
			why := "PostgreSQL restarted during it"
			if err != nil {
				why = err.Error()
			}
			res.Retries = append(res.Retries, fmt.Sprintf("%s (%s)", st.name, why))
			b.logf("%s: %s; running it again in 15 s", st.name, why)
			time.Sleep(15 * time.Second)
			b.runID = model.NewId()[:8]
			restarted, err = b.attempt(st.run)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		if restarted {
			res.Suspect = append(res.Suspect, st.name)
		}
	}
	return nil
}
