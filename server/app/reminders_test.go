package app

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// reminderRunBound is how long a due reminder may take to be posted here:
// the lock and a post on the fake store, with headroom for a busy machine.
const reminderRunBound = 10 * time.Second

func postsWithText(api *apptest.FakeAPI, text string) int {
	n := 0
	for _, p := range api.Posts() {
		if p.Message == text {
			n++
		}
	}
	return n
}

// A reminder scheduled by a node that stopped before it was due is run by
// a node started later, once, and the list names both nodes. Catches a
// reminder kept in the scheduling node's memory, a list that forgets who
// scheduled a finished reminder, and a run posted twice.
func TestReminderOfAStoppedNodeRunsOnceOnAnother(t *testing.T) {
	store := kvtest.NewStore()
	a := startNode(t, store, "node-a", quietConfig())
	rem, err := a.app.ScheduleReminder(apptest.AdminUser, ReminderRequest{Seconds: 1, Text: "stand up", ChannelID: "chan-1"})
	if err != nil {
		t.Fatal(err)
	}
	if !rem.Pending || rem.ScheduledBy != "node-a" || rem.ChannelID != "chan-1" {
		t.Fatalf("scheduled %+v", rem)
	}
	a.app.Stop()

	b := startNode(t, store, "node-b", quietConfig())
	var got []Reminder
	eventually(t, reminderRunBound, "node-b runs the reminder node-a scheduled", func() bool {
		got, err = b.app.Reminders()
		return err == nil && len(got) == 1 && !got[0].Pending && !got[0].FinishedAt.IsZero()
	})
	r := got[0]
	if r.Key != rem.Key || r.ScheduledBy != "node-a" || r.RanBy != "node-b" || r.Text != "stand up" || r.ChannelID != "chan-1" || r.Err != "" {
		t.Errorf("finished reminder %+v; want %s scheduled by node-a, run by node-b", r, rem.Key)
	}
	if n := postsWithText(b.api, "stand up") + postsWithText(a.api, "stand up"); n != 1 {
		t.Errorf("posted %d times, want once", n)
	}
	for _, p := range b.api.Posts() {
		if p.Message == "stand up" && (p.UserId != apptest.BotUser || p.ChannelId != "chan-1") {
			t.Errorf("posted as %s in %s; want the bot in chan-1", p.UserId, p.ChannelId)
		}
	}
}

// The list remembers RecentReminders, newest first, and still shows the
// pending reminders it has forgotten. Catches an unbounded list and one
// that drops the newest instead of the oldest.
func TestRecentRemindersAreBoundedNewestFirst(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig())
	extra := 3
	for i := 0; i < RecentReminders+extra; i++ {
		if _, err := n.app.ScheduleReminder(apptest.AdminUser, ReminderRequest{Seconds: MaxReminderSeconds, Text: fmt.Sprintf("r%d", i), ChannelID: "c"}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _, err := n.app.remind.recent()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != RecentReminders || entries[0].Text != fmt.Sprintf("r%d", extra) {
		t.Fatalf("remembered %d, first %+v; want the newest %d", len(entries), entries[0], RecentReminders)
	}
	list, err := n.app.Reminders()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != RecentReminders+extra {
		t.Fatalf("listed %d reminders, want %d (the forgotten ones are still pending)", len(list), RecentReminders+extra)
	}
	for i := 0; i < RecentReminders; i++ {
		if want := fmt.Sprintf("r%d", RecentReminders+extra-1-i); list[i].Text != want {
			t.Errorf("list[%d] is %q, want %q (newest first)", i, list[i].Text, want)
		}
	}
	for _, r := range list[RecentReminders:] {
		if !r.Pending || r.ScheduledBy != "node-a" || !strings.HasPrefix(r.Text, "r") {
			t.Errorf("a forgotten pending reminder reads %+v", r)
		}
	}
}

// Two nodes scheduling at once both keep their reminders in the list.
// Catches a read-modify-write without compare-and-set.
func TestConcurrentRemindersAreAllRemembered(t *testing.T) {
	store := kvtest.NewStore()
	nodes := []*testNode{startNode(t, store, "node-a", quietConfig()), startNode(t, store, "node-b", quietConfig())}
	const each = 4
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for _, n := range nodes {
		for i := 0; i < each; i++ {
			n, i := n, i
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := n.app.ScheduleReminder(apptest.AdminUser, ReminderRequest{Seconds: MaxReminderSeconds, Text: fmt.Sprintf("%d", i), ChannelID: "c"})
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, _, err := nodes[0].app.remind.recent()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2*each {
		t.Errorf("remembered %d reminders, want %d", len(entries), 2*each)
	}
}

func TestReminderRequestsAreValidated(t *testing.T) {
	cfg := quietConfig()
	n := startNode(t, kvtest.NewStore(), "node-a", cfg)
	cases := []struct {
		name string
		req  ReminderRequest
		want string
	}{
		{"zero seconds", ReminderRequest{Seconds: 0, Text: "x", ChannelID: "c"}, "seconds must be"},
		{"over a day", ReminderRequest{Seconds: MaxReminderSeconds + 1, Text: "x", ChannelID: "c"}, "seconds must be"},
		{"empty text", ReminderRequest{Seconds: 1, Text: " \n", ChannelID: "c"}, "must not be empty"},
		{"long text", ReminderRequest{Seconds: 1, Text: strings.Repeat("é", MaxReminderTextRunes+1), ChannelID: "c"}, "at most"},
		{"no channel and no digest channel", ReminderRequest{Seconds: 1, Text: "x"}, "no channel"},
	}
	for _, c := range cases {
		_, err := n.app.ScheduleReminder(apptest.AdminUser, c.req)
		if !errors.Is(err, ErrInvalidReminder) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrInvalidReminder mentioning %q", c.name, err, c.want)
		}
	}
	if err := ValidateReminder(MaxReminderSeconds, strings.Repeat("é", MaxReminderTextRunes)); err != nil {
		t.Errorf("the largest valid reminder is refused: %v", err)
	}
	if list, err := n.app.Reminders(); err != nil || len(list) != 0 {
		t.Errorf("refused requests left reminders: %+v, %v", list, err)
	}
}

// Without a channel, a reminder goes to the digest channel.
func TestReminderWithoutChannelUsesTheDigestChannel(t *testing.T) {
	cfg := quietConfig()
	cfg.DigestChannelID = "digest-channel"
	n := startNode(t, kvtest.NewStore(), "node-a", cfg)
	rem, err := n.app.ScheduleReminder(apptest.AdminUser, ReminderRequest{Seconds: MaxReminderSeconds, Text: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if rem.ChannelID != "digest-channel" {
		t.Errorf("channel %q, want the digest channel", rem.ChannelID)
	}
}
