// Package e2e is the real-cluster end-to-end suite of clusterdemo:
// it starts Mattermost nodes on one PostgreSQL with dev/localcluster,
// installs the bundle `make dist` built, and drives the plugin as an
// administrator would, through the REST API, the slash command and a real
// browser, while killing nodes and restarting the database underneath it.
//
// The tests are behind the build tag e2e, so `go test ./...` does not start
// a cluster:
//
//	make dist
//	MM_VERSION=5.39.3 go test -tags e2e -count=1 -v -timeout 30m ./dev/e2e/...
//	MM_VERSION=6.7.2 go test -tags e2e -count=1 -v -timeout 30m ./dev/e2e/...
//
// -short is refused (exit status 2) rather than passing without running
// anything; choose checks with -run.
//
// Environment: MM_VERSION (5.39.3 by default; every check runs on 6.7.2
// too but the graceful node restart, which 6.7.2 makes impossible: it
// closes the database before it deactivates plugins), CLUSTERDEMO_BUNDLE (dist/clusterdemo-<version>.tar.gz by
// default). Each run writes its node folders and logs, the reaper's log and
// the browser's screenshots under .e2e/<time>-<version>/ at the repository
// root.
//
// One TestMain starts the cluster for every test: nodes 1 and 2, and a node 3
// that is stopped at once and brought back only by the kill -9 checks (so two
// nodes survive a kill and can contend). Each test leaves the cluster as it
// found it, or the next one's health check restores it. A second copy of the
// test binary, the reaper, stops the nodes by their pid files and drops the
// run's database however this process ends (panic, -timeout, SIGKILL).
//
// The browser checks run browser/dashboard.mjs and browser/login.mjs (which
// share browser/harness.mjs) with node: playwright-core
// from npm (npm ci when browser/node_modules is missing) driving Debian's
// chromium (apt-get install when /usr/bin/chromium is missing).
//
// Waits poll a condition with a deadline and, on timeout, print what was
// last seen and every node's log tail; the deadlines are named in
// bounds_test.go after what they protect.
package e2e
