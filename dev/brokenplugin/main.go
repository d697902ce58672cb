// Command brokenplugin is the clusterdemo plugin with one deliberate fault,
// chosen by CLUSTERDEMO_BROKEN in the nodes' environment (the Mattermost
// server passes its environment to plugin processes). It exists to show
// that the end-to-end checks fail on a plausible wrong implementation:
//
//	make e2e-broken BROKEN=<variant> E2E_RUN=<test regexp>
//
// Without CLUSTERDEMO_BROKEN it is the product's plugin. It is never
// bundled for release: `make dist` builds ./server, and the faults sit
// between the application and the server's plugin API (plugin.WithAPI), so
// nothing of it is in the product.
package main

import (
	"fmt"
	"os"

	mmplugin "github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/plugin"
)

// variants names each fault (variants.go says what wrong implementation it
// stands for); beside each, the end-to-end check it fails and the assertion
// that fails.
var variants = map[string]func(mmplugin.API) mmplugin.API{
	"slow-waiter":          newSlowWaiter,         // TestWhoHoldsTheLock: "more than the poll period plus margin"
	"every-other-interval": newEveryOtherInterval, // TestJobsRunOncePerInterval: "between two starts, outside [...]"
	"run-now-dropped":      newRunNowDropped,      // TestSlashCommand/run: "a run of slow caused by the request, finished: not within"
	"lost-as-failed":       newLostAsFailed,       // TestKillSlowRunner: "the lost run recorded (error lost: ...)"
	"unknown-lock-error":   newUnknownLockError,   // TestSecurity: "want 404, got 500"
}

func main() {
	name := os.Getenv("CLUSTERDEMO_BROKEN")
	var options []plugin.Option
	if name != "" {
		wrap, ok := variants[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "brokenplugin: unknown CLUSTERDEMO_BROKEN %q\n", name)
			os.Exit(2)
		}
		options = append(options, plugin.WithAPI(wrap))
	}
	mmplugin.ClientMain(plugin.New(options...))
}
