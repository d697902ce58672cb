package localcluster

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mattermost/mattermost-server/v5/model"
)

// The written config.json must load into Mattermost's own config type, pass
// its validation once the server fills the defaults, and say what a local
// offline node needs.
func TestWriteNodeConfigIsValidMattermostConfig(t *testing.T) {
	dir := t.TempDir()
	settings := nodeSettings{Port: 8123, Dir: dir, FilesDir: filepath.Join(dir, "files"), Secret: model.NewRandomString(32),
		DataSource: "postgres://u:p@127.0.0.1:5432/db?sslmode=disable"}
	if err := writeNodeConfig(settings); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var config model.Config
	if err := json.Unmarshal(raw, &config); err != nil {
		t.Fatalf("config.json does not decode as model.Config: %v", err)
	}
	config.SetDefaults()
	if appErr := config.IsValid(); appErr != nil {
		t.Fatalf("config.json is not valid for Mattermost: %v", appErr)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"SiteURL", *config.ServiceSettings.SiteURL, "http://localhost:8123"},
		{"ListenAddress", *config.ServiceSettings.ListenAddress, "127.0.0.1:8123"},
		{"PluginSettings.Enable", *config.PluginSettings.Enable, true},
		{"PluginSettings.EnableUploads", *config.PluginSettings.EnableUploads, true},
		{"RequirePluginSignature", *config.PluginSettings.RequirePluginSignature, false},
		{"EnableMarketplace", *config.PluginSettings.EnableMarketplace, false},
		{"EnableDiagnostics", *config.LogSettings.EnableDiagnostics, false},
		{"EnableSecurityFixAlert", *config.ServiceSettings.EnableSecurityFixAlert, false},
		{"AdminNoticesEnabled", *config.AnnouncementSettings.AdminNoticesEnabled, false},
		{"FileSettings.Directory", *config.FileSettings.Directory, settings.FilesDir + "/"},
		{"DataSource", *config.SqlSettings.DataSource, settings.DataSource},
		{"AtRestEncryptKey", *config.SqlSettings.AtRestEncryptKey, settings.Secret},
		{"LogSettings.FileLocation", *config.LogSettings.FileLocation, dir},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}
