// Copied from github.com/mattermost/mattermost-plugin-api v0.0.19, cluster/job_example_test.go,
// unchanged but for this header. It proves that this drop-in
// compiles and passes v0.0.19's own examples and tests.
//
// Copyright (c) 2015-present Mattermost, Inc. All Rights Reserved.
// Licensed under the Apache License, Version 2.0: testdata/LICENSE-mattermost-plugin-api-v0.0.19.

package cluster

import (
	"time"

	"github.com/mattermost/mattermost-server/v5/plugin"
)

func ExampleSchedule() {
	// Use p.API from your plugin instead.
	pluginAPI := plugin.API(nil)

	callback := func() {
		// periodic work to do
	}

	job, err := Schedule(pluginAPI, "key", MakeWaitForInterval(5*time.Minute), callback)
	if err != nil {
		panic("failed to schedule job")
	}

	// main thread

	defer job.Close()
}
