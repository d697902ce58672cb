package main

import (
	"sync/atomic"

	"github.com/mattermost/mattermost-server/v5/model"
)

// countingAPI is the plugin API with its KV calls and cluster events
// counted, so the benchmark can say how many store round trips one
// Lock+Unlock costs. Everything else passes straight through, so the cluster
// package finds the same optional capabilities on it as on plugin.API.
type countingAPI struct {
	pluginAPI
	kvCalls atomic.Int64
	events  atomic.Int64
}

func (c *countingAPI) KVGet(key string) ([]byte, *model.AppError) {
	c.kvCalls.Add(1)
	return c.pluginAPI.KVGet(key)
}

func (c *countingAPI) KVSetWithOptions(key string, value []byte, options model.PluginKVSetOptions) (bool, *model.AppError) {
	c.kvCalls.Add(1)
	return c.pluginAPI.KVSetWithOptions(key, value, options)
}

func (c *countingAPI) KVDelete(key string) *model.AppError {
	c.kvCalls.Add(1)
	return c.pluginAPI.KVDelete(key)
}

func (c *countingAPI) KVList(page, perPage int) ([]string, *model.AppError) {
	c.kvCalls.Add(1)
	return c.pluginAPI.KVList(page, perPage)
}

func (c *countingAPI) PublishPluginClusterEvent(ev model.PluginClusterEvent, opts model.PluginClusterEventSendOptions) error {
	c.events.Add(1)
	return c.pluginAPI.PublishPluginClusterEvent(ev, opts)
}
