package command

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

func TestParseCommand(t *testing.T) {
	long := strings.Repeat("x", 65)
	cases := []struct {
		text    string
		want    command
		wantErr string
	}{
		{"/clusterdemo", command{sub: "help"}, ""},
		{"/clusterdemo   ", command{sub: "help"}, ""},
		{"", command{sub: "help"}, ""},
		{"/clusterdemo help", command{sub: "help"}, ""},
		{"/clusterdemo status", command{sub: "status"}, ""},
		{"/clusterdemo STATUS", command{sub: "status"}, ""},
		{"/CLUSTERDEMO nodes", command{sub: "nodes"}, ""},
		{"/clusterdemo locks", command{sub: "locks"}, ""},
		{"/clusterdemo jobs", command{sub: "jobs"}, ""},
		{"/clusterdemo lock my-lock", command{sub: "lock", name: "my-lock", seconds: app.DefaultHoldSeconds}, ""},
		{"/clusterdemo lock my.lock_2 30", command{sub: "lock", name: "my.lock_2", seconds: 30}, ""},
		{"/clusterdemo  lock\tx  600 ", command{sub: "lock", name: "x", seconds: 600}, ""},
		{"/clusterdemo unlock my-lock", command{sub: "unlock", name: "my-lock"}, ""},
		{"/clusterdemo run slow", command{sub: "run", name: "slow"}, ""},
		{"/clusterdemo stress", command{sub: "stress", seconds: app.DefaultStressSeconds}, ""},
		{"/clusterdemo stress 60", command{sub: "stress", seconds: 60}, ""},
		{"status", command{sub: "status"}, ""},

		{"/clusterdemo frobnicate", command{}, "unknown subcommand"},
		{"/clusterdemo lock", command{}, "needs <name>"},
		{"/clusterdemo lock a/b", command{}, "invalid lock name"},
		{"/clusterdemo lock ..", command{}, "invalid lock name"},
		{"/clusterdemo lock .", command{}, "invalid lock name"},
		{"/clusterdemo lock a..b", command{}, "without '..'"},
		{"/clusterdemo lock a.b.c", command{sub: "lock", name: "a.b.c", seconds: app.DefaultHoldSeconds}, ""},
		{"/clusterdemo lock " + long, command{}, "1 to 64"},
		{"/clusterdemo lock l\u00f6ck", command{}, "invalid lock name"},
		{"/clusterdemo lock x 0", command{}, "hold-seconds must be a whole number from 1 to 600"},
		{"/clusterdemo lock x 601", command{}, "hold-seconds"},
		{"/clusterdemo lock x ten", command{}, "hold-seconds"},
		{"/clusterdemo lock x 10 extra", command{}, "too many arguments"},
		{"/clusterdemo unlock", command{}, "needs <name>"},
		{"/clusterdemo unlock a b", command{}, "too many arguments"},
		{"/clusterdemo run", command{}, "needs <job>"},
		{"/clusterdemo run nightly", command{}, "unknown job"},
		{"/clusterdemo stress 0", command{}, "seconds must be a whole number from 1 to 60"},
		{"/clusterdemo stress 61", command{}, "seconds"},
		{"/clusterdemo stress -5", command{}, "seconds"},
		{"/clusterdemo stress 5 5", command{}, "too many arguments"},
		{"/clusterdemo status now", command{}, "too many arguments"},
	}
	for _, c := range cases {
		got, err := parseCommand(c.text)
		if c.wantErr != "" {
			if err == nil || !errors.Is(err, errUsage) || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("parseCommand(%q) = %+v, %v; want a usage error about %q", c.text, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseCommand(%q) = %+v, %v; want %+v", c.text, got, err, c.want)
		}
	}
}

// FuzzParseCommand: no input panics, and whatever parses is a command the
// application can run as is (a known subcommand, a valid name, seconds in range).
func FuzzParseCommand(f *testing.F) {
	for _, seed := range []string{
		"/clusterdemo", "/clusterdemo status", "/clusterdemo lock a 5", "/clusterdemo lock a/b",
		"/clusterdemo unlock x", "/clusterdemo run quick", "/clusterdemo stress 60", "/clusterdemo stress 99999999999999999999",
		"/clusterdemo lock \u00e9 1", "/clusterdemo \x00 lock", "/clusterdemo lock x -0", "/clusterdemo lock x +5",
		"/clusterdemo help me", "   ", "/clusterdemo lock " + strings.Repeat("z", 64) + " 600",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := parseCommand(text)
		if err != nil {
			if !errors.Is(err, errUsage) {
				t.Fatalf("parseCommand(%q) error %v is not a usage error", text, err)
			}
			return
		}
		spec, ok := findSpec(cmd.sub)
		if !ok {
			t.Fatalf("parseCommand(%q) gave unknown subcommand %q", text, cmd.sub)
		}
		if spec.nameArg {
			if cmd.sub == "run" {
				if !app.IsDemoJob(cmd.name) {
					t.Fatalf("parseCommand(%q) gave unknown job %q", text, cmd.name)
				}
			} else if app.ValidateLockName(cmd.name) != nil {
				t.Fatalf("parseCommand(%q) gave invalid lock name %q", text, cmd.name)
			}
		} else if cmd.name != "" {
			t.Fatalf("parseCommand(%q) gave a name to %s", text, cmd.sub)
		}
		if spec.secsArg && (cmd.seconds < spec.secsMin || cmd.seconds > spec.secsMax) {
			t.Fatalf("parseCommand(%q) gave seconds %d out of range", text, cmd.seconds)
		}
	})
}

func TestCommandAutocompleteIsValidAndComplete(t *testing.T) {
	def := Definition()
	if def.Trigger != Trigger || !def.AutoComplete {
		t.Fatalf("command definition %+v", def)
	}
	if err := def.AutocompleteData.IsValid(); err != nil {
		t.Fatalf("autocomplete data refused by Mattermost's own check: %v", err)
	}
	subs := map[string]bool{}
	for _, sub := range def.AutocompleteData.SubCommands {
		subs[sub.Trigger] = true
		spec, _ := findSpec(sub.Trigger)
		wantArgs := 0
		if spec.nameArg {
			wantArgs++
		}
		if spec.secsArg {
			wantArgs++
		}
		if spec.remind {
			wantArgs += 2
		}
		if len(sub.Arguments) != wantArgs {
			t.Errorf("autocomplete for %s has %d arguments, want %d", sub.Trigger, len(sub.Arguments), wantArgs)
		}
	}
	for _, want := range []string{"status", "nodes", "locks", "jobs", "lock", "unlock", "run", "stress", "remind", "reminders", "help"} {
		if !subs[want] {
			t.Errorf("autocomplete lacks %s", want)
		}
	}
}

func TestCommandReplies(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a")
	b := startNode(t, store, "node-b")
	site := "http://chat.example.com"

	cases := []struct {
		node *testNode
		user string
		text string
		want []string
	}{
		{a, memberUser, "/clusterdemo help", []string{"/clusterdemo lock <name> [hold-seconds]", "system admins"}},
		{a, memberUser, "/clusterdemo status", []string{"Only system admins can use `/clusterdemo status`"}},
		{a, memberUser, "/clusterdemo lock x", []string{"Only system admins"}},
		// A read-only admin (sysconsole_read_plugins) may look, not change.
		{a, apptest.ReadOnlyAdminUser, "/clusterdemo nodes", []string{"`node-a` (this node)"}},
		{a, apptest.ReadOnlyAdminUser, "/clusterdemo lock x", []string{"Only system admins", "sysconsole_write_plugins"}},
		{a, apptest.ReadOnlyAdminUser, "/clusterdemo stress 1", []string{"Only system admins", "sysconsole_write_plugins"}},
		// A delegated plugin admin (sysconsole_write_plugins) may change.
		{a, apptest.PluginAdminUser, "/clusterdemo lock delegated 5", []string{"took lock `delegated`"}},
		{a, adminUser, "/clusterdemo bogus", []string{"unknown subcommand", Usage}},
		{a, adminUser, "/clusterdemo lock a/b", []string{"invalid lock name", Usage}},
		{a, adminUser, "/clusterdemo lock cmd-lock 120", []string{"Node **node-a** took lock `cmd-lock` for 120 s"}},
		{b, adminUser, "/clusterdemo lock cmd-lock", []string{"busy", "held by node **node-a**"}},
		{b, adminUser, "/clusterdemo unlock cmd-lock", []string{"Node **node-b** does not hold lock `cmd-lock`", "node-a"}},
		{b, adminUser, "/clusterdemo unlock never-seen", []string{"No lock named `never-seen`"}},
		{b, adminUser, "/clusterdemo locks", []string{"Answered by node **node-b**", "| `cmd-lock` | demo | `node-a` |", "(http://chat.example.com/plugins/clusterdemo/dashboard)"}},
		{b, adminUser, "/clusterdemo nodes", []string{"`node-a`", "`node-b` (this node)", "alive"}},
		{b, adminUser, "/clusterdemo jobs", []string{"| `quick` | 10 s |", "| `slow` | 30 s |", "| `digest` | 60 s |"}},
		{b, adminUser, "/clusterdemo status", []string{"Answered by node **node-b**", "##### Nodes", "##### Locks", "##### Jobs", "[Open the dashboard](http://chat.example.com/plugins/clusterdemo/dashboard)"}},
		{b, adminUser, "/clusterdemo run quick", []string{"turned off on this node"}},
		{a, adminUser, "/clusterdemo unlock cmd-lock", []string{"Node **node-a** released lock `cmd-lock`."}},
		{b, adminUser, "/clusterdemo stress 1", []string{"Started a 1 s stress run from node **node-b**"}},
		{a, adminUser, "/clusterdemo stress 1", []string{"already in progress"}},
	}
	// Run the cases in order; then, once the run has ended, the cooldown.
	defer func() {
		apptest.Eventually(t, 10*time.Second, "the stress run ends", func() bool {
			st, err := a.app.Status()
			return err == nil && st.Stress != nil && !st.Stress.Running
		})
		reply := Execute(a.app, a.api, adminUser, "town-square", "/clusterdemo stress 1", site)
		if !strings.Contains(reply, "Refused: the last stress run ended too recently: the next may start at") {
			t.Errorf("stress within the cooldown: %s", reply)
		}
	}()
	for _, c := range cases {
		reply := Execute(c.node.app, c.node.api, c.user, "town-square", c.text, site)
		for _, want := range c.want {
			if !strings.Contains(reply, want) {
				t.Errorf("%q as %s: reply lacks %q:\n%s", c.text, c.user, want, reply)
			}
		}
	}
}

// testNode is one running application over a shared store, with the demo
// jobs off.
type testNode struct {
	api *apptest.FakeAPI
	app *app.App
}

func startNode(t *testing.T, store *kvtest.Store, name string) *testNode {
	t.Helper()
	cfg := app.DefaultConfiguration()
	cfg.DemoWorkload = false
	api := apptest.NewFakeAPI(store)
	a := apptest.Run(t, api, app.New(app.Options{
		API:          api,
		Self:         app.Node{ID: model.NewId(), Name: name, StartedAt: time.Now(), Version: "0.1.0-test"},
		EnsureBot:    func() (string, error) { return apptest.BotUser, nil },
		RenderDigest: DigestMessage,
		Config:       cfg,
	}))
	return &testNode{api: api, app: a}
}

// With the demo actions switched off the command refuses every change
// and says why, and still shows the status.
func TestCommandRefusesChangesWhileDemoActionsAreOff(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a")
	cfg := app.DefaultConfiguration()
	cfg.DemoWorkload = false
	cfg.DemoActions = false
	if err := n.app.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"/clusterdemo lock x", "/clusterdemo unlock x", "/clusterdemo run quick", "/clusterdemo stress 1"} {
		if reply := Execute(n.app, n.api, adminUser, "town-square", text, ""); !strings.Contains(reply, "Refused: demo actions are switched off in the plugin settings") {
			t.Errorf("%q: %s", text, reply)
		}
	}
	if reply := Execute(n.app, n.api, adminUser, "town-square", "/clusterdemo status", ""); !strings.Contains(reply, "##### Nodes") {
		t.Errorf("status while off: %s", reply)
	}
}

const (
	adminUser  = apptest.AdminUser
	memberUser = apptest.MemberUser
)

// The digest post names every node and each held lock's holder, in table
// cells a name cannot break out of.
func TestDigestMessage(t *testing.T) {
	msg := DigestMessage(app.Digest{
		Summary: "1 of 2 nodes alive, 1 of 3 locks held",
		Nodes:   []app.Node{{Name: "node-a", Alive: true}, {Name: "node|b"}},
		Held:    []app.Lock{{Name: "payroll", Held: true, HolderName: "node-a"}},
	})
	for _, want := range []string{"#### Cluster digest\n1 of 2 nodes alive, 1 of 3 locks held.", "| `node-a` | alive |", "| `node\\|b` | gone |", "| `payroll` | `node-a` |"} {
		if !strings.Contains(msg, want) {
			t.Errorf("digest lacks %q:\n%s", want, msg)
		}
	}
}
