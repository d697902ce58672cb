//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
	"github.com/clusterdemo/clusterdemo/server/app"
)

// What an administrator relies on before installing the plugin on a
// production server, checked on real nodes: a burst is answered, never
// failed; the production switch; the stress cooldown; the audit lines; the
// headers; the permissions of a delegated read-only admin; a refused
// setting in the status; events that name nothing.

// burstRequests is the size of the burst: the one that, before admission
// and the KV bound, gave 29 × 500 with "sorry, too many clients already".
const burstRequests = 300

// burstWaitSeconds: every request may wait on the held lock, as a panel
// user's "take when free" would.
const burstWaitSeconds = 2

// A burst of concurrent acquire requests on node 1, against a lock node 2
// holds, is answered 200, 409 or 429 — never 5xx — and leaves no database
// error in either node's log. It runs first in this file so that the
// cluster is as fresh as the suite allows (run it alone with
// -run TestAcquireBurst for a freshly started server).
func TestAcquireBurst(t *testing.T) {
	suite.healthy(t)
	node1, node2 := suite.node(1), suite.node(2)
	name := uniqueLockName("e2e-burst")
	expect(t, "node 2 takes the lock", call(t, node2, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: 60}), http.StatusOK, nil)
	defer call(t, node2, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/release", nil)
	marks := []logMark{mustMarkLogs(t, node1), mustMarkLogs(t, node2)}

	statuses := make([]int, burstRequests)
	errs := make([]error, burstRequests)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < burstRequests; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			r, err := try(node1, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: 5, WaitSeconds: burstWaitSeconds})
			statuses[i], errs[i] = r.status, err
		}(i)
	}
	close(start)
	wg.Wait()

	counts := map[int]int{}
	for i, status := range statuses {
		if errs[i] != nil {
			t.Errorf("request %d: %v", i, errs[i])
			continue
		}
		counts[status]++
	}
	t.Logf("burst of %d acquires on node 1 against node 2's lock: %v", burstRequests, counts)
	for status, n := range counts {
		if status != http.StatusOK && status != http.StatusConflict && status != http.StatusTooManyRequests {
			t.Errorf("%d answers with status %d; want only 200, 409 and 429", n, status)
		}
	}
	for _, m := range marks {
		for _, parts := range [][]string{{"too many clients"}, {"pq:"}, {"error", "database"}, {"clusterdemo: request failed"}} {
			if lines := m.mustMatch(t, parts...); len(lines) > 0 {
				t.Errorf("node %d logged %q during the burst:\n%s", m.node.Index, parts, strings.Join(lines, "\n"))
			}
		}
	}
}

// statusView is the part of GET /status these checks read.
type statusView struct {
	Settings struct {
		Running map[string]any `json:"running"`
		Refused *struct {
			Key    string `json:"key"`
			Value  any    `json:"value"`
			Reason string `json:"reason"`
		} `json:"refused"`
	} `json:"settings"`
	DemoActionsEnabled        bool    `json:"demo_actions_enabled"`
	DemoActionsDisabledReason *string `json:"demo_actions_disabled_reason"`
	Stress                    *struct {
		ID            string     `json:"id"`
		Running       bool       `json:"running"`
		NextStartAt   *time.Time `json:"next_start_at"`
		StartedByUser *struct {
			UserID   string  `json:"user_id"`
			Username *string `json:"username"`
		} `json:"started_by_user"`
	} `json:"stress"`
}

func statusOf(t *testing.T, n *localcluster.Node) statusView {
	t.Helper()
	var st statusView
	adminGet(t, n, "/api/v1/status", &st)
	return st
}

// pluginSettings are the settings the suite runs with, so a check that
// changes one can put every one back.
func pluginSettings(extra map[string]any) map[string]any {
	out := map[string]any{"DemoWorkload": true, "DemoActions": true}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestAdminControls(t *testing.T) {
	suite.healthy(t)
	node1, node2 := suite.node(1), suite.node(2)

	t.Run("headers", func(t *testing.T) {
		r := call(t, node1, suite.admin(), http.MethodGet, "/api/v1/status", nil)
		if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET /status: X-Content-Type-Options %q, want nosniff", got)
		}
		r = call(t, node1, suite.admin(), http.MethodGet, "/api/v1/no-such-route-e2e%3Cb%3E", nil)
		expectJSONError(t, "an unknown route", r, http.StatusNotFound)
		if strings.Contains(string(r.body), "no-such-route-e2e") || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("the 404 echoes the request or lacks nosniff: %s", r)
		}
		r = call(t, node1, suite.admin(), http.MethodGet, dashboardPath, nil)
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("dashboard CSP %q: want scripts only from self, nothing by default", csp)
		}
	})

	t.Run("a read-only admin reads but cannot change", func(t *testing.T) {
		client := readOnlyAdmin(t, node1)
		reader := bearer("read-only admin", client.AuthToken)
		for _, rt := range contractRoutes {
			r := call(t, node2, reader, rt.method, rt.path, rt.body)
			if rt.method == http.MethodGet {
				if r.status != http.StatusOK && r.status != http.StatusNotFound {
					t.Errorf("%s %s as the read-only admin: %s, want an answer", rt.method, rt.path, r)
				}
				continue
			}
			expectJSONError(t, rt.method+" "+rt.path+" as the read-only admin", r, http.StatusForbidden)
		}
	})

	t.Run("the production switch", func(t *testing.T) {
		for _, n := range suite.active {
			patchPluginSettings(t, n, pluginSettings(map[string]any{"DemoActions": false}))
		}
		defer func() {
			for _, n := range suite.active {
				patchPluginSettings(t, n, pluginSettings(nil))
			}
		}()
		for _, n := range suite.active {
			eventually(t, fmt.Sprintf("node %d runs with DemoActions off", n.Index), configApplyBound, func() (bool, string) {
				st := statusOf(t, n)
				return !st.DemoActionsEnabled && st.DemoActionsDisabledReason != nil, fmt.Sprintf("%+v", st)
			})
		}
		mark := mustMarkLogs(t, node1)
		name := uniqueLockName("e2e-off")
		for _, rt := range []struct{ method, path string }{
			{http.MethodPost, "/api/v1/locks/" + name + "/acquire"},
			{http.MethodPost, "/api/v1/locks/" + name + "/release"},
			{http.MethodPost, "/api/v1/jobs/quick/run"},
			{http.MethodPost, "/api/v1/stress"},
		} {
			r := call(t, node1, suite.admin(), rt.method, rt.path, nil)
			expectJSONError(t, rt.method+" "+rt.path+" with the demo actions off", r, http.StatusForbidden)
			if !strings.Contains(string(r.body), "switched off") {
				t.Errorf("%s %s: %s, want the reason", rt.method, rt.path, r)
			}
		}
		if lines := mark.mustMatch(t, "clusterdemo: audit", "take demo lock", name, "switched off"); len(lines) == 0 {
			t.Errorf("no audit line for the refused acquire in node 1's log")
		}
		adminGet(t, node2, "/api/v1/locks", nil)
	})

	t.Run("a refused setting shows with its reason", func(t *testing.T) {
		// Lower-case keys, as the System Console saves them.
		before := statusOf(t, node1).Settings.Running["QuickIntervalSeconds"]
		patchPluginSettings(t, node1, pluginSettings(map[string]any{"quickintervalseconds": 1}))
		defer patchPluginSettings(t, node1, pluginSettings(map[string]any{"quickintervalseconds": before}))
		eventually(t, "node 1 shows the refused save", configApplyBound, func() (bool, string) {
			st := statusOf(t, node1)
			r := st.Settings.Refused
			return r != nil && r.Key == "QuickIntervalSeconds" && fmt.Sprint(r.Value) == "1" && strings.Contains(r.Reason, "from 2 to"), fmt.Sprintf("%+v", st.Settings)
		})
		if got := statusOf(t, node1).Settings.Running["QuickIntervalSeconds"]; fmt.Sprint(got) != fmt.Sprint(before) {
			t.Errorf("the plugin runs QuickIntervalSeconds %v after the refused save, want the previous %v", got, before)
		}
	})

	t.Run("audit lines and who started a stress run", func(t *testing.T) {
		marks := map[int]logMark{1: mustMarkLogs(t, node1), 2: mustMarkLogs(t, node2)}
		name := uniqueLockName("e2e-audit")
		expect(t, "take", call(t, node1, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: 30}), http.StatusOK, nil)
		expect(t, "release", call(t, node1, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/release", nil), http.StatusOK, nil)
		expect(t, "run now", call(t, node2, suite.admin(), http.MethodPost, "/api/v1/jobs/quick/run", nil), http.StatusAccepted, nil)
		waitStressCooldown(t, node1)
		expect(t, "stress", call(t, node1, suite.admin(), http.MethodPost, "/api/v1/stress", map[string]int{"seconds": 1}), http.StatusAccepted, nil)
		admin := suite.cluster.Admin.Username
		for _, want := range []struct {
			node         int
			action, what string
		}{
			{1, "take demo lock", name},
			{1, "release demo lock", name},
			{2, "run job now", "quick"},
			{1, "start stress run", "1 s"},
		} {
			eventually(t, fmt.Sprintf("node %d logs the audit line of %s %s", want.node, want.action, want.what), configApplyBound, func() (bool, string) {
				// The node log is plain text with the fields as JSON (5.39)
				// or logfmt (6.7.2).
				lines := marks[want.node].mustMatch(t, "clusterdemo: audit", want.action, want.what, admin, logField("outcome", "ok"))
				return len(lines) > 0, strings.Join(marks[want.node].mustMatch(t, "clusterdemo: audit"), "\n")
			})
		}
		// The status comes from node 2's cache: within its freshness bound.
		eventually(t, "node 2's status naming who started the stress run", statusFreshness, func() (bool, string) {
			st := statusOf(t, node2)
			ok := st.Stress != nil && st.Stress.StartedByUser != nil && st.Stress.StartedByUser.Username != nil && *st.Stress.StartedByUser.Username == admin
			return ok, fmt.Sprintf("%+v", st.Stress)
		})

		// The cooldown: once the run is over, the next is refused until
		// next_start_at, on any node.
		eventually(t, "the stress run over", 10*time.Second, func() (bool, string) {
			st := statusOf(t, node2)
			return st.Stress != nil && !st.Stress.Running, fmt.Sprintf("%+v", st.Stress)
		})
		r := call(t, node2, suite.admin(), http.MethodPost, "/api/v1/stress", map[string]int{"seconds": 1})
		expectJSONError(t, "a stress run within the cooldown", r, http.StatusTooManyRequests)
	})

	t.Run("429 past the node's bound on lock requests", func(t *testing.T) {
		// Node 2 holds more locks than node 1 admits requests; a request
		// waiting for each of them on node 1 at once fills node 1's bound,
		// and the requests past it are refused at once with 429. The
		// admitted ones give up after their wait with 409.
		const extra = 10
		names := make([]string, app.MaxLockRequests+extra)
		for i := range names {
			names[i] = uniqueLockName("e2e-bound")
			expect(t, "node 2 takes "+names[i], call(t, node2, suite.admin(), http.MethodPost, "/api/v1/locks/"+names[i]+"/acquire", acquireBody{HoldSeconds: 60}), http.StatusOK, nil)
		}
		defer func() {
			for _, name := range names {
				call(t, node2, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/release", nil)
			}
		}()
		// Long enough that every request is in progress at once, well
		// inside the API's longest wait and the client's request timeout.
		const waitSeconds = 8
		statuses := make([]int, len(names))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, name := range names {
			wg.Add(1)
			go func(i int, name string) {
				defer wg.Done()
				<-start
				r, err := try(node1, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: 1, WaitSeconds: waitSeconds})
				if err != nil {
					t.Errorf("waiter for %s: %v", name, err)
				}
				statuses[i] = r.status
			}(i, name)
		}
		close(start)
		wg.Wait()
		counts := map[int]int{}
		for _, status := range statuses {
			counts[status]++
		}
		t.Logf("%d requests waiting at once on node 1: %v", len(names), counts)
		if counts[http.StatusTooManyRequests] == 0 {
			t.Errorf("no 429 with %d requests in progress, more than the bound of %d", len(names), app.MaxLockRequests)
		}
		if counts[http.StatusTooManyRequests]+counts[http.StatusConflict] != len(names) {
			t.Errorf("answers %v: want only 409 (gave up waiting) and 429 (past the bound)", counts)
		}
	})

	t.Run("a non-admin's websocket receives nothing naming a lock or a node", func(t *testing.T) {
		// Unlicensed nodes do not relay websocket events between nodes, so
		// what this proves is: on the node where the change happens, the
		// non-admin receives no event at all, and the admin's events carry
		// only the kind of change. That the payload names nothing, which
		// is what reaches every user of the other nodes on a licensed
		// cluster, is the unit test of what is published.
		admins := watchNodes(t)
		users := watchNodesAs(t, suite.userToken)
		time.Sleep(time.Second) // both sockets connected before the changes
		name := uniqueLockName("e2e-leak")
		expect(t, "take", call(t, node1, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/acquire", acquireBody{HoldSeconds: 30}), http.StatusOK, nil)
		expect(t, "release", call(t, node1, suite.admin(), http.MethodPost, "/api/v1/locks/"+name+"/release", nil), http.StatusOK, nil)
		eventually(t, "the admin's websocket on node 1 carries the lock events", configApplyBound, func() (bool, string) {
			return admins[0].saw("lock", time.Now().Add(-time.Minute), time.Now()), fmt.Sprintf("%d events", admins[0].count())
		})
		for _, w := range append(admins, users...) {
			if extra := w.oversharing(); len(extra) > 0 {
				t.Errorf("node %d: events carry more than the kind: %v", w.node, extra)
			}
		}
		for _, w := range users {
			if n := w.count(); n != 0 {
				t.Errorf("the non-admin's websocket on node %d received %d status events", w.node, n)
			}
		}
	})
}

// readOnlyAdmin creates a user with Mattermost's system_read_only_admin role
// (sysconsole_read_plugins, not the write) and logs in on n.
func readOnlyAdmin(t *testing.T, n *localcluster.Node) *model.Client4 {
	t.Helper()
	admin := suite.cluster.AdminClient(n)
	account := localcluster.Account{Username: "e2e-readonly-" + model.NewId()[:6], Password: "Readonly-Pass-1"}
	account.Email = account.Username + "@example.com"
	user, resp := admin.CreateUser(&model.User{Username: account.Username, Password: account.Password, Email: account.Email})
	if resp.Error != nil {
		t.Fatalf("creating a read-only admin: %s", resp.Error.Error())
	}
	if _, resp := admin.UpdateUserRoles(user.Id, model.SYSTEM_USER_ROLE_ID+" "+model.SYSTEM_READ_ONLY_ADMIN_ROLE_ID); resp.Error != nil {
		t.Skipf("this server does not assign %s (%s); the unit tests cover the rule", model.SYSTEM_READ_ONLY_ADMIN_ROLE_ID, resp.Error.Error())
	}
	client, err := suite.cluster.Login(n, account)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// waitStressCooldown waits until n's status allows a new stress run.
func waitStressCooldown(t *testing.T, n *localcluster.Node) {
	t.Helper()
	st := statusOf(t, n)
	if st.Stress == nil || st.Stress.NextStartAt == nil {
		return
	}
	if wait := time.Until(*st.Stress.NextStartAt); wait > 0 {
		t.Logf("waiting %v for the stress cooldown", wait.Round(time.Second))
		time.Sleep(wait + time.Second)
	}
}
