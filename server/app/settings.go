package app

import (
	"errors"
	"time"
)

// Settings are the settings a node runs with, and the last saved settings
// it refused. Mattermost 5.39 saves whatever the System Console sends and
// only logs the error OnConfigurationChange returns, so what the System
// Console shows may not be what runs; this is what runs.
type Settings struct {
	Running []SettingValue
	// DemoActions is Running's DemoActions, for the panel's switch.
	DemoActions bool
	// Refused is nil when the last saved settings were accepted.
	Refused *Refusal
}

// Refusal is one refused save: the first setting that broke its rule.
type Refusal struct {
	Key   string
	Value interface{}
	// Reason is a sentence for the admin: "It must be ...".
	Reason string
	At     time.Time
}

// RefusalFrom describes err, a refusal of ParseConfiguration, at at.
func RefusalFrom(err error, at time.Time) *Refusal {
	r := &Refusal{Reason: err.Error(), At: at}
	var se *SettingError
	if errors.As(err, &se) {
		r.Key, r.Value, r.Reason = se.Key, se.Value, se.Reason()
	}
	return r
}
