// Package e2e is the real-cluster end-to-end suite of clusterdemo: it starts
// Mattermost nodes on one PostgreSQL with build/localcluster, installs the
// bundle `make dist` built, and drives the plugin as an administrator would,
// through the REST API, the slash command and a real browser, while killing
// nodes and restarting the database underneath it.
//
// The tests are behind the build tag e2e, so `go test ./...` does not start
// a cluster:
//
//	make dist
//	go test -tags e2e -count=1 -v -timeout 30m ./e2e/...
//	MM_VERSION=6.7.2 go test -tags e2e -count=1 -v -timeout 30m ./e2e/...
//
// Environment: MM_VERSION (5.39.3 by default; 6.7.2 runs the install,
// who-holds-the-lock, slash-command and kill -9 tests), CLUSTERDEMO_BUNDLE
// (dist/clusterdemo-<version>.tar.gz by default). Each run writes its node
// folders, logs and screenshots under .e2e/<run>/ at the repository root.
package e2e
