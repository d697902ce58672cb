//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
	"github.com/clusterdemo/clusterdemo/server/app"
)

// reminderDelay is how far ahead the reminder is due: long enough that the
// scheduling node is dead well before it, short enough to keep the test
// brief.
const reminderDelay = 8 * time.Second

// reminderPickupBound: a node finds a reminder another node scheduled by
// its next scan, each scan jittered by up to a fifth of the interval; the
// reminder then runs at its time, plus the lock's retry and request latency.
const reminderPickupBound = reminderDelay + app.ReminderScanInterval*6/5 + jobWakeSlack

type apiReminder struct {
	Key         string     `json:"key"`
	Text        string     `json:"text"`
	RunAt       *time.Time `json:"run_at"`
	ScheduledBy *string    `json:"scheduled_by"`
	Pending     bool       `json:"pending"`
	RanBy       *string    `json:"ran_by"`
	FinishedAt  *time.Time `json:"finished_at"`
	Attempts    int        `json:"attempts"`
	Error       *string    `json:"error"`
}

func reminderSeenBy(n *localcluster.Node, text string) (apiReminder, bool, error) {
	var out struct {
		Reminders []apiReminder `json:"reminders"`
	}
	r, err := try(n, suite.admin(), http.MethodGet, "/api/v1/reminders", nil)
	if err != nil {
		return apiReminder{}, false, err
	}
	if r.status != http.StatusOK {
		return apiReminder{}, false, fmt.Errorf("GET /api/v1/reminders on node %d: %s", n.Index, r)
	}
	if err := jsonDecode(r, &out); err != nil {
		return apiReminder{}, false, err
	}
	for _, rem := range out.Reminders {
		if rem.Text == text {
			return rem, true, nil
		}
	}
	return apiReminder{}, false, nil
}

// postsWith counts the channel's posts since since whose message is text.
func postsWith(n *localcluster.Node, text string, since time.Time) (int, error) {
	client := n.Client()
	client.SetToken(suite.cluster.AdminToken)
	list, resp := client.GetPostsSince(suite.channelID, model.GetMillisForTime(since), false)
	if resp.Error != nil {
		return 0, fmt.Errorf("node %d: reading the channel's posts: %s", n.Index, resp.Error.Error())
	}
	count := 0
	for _, p := range list.Posts {
		if p.Message == text && p.DeleteAt == 0 {
			count++
		}
	}
	return count, nil
}

// Killing the node that scheduled a one-shot job: /clusterdemo remind
// through node 1, kill -9 node 1 before the reminder is due; a surviving
// node runs it, the recorded outcome names that node, and exactly one post
// appears, also after another scan of every survivor. Catches a reminder
// kept only in the scheduling node's memory (a timer: lost with the node),
// one that only the scheduling node may run, and one the survivors both
// post (no lock around the run, or the record not deleted after it).
func TestKillOneShotScheduler(t *testing.T) {
	suite.withNode3(t)
	selves := suite.healthy(t)
	victim, victimSelf := suite.active[0], selves[0]
	survivors := suite.active[1:]
	survivorNames := map[string]bool{}
	for _, s := range selves[1:] {
		survivorNames[s.Name] = true
	}
	text := fmt.Sprintf("e2e one-shot reminder %s", model.NewId())
	since := time.Now()

	reply := commandAs(t, victim, suite.cluster.AdminToken, fmt.Sprintf("/clusterdemo remind %d %s", int(reminderDelay/time.Second), text))
	scheduledAt := time.Now()
	requireAll(t, "remind through node 1", reply, victimSelf.Name, "scheduled reminder")
	killedAt := kill(t, victim)
	if killedAt.Sub(since) >= reminderDelay {
		t.Fatalf("the kill came %v after scheduling a reminder due in %v: not before its time", killedAt.Sub(since), reminderDelay)
	}
	observer := survivors[0]

	var rem apiReminder
	eventually(t, fmt.Sprintf("a surviving node running the reminder node %d scheduled", victim.Index), reminderPickupBound, func() (bool, string) {
		r, found, err := reminderSeenBy(observer, text)
		if err != nil {
			return false, err.Error()
		}
		if !found {
			return false, "the reminder is not listed"
		}
		rem = r
		return !r.Pending && r.FinishedAt != nil, fmt.Sprintf("pending %v, scheduled by %s, ran by %s, error %s", r.Pending, deref(r.ScheduledBy), deref(r.RanBy), deref(r.Error))
	})
	if by := deref(rem.ScheduledBy); by != victimSelf.Name {
		t.Errorf("the reminder is recorded as scheduled by %q, not by node 1 (%s)", by, victimSelf.Name)
	}
	if ran := deref(rem.RanBy); ran == victimSelf.Name || !survivorNames[ran] {
		t.Errorf("the reminder is recorded as run by %q; want a surviving node %v, not the killed %s", ran, survivorNames, victimSelf.Name)
	}
	if rem.Error != nil {
		t.Errorf("the reminder's run failed: %s", *rem.Error)
	}
	if rem.RunAt == nil || rem.FinishedAt.Before(*rem.RunAt) {
		t.Errorf("the reminder finished at %s, before it was due at %s", fmtTime(rem.FinishedAt), fmtTime(rem.RunAt))
	}
	t.Logf("reminder scheduled by %s at %s, due %s, killed %v after scheduling, run by %s, finished %s (%d attempt(s))",
		deref(rem.ScheduledBy), scheduledAt.Format(time.RFC3339Nano), fmtTime(rem.RunAt), killedAt.Sub(scheduledAt).Round(time.Millisecond),
		deref(rem.RanBy), fmtTime(rem.FinishedAt), rem.Attempts)

	// Exactly one post, still after every survivor has scanned again (a
	// survivor that missed the run would find the job then).
	time.Sleep(app.ReminderScanInterval * 6 / 5)
	count, err := postsWith(observer, text, since)
	if err != nil {
		t.Fatal(err)
	}
	if count != 1 {
		t.Errorf("the reminder was posted %d times, want exactly once", count)
	}
	if again, found, err := reminderSeenBy(observer, text); err != nil || !found || again.Pending || deref(again.RanBy) != deref(rem.RanBy) {
		t.Errorf("after another scan the reminder reads %+v (found %v, err %v); want it finished on %s as before", again, found, err, deref(rem.RanBy))
	}

	suite.startNode(t, victim)
	suite.healthy(t)
}
