package app

import (
	"github.com/mattermost/mattermost-server/v5/model"
)

// The digest job counts live nodes and held locks. With a channel configured
// it posts them there as the plugin's bot; otherwise the summary is only
// recorded in the run history.

// DigestBot is the bot the digest posts as, created once by the plugin
// helpers and found again on later activations.
var DigestBot = &model.Bot{
	Username:    "clusterdemo",
	DisplayName: "Cluster Demo",
	Description: "Posts the cluster digest of the Cluster Demo plugin.",
}

// Digest is what one digest run saw.
type Digest struct {
	// Summary counts live nodes and held locks in one sentence.
	Summary string
	Nodes   []Node
	// Held are the locks held at the time, by name.
	Held []Lock
}
