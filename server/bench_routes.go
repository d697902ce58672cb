//go:build clusterbench

package main

import (
	"net/http"
	"os"
	"runtime"
)

// The benchmark routes of `make bench-cluster` (build/benchcluster). They
// exist only in a plugin built with the clusterbench tag, never in the
// released bundle, and sit in the same route table as every other route, so
// they too are for system admins only.
func init() {
	extraRoutes = append(extraRoutes,
		route{http.MethodGet, "/api/v1/bench/runtime", jsonHandler(handleBenchRuntime), adminOnly},
		route{http.MethodPost, "/api/v1/bench/kvcost", jsonHandler(handleBenchKVCost), adminOnly},
		route{http.MethodPost, "/api/v1/bench/duplicate-insert", jsonHandler(handleBenchDuplicateInsert), adminOnly},
		route{http.MethodPost, "/api/v1/bench/uncontended", jsonHandler(handleBenchUncontended), adminOnly},
		route{http.MethodPost, "/api/v1/bench/handoff", jsonHandler(handleBenchLocalHandoff), adminOnly},
		route{http.MethodPost, "/api/v1/bench/hold", jsonHandler(handleBenchHold), adminOnly},
		route{http.MethodPost, "/api/v1/bench/release", jsonHandler(handleBenchRelease), adminOnly},
		route{http.MethodPost, "/api/v1/bench/wait", jsonHandler(handleBenchWait), adminOnly},
		route{http.MethodPost, "/api/v1/bench/waited", jsonHandler(handleBenchWaited), adminOnly},
		route{http.MethodPost, "/api/v1/bench/contention", jsonHandler(handleBenchContention), adminOnly},
		route{http.MethodPost, "/api/v1/bench/jobs/start", jsonHandler(handleBenchJobStart), adminOnly},
		route{http.MethodPost, "/api/v1/bench/jobs/stop", jsonHandler(handleBenchJobStop), adminOnly},
		route{http.MethodPost, "/api/v1/bench/status/setup", jsonHandler(handleBenchStatusSetup), adminOnly},
		route{http.MethodPost, "/api/v1/bench/status/teardown", jsonHandler(handleBenchStatusTeardown), adminOnly},
	)
}

type benchRuntime struct {
	// Pid is the plugin process, whose RSS the driver reads from /proc.
	Pid        int    `json:"pid"`
	Goroutines int    `json:"goroutines"`
	Node       string `json:"node"`
	GoVersion  string `json:"go_version"`
}

func handleBenchRuntime(s *service, r *http.Request) (int, interface{}, error) {
	return http.StatusOK, benchRuntime{
		Pid:        os.Getpid(),
		Goroutines: runtime.NumGoroutine(),
		Node:       s.nodes.Self().Name,
		GoVersion:  runtime.Version(),
	}, nil
}
