package command

import (
	"strings"
	"testing"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// remind keeps its text as typed (inner spaces and line breaks, Markdown),
// and refuses bad seconds and text with the rule. Catches a parser that
// splits the text into fields and rejoins it, or takes only its first word.
func TestParseRemind(t *testing.T) {
	long := strings.Repeat("x", app.MaxReminderTextRunes+1)
	cases := []struct {
		text    string
		want    command
		wantErr string
	}{
		{"/clusterdemo remind 30 stand up", command{sub: "remind", seconds: 30, text: "stand up"}, ""},
		{"/clusterdemo REMIND 1  two  spaces  **bold**", command{sub: "remind", seconds: 1, text: "two  spaces  **bold**"}, ""},
		{"/clusterdemo remind 86400 line one\nline two ", command{sub: "remind", seconds: 86400, text: "line one\nline two"}, ""},
		{"remind 5 no trigger", command{sub: "remind", seconds: 5, text: "no trigger"}, ""},
		{"/clusterdemo   remind\t7\ttabbed", command{sub: "remind", seconds: 7, text: "tabbed"}, ""},

		{"/clusterdemo remind", command{}, "needs <seconds> <text>"},
		{"/clusterdemo remind 30", command{}, "must not be empty"},
		{"/clusterdemo remind soon stand up", command{}, "seconds must be a whole number from 1 to 86400"},
		{"/clusterdemo remind 0 x", command{}, "seconds must be"},
		{"/clusterdemo remind 86401 x", command{}, "seconds must be"},
		{"/clusterdemo remind -1 x", command{}, "seconds must be"},
		{"/clusterdemo remind 5 " + long, command{}, "at most"},
	}
	for _, c := range cases {
		got, err := parseCommand(c.text)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("parseCommand(%q) = %+v, %v; want an error mentioning %q", c.text, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseCommand(%q) = %+v, %v; want %+v", c.text, got, err, c.want)
		}
	}
}

// The reminder goes to the channel the command was typed in, and the
// reminders reply lists it with the node that scheduled it.
func TestRemindRepliesAndSchedulesInTheChannel(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a")
	reply := Execute(n.app, n.api, adminUser, "chan-typed", "/clusterdemo remind 3600 water the plants", "http://x")
	if !strings.Contains(reply, "Node **node-a** scheduled reminder `reminder-") {
		t.Fatalf("remind reply:\n%s", reply)
	}
	list, err := n.app.Reminders()
	if err != nil || len(list) != 1 || list[0].ChannelID != "chan-typed" || list[0].Text != "water the plants" {
		t.Fatalf("scheduled %+v, %v; want one reminder in chan-typed", list, err)
	}
	reply = Execute(n.app, n.api, adminUser, "chan-typed", "/clusterdemo reminders", "http://x")
	for _, want := range []string{"Answered by node **node-a**", "| `" + list[0].Key + "` |", "| `node-a` | – | pending |"} {
		if !strings.Contains(reply, want) {
			t.Errorf("reminders reply lacks %q:\n%s", want, reply)
		}
	}
	if reply := Execute(n.app, n.api, memberUser, "chan-typed", "/clusterdemo remind 5 x", "http://x"); !strings.Contains(reply, "Only system admins") {
		t.Errorf("a member's remind: %s", reply)
	}
}
