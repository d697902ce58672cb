package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Setting keys, as in plugin.json's settings_schema.
const (
	settingQuickInterval  = "QuickIntervalSeconds"
	settingSlowInterval   = "SlowIntervalSeconds"
	settingSlowRun        = "SlowRunSeconds"
	settingDigestInterval = "DigestIntervalSeconds"
	settingDigestChannel  = "DigestChannelID"
	settingDemoWorkload   = "DemoWorkload"
	settingDemoActions    = "DemoActions"
)

// settingKeys are the validated settings in plugin.json's order.
var settingKeys = []string{settingQuickInterval, settingSlowInterval, settingSlowRun, settingDigestInterval, settingDigestChannel, settingDemoWorkload, settingDemoActions}

// Bounds the settings are validated against.
const (
	minIntervalSeconds = 2
	maxIntervalSeconds = 86400
	minSlowRunSeconds  = 1
	maxSlowRunSeconds  = 600
)

// Configuration is the plugin's validated settings. A value of this type is
// never mutated once built: a change builds a new one and swaps it in whole.
type Configuration struct {
	QuickInterval  time.Duration
	SlowInterval   time.Duration
	SlowRun        time.Duration
	DigestInterval time.Duration
	// DigestChannelID is where the digest job posts; "" only records it.
	DigestChannelID string
	// DemoWorkload schedules the demo jobs on this node when true.
	DemoWorkload bool
	// DemoActions allows taking and releasing demo locks, running jobs on
	// demand and stress runs; when false they are refused with
	// ErrDemoActionsOff and the status stays readable.
	DemoActions bool
}

// SettingError is a refused setting: its key as in plugin.json, the value
// as saved, and the rule it broke, worded for the admin who saved it.
type SettingError struct {
	Key   string
	Value interface{}
	// Rule completes "It ...": "must be a whole number of seconds from 2
	// to 86400".
	Rule string
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("setting %s %s, got %s", e.Key, e.Rule, e.shown())
}

// Reason is the refusal as a sentence for the panel.
func (e *SettingError) Reason() string { return "It " + e.Rule + "." }

func (e *SettingError) shown() string {
	if s, ok := e.Value.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(e.Value)
}

func settingError(key string, value interface{}, format string, args ...interface{}) *SettingError {
	return &SettingError{Key: key, Value: value, Rule: fmt.Sprintf(format, args...)}
}

func DefaultConfiguration() *Configuration {
	return &Configuration{
		QuickInterval:  10 * time.Second,
		SlowInterval:   30 * time.Second,
		SlowRun:        8 * time.Second,
		DigestInterval: 60 * time.Second,
		DemoWorkload:   true,
		DemoActions:    true,
	}
}

// ParseConfiguration validates the raw plugin settings (as Mattermost stores
// them: numbers may arrive as float64 or as strings) on top of the defaults.
// It names the first bad setting and its rule in a *SettingError.
func ParseConfiguration(raw map[string]interface{}) (*Configuration, error) {
	raw = normalizeSettingKeys(raw)
	c := DefaultConfiguration()
	for _, field := range []struct {
		key      string
		min, max int64
		dst      *time.Duration
	}{
		{settingQuickInterval, minIntervalSeconds, maxIntervalSeconds, &c.QuickInterval},
		{settingSlowInterval, minIntervalSeconds, maxIntervalSeconds, &c.SlowInterval},
		{settingSlowRun, minSlowRunSeconds, maxSlowRunSeconds, &c.SlowRun},
		{settingDigestInterval, minIntervalSeconds, maxIntervalSeconds, &c.DigestInterval},
	} {
		v, present, err := settingInt(raw, field.key)
		if err != nil {
			return nil, err
		}
		if !present {
			continue
		}
		if v < field.min || v > field.max {
			return nil, settingError(field.key, v, "must be a whole number of seconds from %d to %d", field.min, field.max)
		}
		*field.dst = time.Duration(v) * time.Second
	}

	if v, ok := raw[settingDigestChannel]; ok && v != nil {
		s, isString := v.(string)
		if !isString {
			return nil, settingError(settingDigestChannel, v, "must be a channel ID")
		}
		s = strings.TrimSpace(s)
		if s != "" && !model.IsValidId(s) {
			return nil, settingError(settingDigestChannel, s, "must be empty or a 26-character channel ID")
		}
		c.DigestChannelID = s
	}

	for _, field := range []struct {
		key string
		dst *bool
	}{
		{settingDemoWorkload, &c.DemoWorkload},
		{settingDemoActions, &c.DemoActions},
	} {
		v, ok := raw[field.key]
		if !ok || v == nil {
			continue
		}
		switch b := v.(type) {
		case bool:
			*field.dst = b
		case string:
			parsed, err := strconv.ParseBool(b)
			if err != nil {
				return nil, settingError(field.key, b, "must be true or false")
			}
			*field.dst = parsed
		default:
			return nil, settingError(field.key, v, "must be true or false")
		}
	}
	return c, nil
}

// normalizeSettingKeys maps every key to the spelling of plugin.json.
// Mattermost's configuration store lowercases map keys, so a setting saved
// in the System Console comes back as "quickintervalseconds"; an exact
// spelling, where both are present, wins.
func normalizeSettingKeys(raw map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(raw))
	for k, v := range raw {
		for _, want := range settingKeys {
			if strings.EqualFold(k, want) {
				if _, exact := raw[want]; !exact || k == want {
					out[want] = v
				}
			}
		}
	}
	return out
}

// settingInt reads a whole number that may be stored as a JSON number or a
// string; empty means "use the default".
func settingInt(raw map[string]interface{}, key string) (value int64, present bool, err error) {
	v, ok := raw[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	var f float64
	switch n := v.(type) {
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	case string:
		n = strings.TrimSpace(n)
		if n == "" {
			return 0, false, nil
		}
		parsed, perr := strconv.ParseFloat(n, 64)
		if perr != nil {
			return 0, false, settingError(key, n, "must be a whole number of seconds")
		}
		f = parsed
	default:
		return 0, false, settingError(key, v, "must be a whole number of seconds")
	}
	if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return 0, false, settingError(key, v, "must be a whole number of seconds")
	}
	return int64(f), true, nil
}

// interval returns the configured interval of a demo job.
func (c *Configuration) interval(job string) time.Duration {
	switch job {
	case JobQuick:
		return c.QuickInterval
	case JobSlow:
		return c.SlowInterval
	case JobDigest:
		return c.DigestInterval
	}
	return 0
}

// SettingValue is one setting as the plugin runs with it, keyed as in
// plugin.json; Value is a number, a string or a boolean.
type SettingValue struct {
	Key   string
	Value interface{}
}

// Values are the settings this configuration runs with, in plugin.json's
// order, as an admin would type them (seconds, not durations).
func (c *Configuration) Values() []SettingValue {
	seconds := func(d time.Duration) interface{} { return int64(d / time.Second) }
	return []SettingValue{
		{settingQuickInterval, seconds(c.QuickInterval)},
		{settingSlowInterval, seconds(c.SlowInterval)},
		{settingSlowRun, seconds(c.SlowRun)},
		{settingDigestInterval, seconds(c.DigestInterval)},
		{settingDigestChannel, c.DigestChannelID},
		{settingDemoWorkload, c.DemoWorkload},
		{settingDemoActions, c.DemoActions},
	}
}
