// Copied from github.com/mattermost/mattermost-plugin-api v0.0.19, cluster/mutex_example_test.go,
// unchanged but for this header and the import path (the one change a migrating plugin makes). It proves that this drop-in
// compiles and passes v0.0.19's own examples and tests.
//
// Copyright (c) 2015-present Mattermost, Inc. All Rights Reserved.
// Licensed under the Apache License, Version 2.0: testdata/LICENSE-mattermost-plugin-api-v0.0.19.

package cluster_test

import (
	"github.com/clusterdemo/clusterdemo/server/cluster/pluginapi/cluster"

	"github.com/mattermost/mattermost-server/v5/plugin"
)

func ExampleMutex() {
	// Use p.API from your plugin instead.
	pluginAPI := plugin.API(nil)

	m, err := cluster.NewMutex(pluginAPI, "key")
	if err != nil {
		panic(err)
	}
	m.Lock()
	// critical section
	m.Unlock()
}
