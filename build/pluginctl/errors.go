package pluginctl

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mattermost/mattermost-server/v5/model"
)

// describe turns a failed Client4 call into one line naming the server, the
// action and the likely cause, instead of Mattermost's error ids.
func describe(client *model.Client4, action string, resp *model.Response) error {
	appErr := resp.Error
	detail := ""
	if appErr != nil {
		detail = appErr.Message
		// Errors made on the client side are never translated: their
		// message is an id such as model.client.connecting.app_error.
		if strings.HasSuffix(detail, ".app_error") {
			detail = ""
		}
		if appErr.DetailedError != "" {
			detail = strings.TrimSpace(detail + " " + appErr.DetailedError)
		}
	}
	switch {
	case resp.StatusCode == 0:
		return fmt.Errorf("%s: cannot reach %s: %s", action, client.Url, detail)
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s: %s rejected the credentials (401): check the token or username/password", action, client.Url)
	case resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%s: %s refused (403): the account is not a system admin", action, client.Url)
	case appErr != nil && appErr.Id == "app.plugin.upload_disabled.app_error":
		return fmt.Errorf("%s: %s refuses plugin uploads: set PluginSettings.Enable and EnableUploads to true and RequirePluginSignature to false", action, client.Url)
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%s: %s answered 404: is this the URL of a Mattermost server?", action, client.Url)
	}
	return fmt.Errorf("%s: %s answered %d: %s", action, client.Url, resp.StatusCode, detail)
}
