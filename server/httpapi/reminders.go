package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// Reminders are the demo's one-shot jobs: scheduled here, run once on
// whichever node picks them up at their time.

type reminderRequest struct {
	Seconds *int   `json:"seconds"`
	Text    string `json:"text"`
	// ChannelID is optional: the digest channel when absent.
	ChannelID string `json:"channel_id"`
}

type reminderJSON struct {
	Key         string  `json:"key"`
	Text        string  `json:"text"`
	ChannelID   *string `json:"channel_id"`
	RunAt       *string `json:"run_at"`
	ScheduledBy *string `json:"scheduled_by"`
	Pending     bool    `json:"pending"`
	RanBy       *string `json:"ran_by"`
	StartedAt   *string `json:"started_at"`
	FinishedAt  *string `json:"finished_at"`
	Attempts    int     `json:"attempts"`
	Error       *string `json:"error"`
	Cancelled   bool    `json:"cancelled"`
}

type remindersJSON struct {
	Reminders []reminderJSON `json:"reminders"`
}

func reminderJSONFrom(r app.Reminder) reminderJSON {
	return reminderJSON{
		Key: r.Key, Text: r.Text, ChannelID: wireString(r.ChannelID), RunAt: wireTime(r.RunAt),
		ScheduledBy: wireString(r.ScheduledBy), Pending: r.Pending, RanBy: wireString(r.RanBy),
		StartedAt: wireTime(r.StartedAt), FinishedAt: wireTime(r.FinishedAt), Attempts: r.Attempts,
		Error: wireString(r.Err), Cancelled: r.Cancelled,
	}
}

func (h *handlers) reminders(r *http.Request) (int, interface{}, error) {
	list, err := h.app.Reminders()
	if err != nil {
		return 0, nil, err
	}
	out := remindersJSON{Reminders: make([]reminderJSON, 0, len(list))}
	for _, rem := range list {
		out.Reminders = append(out.Reminders, reminderJSONFrom(rem))
	}
	return http.StatusOK, out, nil
}

// scheduleReminder answers 202: the reminder is accepted, and runs later
// on whichever node picks it up.
func (h *handlers) scheduleReminder(r *http.Request) (int, interface{}, error) {
	var req reminderRequest
	if err := DecodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Seconds == nil {
		return 0, nil, badRequest("seconds is required: a whole number from %d to %d", app.MinReminderSeconds, app.MaxReminderSeconds)
	}
	if err := app.ValidateReminder(*req.Seconds, req.Text); err != nil {
		return 0, nil, badRequest("%s", err.Error())
	}
	rem, err := h.app.ScheduleReminder(userOf(r), app.ReminderRequest{Seconds: *req.Seconds, Text: req.Text, ChannelID: strings.TrimSpace(req.ChannelID)})
	if errors.Is(err, app.ErrInvalidReminder) {
		return 0, nil, badRequest("%s", err.Error())
	}
	if refused := refusal(err); refused != nil {
		return 0, nil, refused
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, reminderJSONFrom(rem), nil
}
