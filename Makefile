# clusterdemo — build, test, deploy and demo the plugin.
#
#   make dist          the installable bundle dist/clusterdemo-<version>.tar.gz
#   make test          everything CI runs (.ci/run calls exactly this)
#   make demo          a real local Mattermost cluster with the plugin installed
#   make demo-stop     stop the nodes `make demo` started
#   make demo-command CMD="/clusterdemo status" [DEMO_USER=user1] [DEMO_NODE=2]
#                      run a slash command on the demo cluster, print the reply
#   make deploy        upload and enable the bundle on MM_SERVICESETTINGS_SITEURL
#
# MM_DEBUG=1 builds the server for this machine's platform only (fast iteration).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := dist

GO ?= go
NPM ?= npm
export GOFLAGS ?= -buildvcs=false

PLUGIN_ID := $(shell $(GO) run ./build/manifest id)
PLUGIN_VERSION := $(shell $(GO) run ./build/manifest version)
BUNDLE := dist/$(PLUGIN_ID)-$(PLUGIN_VERSION).tar.gz

ALL_PLATFORMS := linux-amd64 linux-arm64 darwin-amd64 darwin-arm64 windows-amd64
ifneq ($(MM_DEBUG),)
PLATFORMS := $(shell $(GO) env GOOS)-$(shell $(GO) env GOARCH)
else
PLATFORMS := $(ALL_PLATFORMS)
endif

# The local cluster: version of the Mattermost server and number of nodes.
MM_VERSION ?= 5.39.3
NODES ?= 2

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: all dist server webapp bundle manifest test vet go-test webapp-test bundle-test e2e \
	check-style deploy demo demo-stop demo-command bench bench-cluster e2e-broken fuzz clean

all: check-style test dist

## manifest: regenerate the server and webapp constants from plugin.json
manifest:
	$(GO) run ./build/manifest apply

## server: the plugin executables, CGO off, one per platform
server: manifest
	@rm -rf server/dist && mkdir -p server/dist
	@for platform in $(PLATFORMS); do \
		os=$${platform%-*}; arch=$${platform#*-}; ext=""; \
		if [ "$$os" = windows ]; then ext=.exe; fi; \
		echo "server: $$platform"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -o server/dist/plugin-$$platform$$ext ./server; \
	done

## webapp: webapp/dist/main.js (plugin bundle) and webapp/dist/dashboard.js
webapp/node_modules: webapp/package.json webapp/package-lock.json
	cd webapp && $(NPM) ci --no-audit --no-fund
	@touch $@

webapp: manifest webapp/node_modules
	cd webapp && $(NPM) run build

## dist: the bundle Mattermost installs
dist: server webapp
	rm -f $(BUNDLE)
	$(GO) run ./build/bundle -out dist

bundle: dist

## test: vet, race-enabled Go tests, webapp tests, the bundle check, the real-cluster suite
# One make invocation, so the bundle is built once for all of them.
test: dist vet go-test webapp-test bundle-test e2e

vet: manifest
	$(GO) vet ./...
	$(GO) vet -tags e2e ./dev/e2e/...
	cd bench && $(GO) vet ./...

go-test:
	$(GO) test -race -count=1 ./...
	cd bench && $(GO) test -race -count=1 ./...

# The built-bundle test needs webapp/dist, which the webapp target builds;
# jest runs directly so `make test` does not build the webapp twice.
webapp-test: webapp
	cd webapp && npx jest --ci

bundle-test: dist
	CLUSTERDEMO_BUNDLE=$(abspath $(BUNDLE)) CLUSTERDEMO_PLATFORMS="$(PLATFORMS)" \
		$(GO) test -count=1 -run TestProducedBundle -v ./build/bundle

## e2e: the real-cluster suite (real Mattermost nodes, PostgreSQL, chromium), on
## every version in E2E_VERSIONS: every check on each, but the graceful node
## restart on 6.7.2 (it closes the database before deactivating plugins)
E2E_VERSIONS ?= 5.39.3 6.7.2
e2e: dist
	@for version in $(E2E_VERSIONS); do \
		echo "e2e: Mattermost $$version"; \
		CLUSTERDEMO_BUNDLE=$(abspath $(BUNDLE)) MM_VERSION=$$version \
			$(GO) test -tags e2e -count=1 -v -timeout 30m ./dev/e2e/... || exit 1; \
	done

## check-style: go vet and staticcheck; eslint and tsc --noEmit
check-style: vet webapp/node_modules
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) -tags e2e ./dev/e2e/...
	cd bench && $(GO) run $(STATICCHECK) ./...
	cd webapp && $(NPM) run lint && $(NPM) run check-types

## fuzz: a longer run of the command parser fuzzer than make test's seed run
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./server/command -run '^$$' -fuzz FuzzParseCommand -fuzztime $(FUZZTIME)

## deploy: upload and enable the bundle on the server named by MM_SERVICESETTINGS_SITEURL
deploy: dist
	$(GO) run ./build/deploy $(BUNDLE)

## demo: a real local cluster — Mattermost Team Edition $(MM_VERSION), $(NODES) nodes on one PostgreSQL
demo: dist
	$(GO) run ./dev/demo up --nodes $(NODES) --version $(MM_VERSION) --bundle $(BUNDLE)

demo-stop:
	$(GO) run ./dev/demo down

## demo-command: run CMD on the demo cluster through the command API, as the
## admin or DEMO_USER, on node 1 or DEMO_NODE, and print the ephemeral reply.
## CMD reaches the program through the environment, so any quoting survives.
demo-command:
	@if [ -z "$${CMD:-}" ]; then echo 'usage: make demo-command CMD="/clusterdemo status" [DEMO_USER=user1] [DEMO_NODE=2]' >&2; exit 2; fi
	$(GO) run ./dev/demo command $(if $(DEMO_USER),-user '$(DEMO_USER)') $(if $(DEMO_NODE),-node '$(DEMO_NODE)') "$$CMD"

## bench: the cluster package beside mattermost-plugin-api's on the KV fake
bench:
	cd bench && $(GO) run ./kvfake

## bench-cluster: both implementations on real nodes (bench/results/).
## The plugin is built from bench/plugin, which adds the benchmark routes and
## the comparator to the product's plugin, into a bundle of its own.
BENCH_ROOT := dist/bench/root
HOST_PLATFORM := $(shell $(GO) env GOOS)-$(shell $(GO) env GOARCH)
bench-cluster: manifest webapp
	rm -rf $(BENCH_ROOT) && mkdir -p $(BENCH_ROOT)/server/dist $(BENCH_ROOT)/webapp
	cp -r plugin.json assets $(BENCH_ROOT)/
	cp -r webapp/dist $(BENCH_ROOT)/webapp/
	cd bench && CGO_ENABLED=0 $(GO) build -trimpath -o ../$(BENCH_ROOT)/server/dist/plugin-$(HOST_PLATFORM) ./plugin
	$(GO) run ./build/bundle -root $(BENCH_ROOT) -out dist/bench
	cd bench && $(GO) run ./realnodes

## e2e-broken: the e2e checks (E2E_RUN, a -run pattern) against a plugin
## with one deliberate fault (BROKEN, a variant of dev/brokenplugin), to show
## that they fail on a wrong implementation. Never part of `make test`.
BROKEN_ROOT := dist/broken/root
E2E_RUN ?= .
e2e-broken: manifest webapp
	@test -n "$(BROKEN)" || { echo "e2e-broken: set BROKEN to a variant of dev/brokenplugin"; exit 2; }
	rm -rf $(BROKEN_ROOT) && mkdir -p $(BROKEN_ROOT)/server/dist $(BROKEN_ROOT)/webapp
	cp -r plugin.json assets $(BROKEN_ROOT)/
	cp -r webapp/dist $(BROKEN_ROOT)/webapp/
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BROKEN_ROOT)/server/dist/plugin-$(HOST_PLATFORM) ./dev/brokenplugin
	$(GO) run ./build/bundle -root $(BROKEN_ROOT) -out dist/broken
	CLUSTERDEMO_BROKEN=$(BROKEN) CLUSTERDEMO_BUNDLE=$(abspath dist/broken/$(PLUGIN_ID)-$(PLUGIN_VERSION).tar.gz) MM_VERSION=$(MM_VERSION) \
		$(GO) test -tags e2e -count=1 -v -timeout 30m -run '$(E2E_RUN)' ./dev/e2e/...

clean:
	rm -rf dist server/dist webapp/dist build/bin
