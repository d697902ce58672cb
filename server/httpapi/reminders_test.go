package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/clusterdemo/clusterdemo/server/app"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Bad reminder requests are 400s naming the problem, and schedule nothing.
// Catches a handler that passes a missing seconds on as zero, or schedules
// before validating.
func TestBadReminderRequestsAre400s(t *testing.T) {
	n := startNode(t, kvtest.NewStore(), "node-a", quietConfig()) // no digest channel
	long := strings.Repeat("x", app.MaxReminderTextRunes+1)
	cases := []struct{ name, body, wantInError string }{
		{"no seconds", `{"text": "x", "channel_id": "c"}`, "seconds is required"},
		{"zero seconds", `{"seconds": 0, "text": "x", "channel_id": "c"}`, "seconds must be a whole number from 1 to 86400"},
		{"too long a delay", `{"seconds": 86401, "text": "x", "channel_id": "c"}`, "seconds must be"},
		{"fractional seconds", `{"seconds": 1.5, "text": "x", "channel_id": "c"}`, "not valid JSON"},
		{"empty text", `{"seconds": 5, "text": "  ", "channel_id": "c"}`, "must not be empty"},
		{"long text", `{"seconds": 5, "text": "` + long + `", "channel_id": "c"}`, "at most"},
		{"no channel, no digest channel", `{"seconds": 5, "text": "x"}`, "no channel"},
		{"unknown field", `{"seconds": 5, "text": "x", "channel": "c"}`, "unknown field"},
		{"malformed", `{"seconds": 5`, "not valid JSON"},
	}
	for _, c := range cases {
		rec := n.do(t, adminUser, http.MethodPost, "/api/v1/reminders", c.body)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400; %s", c.name, rec.Code, rec.Body.String())
			continue
		}
		assertErrorBody(t, rec.Body.Bytes())
		if !strings.Contains(rec.Body.String(), c.wantInError) {
			t.Errorf("%s: error %s does not mention %q", c.name, rec.Body.String(), c.wantInError)
		}
	}
	var list remindersJSON
	n.doJSON(t, http.MethodGet, "/api/v1/reminders", "", http.StatusOK, &list)
	if len(list.Reminders) != 0 {
		t.Errorf("refused requests scheduled %+v", list.Reminders)
	}
}

// A reminder is accepted with 202 and listed as pending, scheduled by the
// answering node; without channel_id it goes to the digest channel.
func TestReminderIsAcceptedAndListed(t *testing.T) {
	cfg := quietConfig()
	cfg.DigestChannelID = "digest-channel"
	n := startNode(t, kvtest.NewStore(), "node-a", cfg)
	var got reminderJSON
	n.doJSON(t, http.MethodPost, "/api/v1/reminders", `{"seconds": 3600, "text": "from the panel"}`, http.StatusAccepted, &got)
	if !got.Pending || got.RunAt == nil || deref(got.ScheduledBy) != "node-a" || deref(got.ChannelID) != "digest-channel" || got.RanBy != nil {
		t.Fatalf("accepted %+v", got)
	}
	var list remindersJSON
	n.doJSON(t, http.MethodGet, "/api/v1/reminders", "", http.StatusOK, &list)
	if len(list.Reminders) != 1 || list.Reminders[0].Key != got.Key || list.Reminders[0].Text != "from the panel" {
		t.Errorf("listed %+v, want the accepted reminder", list.Reminders)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
