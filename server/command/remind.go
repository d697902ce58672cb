package command

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// remindArgs is the usage of `remind`'s arguments.
const remindArgs = "<seconds> <text>"

// parseRemind reads `remind <seconds> <text>` from the raw invocation: the
// text is the rest of the line as typed, its spaces and line breaks kept.
func parseRemind(text string) (command, error) {
	first, rest := cutField(text)
	if strings.EqualFold(first, "/"+Trigger) {
		_, rest = cutField(rest) // the subcommand, matched by the caller
	}
	secs, body := cutField(rest)
	body = strings.TrimSpace(body)
	if secs == "" {
		return command{}, usageError("`remind` needs %s", remindArgs)
	}
	n, err := strconv.Atoi(secs)
	if err != nil {
		return command{}, usageError("seconds must be a whole number from %d to %d, got %q", app.MinReminderSeconds, app.MaxReminderSeconds, secs)
	}
	if err := app.ValidateReminder(n, body); err != nil {
		return command{}, usageError("%s", err.Error())
	}
	return command{sub: "remind", seconds: n, text: body}, nil
}

// cutField splits s into its first whitespace-separated field and the
// rest as typed.
func cutField(s string) (field, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// runRemind schedules the reminder in the channel the command was typed in.
func runRemind(a *app.App, cmd command, userID, self, channelID string) (string, error) {
	rem, err := a.ScheduleReminder(userID, app.ReminderRequest{Seconds: cmd.seconds, Text: cmd.text, ChannelID: channelID})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Node **%s** scheduled reminder `%s` for %s; whichever node is up then posts it here, once. See `/clusterdemo reminders`.", self, rem.Key, timeText(rem.RunAt)), nil
}

// renderReminders is the reply to `/clusterdemo reminders`.
func renderReminders(list []app.Reminder) string {
	if len(list) == 0 {
		return "No reminders yet. Schedule one with `/clusterdemo remind " + remindArgs + "`.\n"
	}
	var b strings.Builder
	b.WriteString("| Reminder | Due | Scheduled by | Ran on | Outcome |\n|---|---|---|---|---|\n")
	for _, r := range list {
		outcome := "pending"
		switch {
		case r.Cancelled:
			outcome = "cancelled"
		case r.Err != "":
			outcome = "failed: " + r.Err
		case !r.Pending:
			outcome = "posted"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Key, timeCell(r.RunAt), cellOrDash(r.ScheduledBy), cellOrDash(r.RanBy), outcome)
	}
	return b.String()
}
