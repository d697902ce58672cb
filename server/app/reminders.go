package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster"
)

// Reminders are the demo's one-shot jobs: a message the plugin's bot posts
// once, on whichever node runs the job, at or after its time — also when
// the node that scheduled it is gone.
const (
	MinReminderSeconds = 1
	// MaxReminderSeconds is a day: a demo reminder is for watching it move.
	MaxReminderSeconds = 24 * 60 * 60
	// MaxReminderTextRunes keeps the job's props, stored with the job and
	// read at every scan of every node, small.
	MaxReminderTextRunes = 1000
	// RecentReminders is how many reminders the list remembers, pending or
	// finished, with their text and scheduling node (a finished one-shot
	// job's record keeps neither); the oldest is forgotten first.
	RecentReminders = 20
)

// ReminderScanInterval is how often every node lists the store for
// reminders other nodes scheduled. Shorter than the package's default so
// that the demo shows a reminder moving to another node within seconds of
// its scheduling node's death; each scan is one KVList per thousand keys
// and one KVGet per pending job.
const ReminderScanInterval = 10 * time.Second

const (
	reminderKeyPrefix  = "reminder-"
	recentRemindersKey = keyPrefix + "reminders_recent"
	// recentRemindersTTL forgets the list once every reminder on it has
	// long run: the list is rewritten at each scheduling, and the latest
	// reminder is due at most MaxReminderSeconds later.
	recentRemindersTTL = int64(2 * MaxReminderSeconds)
	// recentCASAttempts bounds remember's compare-and-set loop. Every failed
	// attempt means another writer's succeeded, so a writer among n at once
	// fails at most n-1 times: the bound only has to exceed the schedulings
	// in flight across the cluster (tests drive 8), not be tight.
	recentCASAttempts = 32
)

var (
	// ErrInvalidReminder wraps every refusal of a reminder request; the
	// message says what is wrong.
	ErrInvalidReminder = errors.New("invalid reminder")
	// errNoReminderChannel: the request names no channel and no digest
	// channel is set to fall back on.
	errNoReminderChannel = errors.New("no channel: give one, or set the digest channel in the plugin settings")
)

// ReminderRequest asks for a reminder.
type ReminderRequest struct {
	Seconds int
	Text    string
	// ChannelID is where it is posted; the digest channel when empty.
	ChannelID string
}

// Reminder is one reminder as the store shows it.
type Reminder struct {
	Key         string
	Text        string
	ChannelID   string
	RunAt       time.Time
	ScheduledBy string // the node that scheduled it
	Pending     bool
	// Set once it has finished (run, failed or cancelled).
	RanBy      string
	StartedAt  time.Time
	FinishedAt time.Time
	Attempts   int
	Err        string
	Cancelled  bool
}

// reminderProps is the payload stored with the job.
type reminderProps struct {
	Text      string `json:"text"`
	ChannelID string `json:"channel_id"`
}

// ValidateReminder says what is wrong with seconds and text, or nil.
func ValidateReminder(seconds int, text string) error {
	if seconds < MinReminderSeconds || seconds > MaxReminderSeconds {
		return fmt.Errorf("seconds must be a whole number from %d to %d, got %d", MinReminderSeconds, MaxReminderSeconds, seconds)
	}
	if strings.TrimSpace(text) == "" {
		return errors.New("the reminder text must not be empty")
	}
	if n := utf8.RuneCountInString(text); n > MaxReminderTextRunes {
		return fmt.Errorf("the reminder text is %d characters; at most %d", n, MaxReminderTextRunes)
	}
	return nil
}

// recentReminder is one entry of the remembered list: what the job's
// result no longer says once it has run (its text, channel and scheduling
// node).
type recentReminder struct {
	Key         string    `json:"key"`
	Text        string    `json:"text"`
	ChannelID   string    `json:"channel_id"`
	RunAt       time.Time `json:"run_at"`
	ScheduledBy string    `json:"scheduled_by"`
}

// reminders owns the one-shot scheduler and the list of recent reminders.
type reminders struct {
	api       PluginAPI
	now       func() time.Time
	self      func() string
	scheduler *cluster.JobOnceScheduler
	post      func(ctx context.Context, channelID, text string) error
	publish   func(kind, name string)

	// stop ends the retries of a Start that found the store down; done is
	// closed when they have ended (at once if Start was never called).
	stop      chan struct{}
	done      chan struct{}
	startOnce sync.Once
	closeOnce sync.Once
}

func newReminders(api PluginAPI, now func() time.Time, self func() string, post func(ctx context.Context, channelID, text string) error, publish func(kind, name string)) (*reminders, error) {
	s, err := cluster.NewJobOnceScheduler(api, cluster.JobOnceConfig{ScanInterval: ReminderScanInterval})
	if err != nil {
		return nil, err
	}
	r := &reminders{api: api, now: now, self: self, scheduler: s, post: post, publish: publish, stop: make(chan struct{}), done: make(chan struct{})}
	if err := s.SetCallbackContext(r.run); err != nil {
		return nil, err
	}
	return r, nil
}

// Start runs reminders that are due and tracks the others. The scheduler's
// start lists the store; while the store is down it is retried every
// ReminderScanInterval, as the other parts retry on their own timers, and
// scheduling is refused until it succeeds.
func (r *reminders) Start() {
	r.startOnce.Do(func() {
		err := r.scheduler.Start()
		if err == nil {
			close(r.done)
			return
		}
		go r.retryStart(err)
	})
}

func (r *reminders) retryStart(err error) {
	defer close(r.done)
	for err != nil {
		r.api.LogWarn("clusterdemo: starting the reminders; retrying", "err", err.Error())
		select {
		case <-r.stop:
			return
		case <-time.After(ReminderScanInterval):
		}
		err = r.scheduler.Start()
	}
}

// Close stops this node's part; the reminders stay for the other nodes.
// It is safe to call more than once, and without Start.
func (r *reminders) Close() {
	r.closeOnce.Do(func() {
		r.startOnce.Do(func() { close(r.done) })
		close(r.stop)
		<-r.done
		_ = r.scheduler.Close()
	})
}

func (r *reminders) run(ctx context.Context, key string, props []byte) error {
	defer r.publish("reminder", key)
	var p reminderProps
	if err := json.Unmarshal(props, &p); err != nil {
		return fmt.Errorf("decoding reminder %s: %w", key, err)
	}
	return r.post(ctx, p.ChannelID, p.Text)
}

// Schedule stores the reminder and remembers its key.
func (r *reminders) Schedule(req ReminderRequest) (Reminder, error) {
	props, err := json.Marshal(reminderProps{Text: req.Text, ChannelID: req.ChannelID})
	if err != nil {
		return Reminder{}, err
	}
	key := reminderKeyPrefix + model.NewId()
	runAt := r.now().Add(time.Duration(req.Seconds) * time.Second)
	entry := recentReminder{Key: key, Text: req.Text, ChannelID: req.ChannelID, RunAt: runAt, ScheduledBy: r.self()}
	// The reminder is remembered first: one the list does not know would
	// run unseen, while a remembered one whose scheduling failed is neither
	// pending nor finished, and List skips it.
	if err := r.remember(entry); err != nil {
		return Reminder{}, err
	}
	if _, err := r.scheduler.ScheduleOnceWithProps(key, runAt, props); err != nil {
		return Reminder{}, err
	}
	r.publish("reminder", key)
	return Reminder{Key: key, Text: req.Text, ChannelID: req.ChannelID, RunAt: runAt, ScheduledBy: entry.ScheduledBy, Pending: true}, nil
}

// recent reads the remembered reminders, newest last.
func (r *reminders) recent() ([]recentReminder, []byte, error) {
	raw, aerr := r.api.KVGet(recentRemindersKey)
	if aerr != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", recentRemindersKey, aerr)
	}
	var entries []recentReminder
	if raw != nil {
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, nil, fmt.Errorf("decoding %s: %w", recentRemindersKey, err)
		}
	}
	return entries, raw, nil
}

// remember appends e to the bounded list with a compare-and-set, so that
// two nodes scheduling at once both keep theirs.
func (r *reminders) remember(e recentReminder) error {
	for attempt := 0; attempt < recentCASAttempts; attempt++ {
		entries, old, err := r.recent()
		if err != nil {
			return err
		}
		entries = append(entries, e)
		if len(entries) > RecentReminders {
			entries = entries[len(entries)-RecentReminders:]
		}
		data, err := json.Marshal(entries)
		if err != nil {
			return err
		}
		ok, aerr := r.api.KVSetWithOptions(recentRemindersKey, data, model.PluginKVSetOptions{Atomic: true, OldValue: old, ExpireInSeconds: recentRemindersTTL})
		if aerr != nil {
			return fmt.Errorf("writing %s: %w", recentRemindersKey, aerr)
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("writing %s: %d concurrent updates in a row", recentRemindersKey, recentCASAttempts)
}

// List returns the remembered reminders, newest first, each as the store
// shows it, and any other pending ones (scheduled before the list forgot
// them).
func (r *reminders) List() ([]Reminder, error) {
	entries, _, err := r.recent()
	if err != nil {
		return nil, err
	}
	out := make([]Reminder, 0, len(entries))
	seen := map[string]bool{}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		st, err := cluster.InspectJobOnce(r.api, e.Key)
		if err != nil {
			return nil, err
		}
		if st.Pending == nil && st.Last == nil {
			continue
		}
		seen[e.Key] = true
		rem := reminderFrom(e.Key, st)
		rem.Text, rem.ChannelID, rem.ScheduledBy = e.Text, e.ChannelID, e.ScheduledBy
		out = append(out, rem)
	}
	pending, err := r.scheduler.ListScheduledJobs()
	if err != nil {
		return nil, err
	}
	var older []Reminder
	for _, m := range pending {
		if !strings.HasPrefix(m.Key, reminderKeyPrefix) || seen[m.Key] {
			continue
		}
		m := m
		older = append(older, reminderFrom(m.Key, cluster.JobOnceState{Pending: &m}))
	}
	sort.Slice(older, func(i, j int) bool { return older[i].RunAt.Before(older[j].RunAt) })
	return append(out, older...), nil
}

func reminderFrom(key string, st cluster.JobOnceState) Reminder {
	rem := Reminder{Key: key}
	var props []byte
	if st.Pending != nil {
		rem.Pending = true
		rem.RunAt = st.Pending.RunAt
		rem.ScheduledBy = st.Pending.ScheduledBy.Name
		rem.Attempts = st.Pending.Attempts
		props = st.Pending.Props
	}
	if l := st.Last; l != nil && st.Pending == nil {
		rem.RunAt = l.RunAt
		rem.RanBy = l.Node.Name
		rem.StartedAt = l.StartedAt
		rem.FinishedAt = l.FinishedAt
		rem.Attempts = l.Attempts
		rem.Err = l.Err
		rem.Cancelled = l.Cancelled
	}
	var p reminderProps
	if props != nil && json.Unmarshal(props, &p) == nil {
		rem.Text, rem.ChannelID = p.Text, p.ChannelID
	}
	return rem
}

// ScheduleReminder schedules a reminder, posted by the plugin's bot in
// req.ChannelID (the digest channel when empty) once req.Seconds have
// passed, on whichever node runs it then.
func (a *App) ScheduleReminder(userID string, req ReminderRequest) (rem Reminder, err error) {
	by := a.users.actor(userID)
	defer func() { a.audit(by, "schedule reminder", fmt.Sprintf("in %d s", req.Seconds), err) }()
	if !a.config().DemoActions {
		return Reminder{}, ErrDemoActionsOff
	}
	if err := ValidateReminder(req.Seconds, req.Text); err != nil {
		return Reminder{}, fmt.Errorf("%w: %s", ErrInvalidReminder, err.Error())
	}
	if req.ChannelID == "" {
		req.ChannelID = a.config().DigestChannelID
	}
	if req.ChannelID == "" {
		return Reminder{}, fmt.Errorf("%w: %s", ErrInvalidReminder, errNoReminderChannel.Error())
	}
	return a.remind.Schedule(req)
}

// Reminders lists the recent reminders, newest first, pending and finished.
func (a *App) Reminders() ([]Reminder, error) {
	return a.remind.List()
}

func (a *App) postReminder(ctx context.Context, channelID, text string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("reminder not posted: %w", err)
	}
	botID, err := a.ensureBot()
	if err != nil {
		return fmt.Errorf("ensuring the bot: %w", err)
	}
	if _, aerr := a.api.CreatePost(&model.Post{UserId: botID, ChannelId: channelID, Message: text}); aerr != nil {
		return fmt.Errorf("posting the reminder to channel %s: %w", channelID, aerr)
	}
	return nil
}
