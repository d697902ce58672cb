package localcluster

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"html/template"
	"os"
	"path/filepath"
)

// The nodes have no Mattermost web app: the server's Go module does not
// carry it. Mattermost answers every GET outside /api/ and /plugins/ with
// the client folder's root.html and serves that folder under /static/, so
// the folder becomes the local cluster's own small site: at / what runs here
// and the demo accounts, at /login a login form that signs in as the web app
// does and then returns to redirect_to — where the plugin's dashboard sends
// a browser without a session.

var (
	//go:embed client/root.html
	rootPageTemplate string
	//go:embed client/login.js
	rootPageScript []byte
)

// rootPageScriptName is the script's name in the client folder. Mattermost
// lets browsers cache /static/ for a year; the page asks for it with its
// content hash, so a rebuilt cluster never runs a stale script.
const rootPageScriptName = "localcluster.js"

// LoginPath is the local cluster's login page on every node.
const LoginPath = "/login"

type rootPage struct {
	Version  string
	Home     string // where the page sends people: the plugin page, or /
	Team     string
	Script   string
	Accounts []rootPageAccount
}

type rootPageAccount struct {
	Account
	Role string
}

// writeRootPage writes root.html and its script into clientDir.
func writeRootPage(clientDir, version, home string) error {
	tmpl, err := template.New("root.html").Parse(rootPageTemplate)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(rootPageScript)
	page := rootPage{
		Version: version,
		Home:    home,
		Team:    DemoTeam,
		Script:  "/static/" + rootPageScriptName + "?v=" + hex.EncodeToString(sum[:6]),
		Accounts: []rootPageAccount{
			{adminAccount, "System admin: sees the dashboard"},
			{userAccount, "Not an admin: the dashboard says it is for admins only"},
		},
	}
	var html bytes.Buffer
	if err := tmpl.Execute(&html, page); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(clientDir, "root.html"), html.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(clientDir, rootPageScriptName), rootPageScript, 0o644)
}

// homePath is the path the root page links to and the login page returns
// to by default: the plugin page Config names, else the root page itself.
func (c Config) homePath() string {
	if c.PluginID == "" || c.PluginPage == "" {
		return "/"
	}
	return "/plugins/" + c.PluginID + c.PluginPage
}

// PageURL is the plugin page of node n (Config.PluginPage), the link the
// demo prints: without a session it leads through the login page.
func (c *Cluster) PageURL(n *Node) string { return n.URL + c.config.homePath() }

// LoginURL is the login page of node n.
func (c *Cluster) LoginURL(n *Node) string { return n.URL + LoginPath }
