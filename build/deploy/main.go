// Command deploy uploads the plugin bundle to a Mattermost server and enables
// it, then waits until the server reports it running.
//
// The server is named by MM_SERVICESETTINGS_SITEURL. Authentication is
// MM_ADMIN_TOKEN (a personal access token of a system admin) or
// MM_ADMIN_USERNAME and MM_ADMIN_PASSWORD. Every failure ends in one line
// saying what went wrong and a non-zero exit.
//
// Usage: go run ./build/deploy dist/clusterdemo-<version>.tar.gz
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/build/pluginctl"
	"github.com/clusterdemo/clusterdemo/build/pluginmanifest"
)

// deployTimeout bounds the whole deployment: upload, enable and activation.
const deployTimeout = 2 * time.Minute

func main() {
	if len(os.Args) != 2 {
		fail(errors.New("usage: deploy <bundle.tar.gz>"))
	}
	if err := deploy(os.Args[1]); err != nil {
		fail(err)
	}
}

func deploy(bundlePath string) error {
	manifest, err := pluginmanifest.Load("plugin.json")
	if err != nil {
		return err
	}
	client, err := newClient(os.Getenv("MM_SERVICESETTINGS_SITEURL"))
	if err != nil {
		return err
	}
	if err := authenticate(client); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), deployTimeout)
	defer cancel()
	if err := pluginctl.Install(ctx, client, bundlePath, manifest.Id); err != nil {
		return err
	}
	fmt.Printf("deploy: %s %s is running on %s\n", manifest.Id, manifest.Version, client.Url)
	return nil
}

func newClient(siteURL string) (*model.Client4, error) {
	if siteURL == "" {
		return nil, errors.New("set MM_SERVICESETTINGS_SITEURL to the server's URL, e.g. http://localhost:8065")
	}
	parsed, err := url.Parse(siteURL)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return nil, fmt.Errorf("MM_SERVICESETTINGS_SITEURL %q is not an http(s) URL", siteURL)
	}
	client := model.NewAPIv4Client(strings.TrimSuffix(siteURL, "/"))
	client.HttpClient = &http.Client{Timeout: 60 * time.Second}
	return client, nil
}

func authenticate(client *model.Client4) error {
	if token := os.Getenv("MM_ADMIN_TOKEN"); token != "" {
		client.SetToken(token)
		return nil
	}
	username, password := os.Getenv("MM_ADMIN_USERNAME"), os.Getenv("MM_ADMIN_PASSWORD")
	if username == "" || password == "" {
		return errors.New("set MM_ADMIN_TOKEN, or MM_ADMIN_USERNAME and MM_ADMIN_PASSWORD")
	}
	if err := pluginctl.Ping(client); err != nil {
		return err
	}
	if _, resp := client.Login(username, password); resp.Error != nil {
		if resp.StatusCode == http.StatusUnauthorized {
			return fmt.Errorf("login to %s as %s failed: wrong username or password", client.Url, username)
		}
		return fmt.Errorf("login to %s as %s failed: %s", client.Url, username, resp.Error.Message)
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "deploy: "+err.Error())
	os.Exit(1)
}
