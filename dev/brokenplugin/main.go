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

// variants names each fault and what wrong implementation it stands for.
var variants = map[string]func(mmplugin.API) mmplugin.API{
	"slow-waiter":          newSlowWaiter,
	"every-other-interval": newEveryOtherInterval,
	"run-now-dropped":      newRunNowDropped,
	"lost-as-failed":       newLostAsFailed,
	"unknown-lock-error":   newUnknownLockError,
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
