// Command bundle packs the built plugin into the tar.gz that Mattermost
// installs: dist/<id>-<version>.tar.gz with one top-level folder named after
// the plugin id, holding plugin.json, server/dist, webapp/dist and assets.
//
// Usage: go run ./build/bundle [-root .] [-out dist]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clusterdemo/clusterdemo/build/pluginmanifest"
)

// contentDirs are the folders shipped beside plugin.json.
var contentDirs = []string{"server/dist", "webapp/dist", "assets"}

func main() {
	root := flag.String("root", ".", "repository root holding plugin.json and the built folders")
	outDir := flag.String("out", "dist", "folder to write the bundle into")
	flag.Parse()

	manifest, err := pluginmanifest.Load(filepath.Join(*root, "plugin.json"))
	if err != nil {
		fail(err)
	}
	entries, err := collect(*root, contentDirs)
	if err != nil {
		fail(err)
	}
	out := filepath.Join(*outDir, pluginmanifest.BundleName(manifest))
	if err := write(out, manifest.Id, entries); err != nil {
		fail(err)
	}
	fmt.Println(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bundle: "+err.Error())
	os.Exit(1)
}
