package app

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// With the demo actions switched off every change is refused before it
// writes anything, each refusal is audited, and the status stays readable
// and says the switch is off. Catches a change that checks the switch
// after it has taken the lock, recorded the run or stored the reminder.
//
// The node runs no demo jobs (quietConfig), and its heartbeat is the one
// write it makes by itself: every other write while the changes are
// refused is one of theirs. Counting all writes made this flaky: a
// scheduled job's first run could land inside the window.
func TestDemoActionsOffRefusesEveryChange(t *testing.T) {
	store := kvtest.NewStore()
	cfg := quietConfig()
	cfg.DemoActions = false
	a := startNode(t, store, "node-a", cfg)
	var mu sync.Mutex
	var written []string
	store.SetFault(func(c kvtest.Call) kvtest.Outcome {
		if (c.Op == kvtest.OpSet || c.Op == kvtest.OpDelete) && !strings.HasPrefix(c.Key, nodeKeyPrefix) {
			mu.Lock()
			written = append(written, string(c.Op)+" "+c.Key)
			mu.Unlock()
		}
		return kvtest.Outcome{}
	})

	_, err1 := a.app.AcquireLock(apptest.AdminUser, "off", time.Minute, 0)
	_, _, err2 := a.app.ReleaseLock(apptest.AdminUser, "off")
	_, _, err3 := a.app.RunJob(apptest.AdminUser, JobQuick)
	_, err4 := a.app.StartStress(apptest.AdminUser, 1)
	_, err5 := a.app.ScheduleReminder(apptest.AdminUser, ReminderRequest{Seconds: 60, Text: "refused"})
	store.SetFault(nil)
	for i, err := range []error{err1, err2, err3, err4, err5} {
		if !errors.Is(err, ErrDemoActionsOff) {
			t.Errorf("change %d: %v, want ErrDemoActionsOff", i, err)
		}
	}
	mu.Lock()
	if len(written) != 0 {
		t.Errorf("refused changes wrote to the store: %v", written)
	}
	mu.Unlock()
	refusals := 0
	for _, line := range a.api.Infos() {
		if strings.Contains(line, "outcome="+ErrDemoActionsOff.Error()) {
			refusals++
		}
	}
	if refusals != 5 {
		t.Errorf("%d audited refusals, want 5:\n%s", refusals, strings.Join(a.api.Infos(), "\n"))
	}
	st, err := a.app.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Settings.DemoActions {
		t.Error("the status says the demo actions are on")
	}
}

// Every change logs one info line with who (user id and username), what,
// on which node, and the outcome; on-demand runs and stress runs keep who
// asked. Catches a change path (release, run, stress) that skips the audit.
func TestEveryChangeIsAudited(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-audit", DefaultConfiguration())
	b := startNode(t, store, "node-other", quietConfig())
	if _, err := a.app.AcquireLock(apptest.PluginAdminUser, "audited", time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.app.AcquireLock(apptest.AdminUser, "audited", time.Minute, 0); !errors.Is(err, ErrLockBusy) {
		t.Fatalf("second taker: %v", err)
	}
	if _, _, err := a.app.ReleaseLock(apptest.PluginAdminUser, "audited"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.app.RunJob(apptest.AdminUser, JobQuick); err != nil {
		t.Fatal(err)
	}
	if _, err := a.app.StartStress(apptest.AdminUser, 1); err != nil {
		t.Fatal(err)
	}

	want := []struct {
		api                         *apptest.FakeAPI
		action, user, node, outcome string
	}{
		{a.api, "take demo lock", "plugin-admin", "node-audit", "outcome=ok"},
		{b.api, "take demo lock", "sysadmin", "node-other", "outcome=lock is held"},
		{a.api, "release demo lock", "plugin-admin", "node-audit", "outcome=ok"},
		{a.api, "run job now", "sysadmin", "node-audit", "outcome=ok"},
		{a.api, "start stress run", "sysadmin", "node-audit", "outcome=ok"},
	}
	for _, w := range want {
		found := false
		for _, line := range w.api.Infos() {
			found = found || strings.Contains(line, "action="+w.action) &&
				strings.Contains(line, "username="+w.user) && strings.Contains(line, "user_id=") &&
				strings.Contains(line, "node="+w.node) && strings.Contains(line, w.outcome)
		}
		if !found {
			t.Errorf("no audit line for %s by %s on %s with %s in:\n%s", w.action, w.user, w.node, w.outcome, strings.Join(w.api.Infos(), "\n"))
		}
	}

	st, err := b.app.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st.Stress == nil || st.Stress.By.Username != "sysadmin" || st.Stress.By.UserID != apptest.AdminUser {
		t.Errorf("stress run started by %+v, want the admin", st.Stress)
	}
	for _, j := range st.Jobs {
		if j.Name != JobQuick {
			continue
		}
		if j.RunRequest == nil || j.RunRequest.By.Username != "sysadmin" || j.RunRequest.Node != "node-audit" {
			t.Errorf("quick job's run request %+v, want the admin through node-audit", j.RunRequest)
		}
	}
}
