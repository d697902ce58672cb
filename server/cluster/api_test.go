package cluster

import (
	"github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// The real plugin API satisfies both documented interfaces and offers the
// optional capabilities the package looks for; so does the KV fake.
var (
	_ MutexPluginAPI = plugin.API(nil)
	_ JobPluginAPI   = plugin.API(nil)
	_ kvGetter       = plugin.API(nil)
	_ eventPublisher = plugin.API(nil)

	_ JobPluginAPI   = (*kvtest.Instance)(nil)
	_ eventPublisher = (*kvtest.Instance)(nil)
)
