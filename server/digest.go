package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost-server/v5/model"
)

// The digest job counts live nodes and held locks. With a channel configured
// it posts the summary there as the plugin's bot; otherwise the summary is
// only recorded in the run history.

// digestBot is the bot the digest posts as, created once by the plugin
// helpers and found again on later activations.
var digestBot = &model.Bot{
	Username:    "clusterdemo",
	DisplayName: "Cluster Demo",
	Description: "Posts the cluster digest of the Cluster Demo plugin.",
}

func (s *service) digest(ctx context.Context) error {
	nodes, err := s.Nodes()
	if err != nil {
		return err
	}
	locks, err := s.Locks()
	if err != nil {
		return err
	}
	alive := 0
	for _, n := range nodes {
		if n.Alive {
			alive++
		}
	}
	var held []lockJSON
	for _, l := range locks {
		if l.Held {
			held = append(held, l)
		}
	}
	summary := fmt.Sprintf("%d of %d nodes alive, %d of %d locks held", alive, len(nodes), len(held), len(locks))
	s.jobs.setSummary(jobDigest, summary)

	channelID := s.config().DigestChannelID
	if channelID == "" {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("digest not posted: %w", err)
	}
	botID, err := s.ensureBot()
	if err != nil {
		return fmt.Errorf("ensuring the digest bot: %w", err)
	}
	post := &model.Post{UserId: botID, ChannelId: channelID, Message: digestMessage(summary, nodes, held)}
	if _, aerr := s.api.CreatePost(post); aerr != nil {
		return fmt.Errorf("posting the digest to channel %s: %w", channelID, aerr)
	}
	return nil
}

// digestMessage is the Markdown the digest posts.
func digestMessage(summary string, nodes []nodeJSON, held []lockJSON) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Cluster digest\n%s.\n\n", summary)
	b.WriteString("| Node | State |\n|:--|:--|\n")
	for _, n := range nodes {
		state := "alive"
		if !n.Alive {
			state = "gone"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", markdownCell(n.Name), state)
	}
	if len(held) > 0 {
		b.WriteString("\n| Lock | Holder |\n|:--|:--|\n")
		for _, l := range held {
			fmt.Fprintf(&b, "| %s | %s |\n", markdownCell(l.Name), markdownCell(deref(l.HolderName)))
		}
	}
	return b.String()
}

// markdownCell keeps a value from breaking out of its table cell.
func markdownCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\n", " ")
	return "`" + strings.ReplaceAll(s, "`", "'") + "`"
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
