package apptest

import (
	"testing"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Node is what Run needs of the application (an *app.App): apptest does not
// import it, so the application's own tests can use this package too.
type Node interface {
	Start() error
	Stop()
	HandleClusterEvent(ev model.PluginClusterEvent)
}

// Run delivers the store's cluster events for api to n, starts n, and stops
// it when the test ends.
func Run[N Node](t *testing.T, api *FakeAPI, n N) N {
	t.Helper()
	api.OnPluginClusterEvent(n.HandleClusterEvent)
	if err := n.Start(); err != nil {
		t.Fatalf("starting a node: %v", err)
	}
	t.Cleanup(n.Stop)
	return n
}
