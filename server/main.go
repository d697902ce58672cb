// Command server is the clusterdemo plugin's executable.
package main

import (
	mmplugin "github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/plugin"
)

func main() {
	mmplugin.ClientMain(plugin.New())
}
