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
)

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
}

func DefaultConfiguration() *Configuration {
	return &Configuration{
		QuickInterval:  10 * time.Second,
		SlowInterval:   30 * time.Second,
		SlowRun:        8 * time.Second,
		DigestInterval: 60 * time.Second,
		DemoWorkload:   true,
	}
}

// ParseConfiguration validates the raw plugin settings (as Mattermost stores
// them: numbers may arrive as float64 or as strings) on top of the defaults.
// It names the first bad setting and its rule.
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
			return nil, fmt.Errorf("setting %s must be a whole number of seconds from %d to %d, got %d", field.key, field.min, field.max, v)
		}
		*field.dst = time.Duration(v) * time.Second
	}

	if v, ok := raw[settingDigestChannel]; ok && v != nil {
		s, isString := v.(string)
		if !isString {
			return nil, fmt.Errorf("setting %s must be a channel ID, got %v", settingDigestChannel, v)
		}
		s = strings.TrimSpace(s)
		if s != "" && !model.IsValidId(s) {
			return nil, fmt.Errorf("setting %s must be empty or a 26-character channel ID, got %q", settingDigestChannel, s)
		}
		c.DigestChannelID = s
	}

	if v, ok := raw[settingDemoWorkload]; ok && v != nil {
		switch b := v.(type) {
		case bool:
			c.DemoWorkload = b
		case string:
			parsed, err := strconv.ParseBool(b)
			if err != nil {
				return nil, fmt.Errorf("setting %s must be true or false, got %q", settingDemoWorkload, b)
			}
			c.DemoWorkload = parsed
		default:
			return nil, fmt.Errorf("setting %s must be true or false, got %v", settingDemoWorkload, v)
		}
	}
	return c, nil
}

// normalizeSettingKeys maps every key to the spelling of plugin.json.
// Mattermost's configuration store lowercases map keys, so a setting saved
// in the System Console comes back as "quickintervalseconds"; an exact
// spelling, where both are present, wins.
func normalizeSettingKeys(raw map[string]interface{}) map[string]interface{} {
	known := []string{settingQuickInterval, settingSlowInterval, settingSlowRun, settingDigestInterval, settingDigestChannel, settingDemoWorkload}
	out := make(map[string]interface{}, len(raw))
	for k, v := range raw {
		for _, want := range known {
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
			return 0, false, fmt.Errorf("setting %s must be a whole number of seconds, got %q", key, n)
		}
		f = parsed
	default:
		return 0, false, fmt.Errorf("setting %s must be a whole number of seconds, got %v", key, v)
	}
	if f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return 0, false, fmt.Errorf("setting %s must be a whole number of seconds, got %v", key, v)
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
