// Package pluginmanifest reads plugin.json, the one source of truth for the
// plugin's identity, for the build tools.
package pluginmanifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Load reads and validates the manifest at path. Unknown fields are an error,
// so that a typo in plugin.json fails the build instead of being ignored.
func Load(path string) (*model.Manifest, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var manifest model.Manifest
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&manifest); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := manifest.IsValid(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &manifest, nil
}

// BundleName is the file name of the plugin's bundle: <id>-<version>.tar.gz.
func BundleName(manifest *model.Manifest) string {
	return fmt.Sprintf("%s-%s.tar.gz", manifest.Id, manifest.Version)
}
