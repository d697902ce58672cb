package localcluster

import (
	"fmt"
	"net/http"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Slash commands on the local cluster, as a person types them in the
// message box: the nodes have no web app, so this sends what it would send,
// POST /api/v4/commands/execute in the demo team's town square, and returns
// the reply. The demo's command line and the end-to-end suite both use it.

// commandTimeout bounds each request, so a hung node fails the call instead
// of hanging its caller.
const commandTimeout = 2 * time.Minute

// TownSquare is the id of the demo team's town-square channel, which every
// member of the team is in.
func TownSquare(client *model.Client4, teamID string) (string, error) {
	channel, resp := client.GetChannelByName(model.DEFAULT_CHANNEL, teamID, "")
	if resp.Error != nil {
		return "", fmt.Errorf("finding %s of the demo team: %s", model.DEFAULT_CHANNEL, resp.Error.Error())
	}
	return channel.Id, nil
}

// RunCommand runs text as client's user in channelID and returns the reply,
// which must be ephemeral: a reply posted to the channel for everyone is an
// error here, as is any error answer.
func RunCommand(client *model.Client4, channelID, text string) (string, error) {
	resp, r := client.ExecuteCommand(channelID, text)
	if r.Error != nil {
		return "", fmt.Errorf("%q: %s", text, r.Error.Error())
	}
	if resp.ResponseType != model.COMMAND_RESPONSE_TYPE_EPHEMERAL {
		return resp.Text, fmt.Errorf("%q answered %q, not ephemeral: %s", text, resp.ResponseType, resp.Text)
	}
	return resp.Text, nil
}

// RunCommand logs in on node (1-based) as the account named username (the
// admin or the user the state names), and runs text in the demo team's town
// square.
func (s *State) RunCommand(node int, username, text string) (string, error) {
	if node < 1 || node > len(s.Nodes) {
		return "", fmt.Errorf("no node %d: the cluster has nodes 1 to %d", node, len(s.Nodes))
	}
	var account Account
	switch username {
	case s.Admin.Username:
		account = s.Admin
	case s.User.Username:
		account = s.User
	default:
		return "", fmt.Errorf("no demo account %q: the accounts are %s and %s", username, s.Admin.Username, s.User.Username)
	}
	client := model.NewAPIv4Client(s.Nodes[node-1].URL)
	client.HttpClient = &http.Client{Timeout: commandTimeout}
	if _, resp := client.Login(account.Username, account.Password); resp.Error != nil {
		return "", fmt.Errorf("node %d: logging in as %s: %s", node, account.Username, resp.Error.Error())
	}
	channelID, err := TownSquare(client, s.TeamID)
	if err != nil {
		return "", fmt.Errorf("node %d: %w", node, err)
	}
	reply, err := RunCommand(client, channelID, text)
	if err != nil {
		return reply, fmt.Errorf("node %d as %s: %w", node, account.Username, err)
	}
	return reply, nil
}
