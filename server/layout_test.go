package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The layout's rules, read from the source so that a change that breaks
// one fails here rather than in review.

const module = "github.com/clusterdemo/clusterdemo"

// layer orders the server's packages: a package may import only packages of
// a lower layer. httpapi and command share a layer and so cannot import each
// other; apptest is test support for the layers above app.
var layer = map[string]int{
	"server/cluster":        0,
	"server/cluster/kvtest": 0,
	"server/app":            1,
	// The drop-in for v0.0.19's API wraps server/cluster.
	"server/cluster/pluginapi/cluster": 1,
	"server/app/apptest":               1,
	"server/httpapi":                   2,
	"server/command":                   2,
	"server/plugin":                    3,
	"server":                           4,
}

// sourceFile is one parsed Go file of a server package.
type sourceFile struct {
	pkg  string // relative to the module, e.g. "server/app"
	path string
	test bool
	ast  *ast.File
}

func parseServer(t *testing.T) []sourceFile {
	t.Helper()
	var files []sourceFile
	fset := token.NewFileSet()
	err := filepath.Walk(".", func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.IsDir() && info.Name() == "dist" {
			return filepath.SkipDir
		}
		if info.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		files = append(files, sourceFile{
			pkg:  filepath.ToSlash(filepath.Join("server", filepath.Dir(path))),
			path: "server/" + filepath.ToSlash(path),
			test: strings.HasSuffix(path, "_test.go"),
			ast:  f,
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func imports(f *ast.File) []string {
	var out []string
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		out = append(out, p)
	}
	return out
}

// Data flows one way: httpapi | command -> app -> cluster -> KV store.
// Catches, for example, app importing httpapi to return its wire types, or
// command calling httpapi to reuse its error messages.
func TestServerPackagesImportOnlyDownward(t *testing.T) {
	for _, f := range parseServer(t) {
		from, known := layer[f.pkg]
		if !known {
			t.Errorf("%s: package %s has no layer; add it to the layout test", f.path, f.pkg)
			continue
		}
		if f.test {
			continue
		}
		for _, imp := range imports(f.ast) {
			if !strings.HasPrefix(imp, module+"/server") {
				continue
			}
			to := layer[strings.TrimPrefix(imp, module+"/")]
			if to >= from && f.pkg != "server/cluster" && f.pkg != "server/cluster/kvtest" {
				t.Errorf("%s imports %s, which is not below it", f.path, imp)
			}
		}
	}
}

// buildConstraint is spelled in two pieces so that grep for build tags
// under server/ finds none in this file either.
const buildConstraint = "//go:" + "build"

// No server file carries a build tag: the released plugin is the only
// build, and benchmark code lives in the benchmark module.
func TestNoServerFileHasABuildTag(t *testing.T) {
	for _, f := range parseServer(t) {
		for _, group := range f.ast.Comments {
			for _, c := range group.List {
				if strings.HasPrefix(c.Text, buildConstraint) || strings.HasPrefix(c.Text, "// +build") {
					t.Errorf("%s: %s", f.path, c.Text)
				}
			}
		}
	}
}

// JSON wire shapes live in httpapi only. app encodes its own KV records
// (unexported types); no exported app type carries JSON tags, and the
// command, the hooks and main do not import encoding/json at all.
func TestOnlyHTTPAPIHasWireShapes(t *testing.T) {
	for _, f := range parseServer(t) {
		if f.test {
			continue
		}
		switch f.pkg {
		case "server/httpapi", "server/cluster", "server/cluster/kvtest", "server/app/apptest":
			continue
		case "server/app":
			ast.Inspect(f.ast, func(n ast.Node) bool {
				spec, ok := n.(*ast.TypeSpec)
				if !ok || !spec.Name.IsExported() {
					return true
				}
				if st, ok := spec.Type.(*ast.StructType); ok {
					for _, field := range st.Fields.List {
						if field.Tag != nil {
							tag, _ := strconv.Unquote(field.Tag.Value)
							if _, has := reflect.StructTag(tag).Lookup("json"); has {
								t.Errorf("%s: exported type %s has JSON tags; wire shapes belong in httpapi", f.path, spec.Name.Name)
								return false
							}
						}
					}
				}
				return true
			})
		default:
			for _, imp := range imports(f.ast) {
				if imp == "encoding/json" {
					t.Errorf("%s imports encoding/json; JSON belongs in httpapi (wire) and app (KV records)", f.path)
				}
			}
		}
	}
}

// markdownMarks are what Markdown replies are built from: table rules,
// headings, bold.
var markdownMarks = []string{"|:--", "|--", "####", "**"}

// Markdown is built in command only.
func TestOnlyCommandBuildsMarkdown(t *testing.T) {
	for _, f := range parseServer(t) {
		if f.test || f.pkg == "server/command" || strings.HasPrefix(f.pkg, "server/cluster") {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			for _, mark := range markdownMarks {
				if strings.Contains(lit.Value, mark) {
					t.Errorf("%s: %s looks like Markdown; replies are rendered in command", f.path, lit.Value)
				}
			}
			return true
		})
	}
}

// The product module does not require the benchmark comparator.
func TestProductModuleDoesNotRequireTheComparator(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(mod), "mattermost-plugin-api") {
		t.Error("go.mod requires mattermost-plugin-api; only the benchmark module (bench/go.mod) may")
	}
}
