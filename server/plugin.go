package main

import (
	"github.com/mattermost/mattermost-server/v5/plugin"
)

// Plugin is the clusterdemo server plugin. It stays thin: lifecycle only.
type Plugin struct {
	plugin.MattermostPlugin
}

func main() {
	plugin.ClientMain(&Plugin{})
}
