package localcluster

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// nodeSettings is what differs between nodes and what they share.
type nodeSettings struct {
	Port       int
	Dir        string // the node's own working folder
	FilesDir   string // FileSettings.Directory, shared by all nodes
	DataSource string // PostgreSQL, shared by all nodes
	Secret     string // salts and keys every node of one cluster must share
	Home       string // the root page's link (Config.homePath)
}

// writeNodeConfig writes only the settings a local, offline node needs; the
// server fills every other setting with its own defaults when it loads the
// file. Keeping the file small keeps it valid for every server version.
func writeNodeConfig(s nodeSettings) error {
	off, on := false, true
	config := map[string]map[string]any{
		"ServiceSettings": {
			"SiteURL":                fmt.Sprintf("http://localhost:%d", s.Port),
			"ListenAddress":          fmt.Sprintf("127.0.0.1:%d", s.Port),
			"EnableSecurityFixAlert": off, // phones home
			"EnableLinkPreviews":     off, // fetches arbitrary URLs
			"EnableGifPicker":        off,
			"EnableUserAccessTokens": on, // the admin token for tools and tests
			"EnableLocalMode":        off,
		},
		"SqlSettings": {
			"DriverName": "postgres",
			"DataSource": s.DataSource,
			// Two or three nodes plus other local users share one PostgreSQL
			// whose default max_connections is 100.
			"MaxOpenConns":     20,
			"MaxIdleConns":     10,
			"AtRestEncryptKey": s.Secret,
		},
		"FileSettings": {
			"DriverName":     "local",
			"Directory":      s.FilesDir + string(filepath.Separator),
			"PublicLinkSalt": s.Secret,
			"ExtractContent": off,
		},
		"PluginSettings": {
			"Enable":                      on,
			"EnableUploads":               on,
			"RequirePluginSignature":      off,
			"EnableMarketplace":           off, // no network
			"EnableRemoteMarketplace":     off,
			"AutomaticPrepackagedPlugins": off,
			"EnableHealthCheck":           on,
			"Directory":                   filepath.Join(s.Dir, "plugins"),
			"ClientDirectory":             filepath.Join(s.Dir, "client", "plugins"),
		},
		"LogSettings": {
			"EnableConsole":     off, // stdout/stderr still go to console.log for panics
			"EnableFile":        on,
			"FileLevel":         "INFO",
			"FileJson":          off, // read by people tailing the log
			"FileLocation":      s.Dir,
			"EnableDiagnostics": off, // telemetry
		},
		"NotificationLogSettings": {
			"EnableConsole": off,
			"EnableFile":    on,
			"FileLocation":  s.Dir,
		},
		"EmailSettings": {
			"SendEmailNotifications":   off,
			"RequireEmailVerification": off,
			"EnableSignUpWithEmail":    on,
		},
		"TeamSettings": {
			"EnableUserCreation": on,
		},
		"AnnouncementSettings": {
			"AdminNoticesEnabled": off, // fetched from the internet
			"UserNoticesEnabled":  off,
		},
	}
	raw, err := json.MarshalIndent(config, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(s.Dir, "config.json"), raw, 0o600)
}

// prepareNodeDir lays out a node's working folder: config.json, the server's
// i18n/, templates/ and fonts/ (symlinked from its module), and client/
// with the local cluster's root page.
func prepareNodeDir(server *Server, s nodeSettings) error {
	if err := os.MkdirAll(filepath.Join(s.Dir, "client", "plugins"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(s.Dir, "plugins"), 0o755); err != nil {
		return err
	}
	for _, name := range []string{"i18n", "templates", "fonts"} {
		target := filepath.Join(server.ModuleDir, name)
		if _, err := os.Stat(target); err != nil {
			if name == "i18n" {
				return fmt.Errorf("the server module has no %s folder: %w", name, err)
			}
			continue
		}
		if err := os.Symlink(target, filepath.Join(s.Dir, name)); err != nil {
			return err
		}
	}
	if err := writeRootPage(filepath.Join(s.Dir, "client"), server.Version, s.Home); err != nil {
		return err
	}
	return writeNodeConfig(s)
}
