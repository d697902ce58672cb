package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// bundleTime is the modification time of every entry, so that the same inputs
// always give the same archive bytes.
var bundleTime = time.Date(2021, 9, 1, 0, 0, 0, 0, time.UTC)

// entry is one file of the bundle: where it comes from on disk and where it
// goes inside the archive (relative to the top-level folder).
type entry struct {
	source string
	target string
}

// collect lists the bundle's files from the repository root: plugin.json,
// every file under the given directories, in a stable order.
func collect(root string, dirs []string) ([]entry, error) {
	entries := []entry{{source: filepath.Join(root, "plugin.json"), target: "plugin.json"}}
	for _, dir := range dirs {
		base := filepath.Join(root, filepath.FromSlash(dir))
		if _, err := os.Stat(base); err != nil {
			return nil, fmt.Errorf("%s is missing: build it first (%w)", dir, err)
		}
		err := filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			entries = append(entries, entry{source: p, target: filepath.ToSlash(rel)})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].target < entries[j].target })
	return entries, nil
}

// write creates the gzip tar at out with a single top-level folder named
// topDir. Every parent directory gets its own entry before its files:
// Mattermost 5.39's extractor does not create missing parents and fails with
// "mkdir …/server/dist: no such file or directory" without them.
func write(out, topDir string, entries []entry) (err error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := file.Close(); err == nil {
			err = closeErr
		}
	}()
	gz := gzip.NewWriter(file)
	tw := tar.NewWriter(gz)

	written := map[string]bool{}
	var addDir func(dir string) error
	addDir = func(dir string) error {
		if dir == "." || written[dir] {
			return nil
		}
		if err := addDir(path.Dir(dir)); err != nil {
			return err
		}
		written[dir] = true
		return tw.WriteHeader(&tar.Header{
			Typeflag: tar.TypeDir,
			Name:     dir + "/",
			Mode:     0o755,
			ModTime:  bundleTime,
			Format:   tar.FormatPAX,
		})
	}

	for _, e := range entries {
		name := path.Join(topDir, e.target)
		if err := addDir(path.Dir(name)); err != nil {
			return err
		}
		if err := addFile(tw, e.source, name); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func addFile(tw *tar.Writer, source, name string) error {
	info, err := os.Stat(source)
	if err != nil {
		return err
	}
	mode := int64(0o644)
	if info.Mode()&0o111 != 0 || strings.HasSuffix(name, ".exe") {
		mode = 0o755
	}
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Mode:     mode,
		Size:     info.Size(),
		ModTime:  bundleTime,
		Format:   tar.FormatPAX,
	}); err != nil {
		return err
	}
	f, err := os.Open(source)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(tw, f)
	return err
}
