// Command plugin is the clusterdemo plugin with the benchmark routes of
// `make bench-cluster` (bench/realnodes) and the comparator
// (mattermost-plugin-api v0.0.19 cluster) added through the plugin's
// WithRoutes option. It lives in the benchmark module, so the released
// plugin cannot contain any of it.
package main

import (
	"context"
	"net/http"
	"os"
	"runtime"

	mmplugin "github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/cluster"
	"github.com/clusterdemo/clusterdemo/server/httpapi"
	"github.com/clusterdemo/clusterdemo/server/plugin"
)

func main() {
	mmplugin.ClientMain(plugin.New(plugin.WithAPI(countProductCalls), plugin.WithRoutes(benchRoutes)))
}

// countProductCalls has the plugin's application call the server through a
// counting API, so the status workload can say what an open panel costs a
// node in KV calls (GET /api/v1/bench/kvcalls).
func countProductCalls(api pluginAPI) pluginAPI { return &countingAPI{pluginAPI: api} }

// pluginAPI is the server's plugin API, which both implementations take.
type pluginAPI = mmplugin.API

// scratchKeyPrefix names the KV keys the single-node workloads write and
// delete again, in the plugin's own key space.
const scratchKeyPrefix = "cd_bench_"

// benchNode is what the benchmark handlers use of the active plugin, and
// the state they keep between requests; a new one per activation.
type benchNode struct {
	api  pluginAPI
	node cluster.Node
	// ctx ends when the plugin deactivates.
	ctx context.Context

	// productCalls counts the KV calls of the plugin's application (nil
	// if the plugin was built without countProductCalls).
	productCalls *countingAPI

	handles    handleTable
	jobs       scheduledJobs
	statusHeld statusHeld
}

// benchRoutes are the benchmark's routes on this node. They are for system
// admins only, like every other route of the API.
func benchRoutes(h plugin.Host) []httpapi.Route {
	s := &benchNode{api: h.API, node: h.Node, ctx: h.Context}
	s.productCalls, _ = h.API.(*countingAPI)
	s.handles.byID = map[string]*benchHandle{}
	s.jobs.byName = map[string]*benchScheduled{}
	route := func(method, path string, handler httpapi.JSONHandler) httpapi.Route {
		return httpapi.Route{Method: method, Path: path, Access: httpapi.AdminOnly, JSON: handler}
	}
	return []httpapi.Route{
		route(http.MethodGet, "/api/v1/bench/runtime", s.handleBenchRuntime),
		route(http.MethodGet, "/api/v1/bench/kvcalls", s.handleBenchKVCalls),
		route(http.MethodPost, "/api/v1/bench/kvcost", s.handleBenchKVCost),
		route(http.MethodPost, "/api/v1/bench/duplicate-insert", s.handleBenchDuplicateInsert),
		route(http.MethodPost, "/api/v1/bench/uncontended", s.handleBenchUncontended),
		route(http.MethodPost, "/api/v1/bench/handoff", s.handleBenchLocalHandoff),
		route(http.MethodPost, "/api/v1/bench/hold", s.handleBenchHold),
		route(http.MethodPost, "/api/v1/bench/release", s.handleBenchRelease),
		route(http.MethodPost, "/api/v1/bench/wait", s.handleBenchWait),
		route(http.MethodPost, "/api/v1/bench/waited", s.handleBenchWaited),
		route(http.MethodPost, "/api/v1/bench/contention", s.handleBenchContention),
		route(http.MethodPost, "/api/v1/bench/jobs/start", s.handleBenchJobStart),
		route(http.MethodPost, "/api/v1/bench/jobs/stop", s.handleBenchJobStop),
		route(http.MethodPost, "/api/v1/bench/status/setup", s.handleBenchStatusSetup),
		route(http.MethodPost, "/api/v1/bench/status/teardown", s.handleBenchStatusTeardown),
	}
}

type benchRuntime struct {
	// Pid is the plugin process, whose RSS the driver reads from /proc.
	Pid        int    `json:"pid"`
	Goroutines int    `json:"goroutines"`
	Node       string `json:"node"`
	GoVersion  string `json:"go_version"`
}

func (s *benchNode) handleBenchRuntime(r *http.Request) (int, interface{}, error) {
	return http.StatusOK, benchRuntime{
		Pid:        os.Getpid(),
		Goroutines: runtime.NumGoroutine(),
		Node:       s.node.Name,
		GoVersion:  runtime.Version(),
	}, nil
}

// benchKVCalls is the answer of GET /api/v1/bench/kvcalls: the KV calls the
// plugin's application made since it was activated.
type benchKVCalls struct {
	KVCalls int64 `json:"kv_calls"`
}

func (s *benchNode) handleBenchKVCalls(r *http.Request) (int, interface{}, error) {
	if s.productCalls == nil {
		return 0, nil, httpapi.Errorf(http.StatusNotImplemented, "this build does not count the application's KV calls")
	}
	return http.StatusOK, benchKVCalls{KVCalls: s.productCalls.kvCalls.Load()}, nil
}
