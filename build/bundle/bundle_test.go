package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"debug/buildinfo"
	"errors"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/build/pluginmanifest"
)

// repoRoot is where plugin.json lives, seen from this package's folder.
const repoRoot = "../.."

// TestProducedBundle checks the archive that `make dist` produced. The Makefile
// names it in CLUSTERDEMO_BUNDLE; a plain `go test ./...` without a built
// bundle skips this test and still runs TestWriteLayout.
func TestProducedBundle(t *testing.T) {
	bundle := os.Getenv("CLUSTERDEMO_BUNDLE")
	if bundle == "" {
		t.Skip("CLUSTERDEMO_BUNDLE is not set; run `make dist` and `make test` to check the produced bundle")
	}
	manifest, err := pluginmanifest.Load(filepath.Join(repoRoot, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := filepath.Base(bundle), pluginmanifest.BundleName(manifest); got != want {
		t.Errorf("bundle file name %q, want %q", got, want)
	}
	platforms := strings.Fields(os.Getenv("CLUSTERDEMO_PLATFORMS"))
	checkBundle(t, bundle, manifest, platforms)
	checkNoComparator(t, bundle, manifest)
}

// comparatorModule is the widely used implementation the benchmark plugin
// (bench/plugin) compiles in beside ours; it must never ship.
const comparatorModule = "github.com/mattermost/mattermost-plugin-api"

// productMain is the released plugin's main package, in the product module;
// the benchmark plugin's is bench/plugin, in the benchmark module, and the
// deliberately broken builds' is dev/brokenplugin.
const (
	productModule = "github.com/clusterdemo/clusterdemo"
	productMain   = productModule + "/server"
)

// checkNoComparator reads the Go build information of every server
// executable in the bundle: each must be the product's main package, built
// without tags, and none may depend on the comparator.
func checkNoComparator(t *testing.T, bundlePath string, manifest *model.Manifest) {
	t.Helper()
	f, err := os.Open(bundlePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	checked := 0
	for {
		header, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if header.Typeflag != tar.TypeReg || !strings.HasPrefix(header.Name, manifest.Id+"/server/dist/") {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		info, err := buildinfo.Read(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: no Go build information: %v", header.Name, err)
			continue
		}
		checked++
		if info.Path != productMain || info.Main.Path != productModule {
			t.Errorf("%s is %s of module %s, want %s of %s: only the product's plugin ships (never the benchmark's or a broken build)", header.Name, info.Path, info.Main.Path, productMain, productModule)
		}
		for _, dep := range info.Deps {
			if dep.Path == comparatorModule {
				t.Errorf("%s is built with %s %s: the benchmark comparator must not ship", header.Name, dep.Path, dep.Version)
			}
		}
		for _, setting := range info.Settings {
			if setting.Key == "-tags" && setting.Value != "" {
				t.Errorf("%s was built with -tags %s; the released plugin has no build tags", header.Name, setting.Value)
			}
		}
	}
	if checked == 0 {
		t.Error("no server executable found in the bundle")
	}
}

// TestWriteLayout builds a bundle from a scratch tree and checks it with the
// same rules, so the writer is tested even where nothing was built.
func TestWriteLayout(t *testing.T) {
	manifest, err := pluginmanifest.Load(filepath.Join(repoRoot, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"plugin.json": string(raw), manifest.IconPath: "<svg/>"}
	for _, asset := range repoAssets(t) {
		files[asset] = "asset"
	}
	for _, executable := range manifest.Server.AllExecutables {
		files[executable] = "binary"
	}
	files[manifest.Webapp.BundlePath] = "main"
	files["webapp/dist/dashboard.js"] = "dashboard"
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := collect(root, contentDirs)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), pluginmanifest.BundleName(manifest))
	if err := write(out, manifest.Id, entries); err != nil {
		t.Fatal(err)
	}
	checkBundle(t, out, manifest, nil)
}

func TestCollectNamesMissingFolder(t *testing.T) {
	_, err := collect(t.TempDir(), []string{"server/dist"})
	if err == nil || !strings.Contains(err.Error(), "server/dist is missing") {
		t.Fatalf("collect on an empty tree: got %v, want an error naming server/dist", err)
	}
}

// checkBundle asserts the layout Mattermost 5.39 can install: one top-level
// folder named after the plugin id; an explicit directory entry for every
// folder, before anything inside it; plugin.json, the server executables
// (all of the manifest's, or only those of the given platforms), the webapp
// bundles and the icon; nothing else outside server/dist, webapp/dist and
// assets.
func checkBundle(t *testing.T, bundlePath string, manifest *model.Manifest, platforms []string) {
	t.Helper()
	f, err := os.Open(bundlePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s is not gzip: %v", bundlePath, err)
	}
	tr := tar.NewReader(gz)

	dirs := map[string]bool{}
	files := map[string]bool{}
	for {
		header, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading %s: %v", bundlePath, err)
		}
		name := strings.TrimSuffix(header.Name, "/")
		if top := strings.SplitN(name, "/", 2)[0]; top != manifest.Id {
			t.Errorf("entry %q is outside the top-level folder %q", header.Name, manifest.Id)
			continue
		}
		if parent := path.Dir(name); parent != "." && !dirs[parent] {
			t.Errorf("entry %q comes before an explicit entry for its folder %q", header.Name, parent)
		}
		switch header.Typeflag {
		case tar.TypeDir:
			dirs[name] = true
		case tar.TypeReg:
			rel := strings.TrimPrefix(name, manifest.Id+"/")
			files[rel] = true
			if !allowedInBundle(rel) {
				t.Errorf("unexpected file %q in the bundle", rel)
			}
		default:
			t.Errorf("entry %q has type %q; only folders and regular files belong in a bundle", header.Name, header.Typeflag)
		}
	}
	if !dirs[manifest.Id] {
		t.Errorf("no entry for the top-level folder %q", manifest.Id)
	}

	want := append([]string{"plugin.json", manifest.IconPath, manifest.Webapp.BundlePath, "webapp/dist/dashboard.js"}, repoAssets(t)...)
	for platform, executable := range manifest.Server.AllExecutables {
		if len(platforms) == 0 || contains(platforms, platform) {
			want = append(want, executable)
		}
	}
	for _, name := range want {
		if !files[name] {
			t.Errorf("the bundle lacks %s", name)
		}
	}
}

// repoAssets are the files of the repository's assets folder (the icon, the
// bot's profile image), as bundle paths: the bundle must carry every one.
func repoAssets(t *testing.T) []string {
	t.Helper()
	var out []string
	root := filepath.Join(repoRoot, "assets")
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(repoRoot, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func allowedInBundle(rel string) bool {
	if rel == "plugin.json" {
		return true
	}
	for _, dir := range contentDirs {
		if strings.HasPrefix(rel, dir+"/") {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}
