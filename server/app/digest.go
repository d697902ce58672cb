package app

import (
	"context"
	"fmt"

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

func (a *App) digest(ctx context.Context) (string, error) {
	d, err := a.readDigest()
	if err != nil {
		return "", err
	}
	channelID := a.config().DigestChannelID
	if channelID == "" {
		return d.Summary, nil
	}
	if err := ctx.Err(); err != nil {
		return d.Summary, fmt.Errorf("digest not posted: %w", err)
	}
	botID, err := a.ensureBot()
	if err != nil {
		return d.Summary, fmt.Errorf("ensuring the digest bot: %w", err)
	}
	post := &model.Post{UserId: botID, ChannelId: channelID, Message: a.render(d)}
	if _, aerr := a.api.CreatePost(post); aerr != nil {
		return d.Summary, fmt.Errorf("posting the digest to channel %s: %w", channelID, aerr)
	}
	return d.Summary, nil
}

// readDigest reads nodes and locks through one request's reads.
func (a *App) readDigest() (Digest, error) {
	reads := newKVReads(a.api)
	var d Digest
	var locks []Lock
	err := allOf(
		func() (err error) { d.Nodes, err = a.nodes.nodes(reads); return err },
		func() (err error) { locks, err = a.locks.list(reads); return err },
	)
	if err != nil {
		return Digest{}, err
	}
	alive := 0
	for _, n := range d.Nodes {
		if n.Alive {
			alive++
		}
	}
	for _, l := range locks {
		if l.Held {
			d.Held = append(d.Held, l)
		}
	}
	d.Summary = fmt.Sprintf("%d of %d nodes alive, %d of %d locks held", alive, len(d.Nodes), len(d.Held), len(locks))
	return d, nil
}
