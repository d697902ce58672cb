package main

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/plugin"
)

func TestParseConfiguration(t *testing.T) {
	cfg, err := parseConfiguration(map[string]interface{}{})
	if err != nil || *cfg != *defaultConfiguration() {
		t.Fatalf("empty settings: %+v, %v; want the defaults", cfg, err)
	}

	cfg, err = parseConfiguration(map[string]interface{}{
		settingQuickInterval:  float64(2),
		settingSlowInterval:   "86400",
		settingSlowRun:        float64(600),
		settingDigestInterval: "",
		settingDigestChannel:  " abcdefghijklmnopqrstuvwxyz ",
		settingDemoWorkload:   "false",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := configuration{
		QuickInterval:   2 * time.Second,
		SlowInterval:    86400 * time.Second,
		SlowRun:         600 * time.Second,
		DigestInterval:  60 * time.Second,
		DigestChannelID: "abcdefghijklmnopqrstuvwxyz",
		DemoWorkload:    false,
	}
	if *cfg != want {
		t.Fatalf("got %+v, want %+v", *cfg, want)
	}

	// Mattermost hands settings back with lowercased keys; the exact
	// spelling wins where both are present.
	cfg, err = parseConfiguration(map[string]interface{}{
		"quickintervalseconds": float64(7),
		"demoworkload":         false,
		"slowrunseconds":       float64(1),
		settingSlowRun:         float64(3),
	})
	if err != nil || cfg.QuickInterval != 7*time.Second || cfg.DemoWorkload || cfg.SlowRun != 3*time.Second {
		t.Fatalf("lowercased keys: %+v, %v", cfg, err)
	}
	if _, err := parseConfiguration(map[string]interface{}{"quickintervalseconds": float64(1)}); err == nil {
		t.Fatal("an invalid value under a lowercased key was accepted")
	}

	for _, c := range []struct {
		raw  map[string]interface{}
		want string
	}{
		{map[string]interface{}{settingQuickInterval: float64(1)}, "QuickIntervalSeconds must be a whole number of seconds from 2 to 86400, got 1"},
		{map[string]interface{}{settingSlowInterval: float64(86401)}, "SlowIntervalSeconds"},
		{map[string]interface{}{settingDigestInterval: "soon"}, "DigestIntervalSeconds must be a whole number"},
		{map[string]interface{}{settingQuickInterval: 2.5}, "QuickIntervalSeconds must be a whole number"},
		{map[string]interface{}{settingSlowRun: float64(0)}, "SlowRunSeconds must be a whole number of seconds from 1 to 600"},
		{map[string]interface{}{settingSlowRun: true}, "SlowRunSeconds"},
		{map[string]interface{}{settingDigestChannel: "town-square"}, "DigestChannelID must be empty or a 26-character channel ID"},
		{map[string]interface{}{settingDigestChannel: float64(5)}, "DigestChannelID"},
		{map[string]interface{}{settingDemoWorkload: "maybe"}, "DemoWorkload must be true or false"},
	} {
		if _, err := parseConfiguration(c.raw); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseConfiguration(%v) = %v, want an error about %q", c.raw, err, c.want)
		}
	}
}

// settingsAPI serves plugin settings; any other plugin API call panics
// (the embedded interface is nil), so the test shows the hook uses no more.
type settingsAPI struct {
	plugin.API
	settings map[string]interface{}
	errors   []string
}

func (a *settingsAPI) GetPluginConfig() map[string]interface{} { return a.settings }
func (a *settingsAPI) LogError(msg string, _ ...interface{})   { a.errors = append(a.errors, msg) }

// An invalid change is refused with an error and the previous configuration
// stays in force.
func TestOnConfigurationChangeKeepsPreviousOnInvalid(t *testing.T) {
	api := &settingsAPI{settings: map[string]interface{}{settingQuickInterval: float64(5)}}
	p := &Plugin{}
	p.SetAPI(api)
	if err := p.OnConfigurationChange(); err != nil {
		t.Fatal(err)
	}
	if p.config.QuickInterval != 5*time.Second {
		t.Fatalf("valid change not applied: %+v", p.config)
	}

	api.settings = map[string]interface{}{settingQuickInterval: float64(1), settingSlowRun: float64(3)}
	err := p.OnConfigurationChange()
	if err == nil || !strings.Contains(err.Error(), "QuickIntervalSeconds") {
		t.Fatalf("invalid change: %v, want an error naming the setting", err)
	}
	if p.config.QuickInterval != 5*time.Second || p.config.SlowRun != defaultConfiguration().SlowRun {
		t.Fatalf("invalid change altered the configuration: %+v", p.config)
	}
	if len(api.errors) != 1 {
		t.Errorf("logged %v, want one error", api.errors)
	}
}

func TestPluginJSONDeclaresEverySetting(t *testing.T) {
	keys := map[string]string{}
	settings := manifest.SettingsSchema.Settings
	for _, s := range settings {
		keys[s.Key] = s.Type
	}
	if settings[0].Key != "ClusterStatus" || settings[0].Type != "custom" {
		t.Errorf("the first setting is %s (%s), want the ClusterStatus custom setting", settings[0].Key, settings[0].Type)
	}
	for key, typ := range map[string]string{
		settingQuickInterval: "number", settingSlowInterval: "number", settingSlowRun: "number",
		settingDigestInterval: "number", settingDigestChannel: "text", settingDemoWorkload: "bool",
	} {
		if keys[key] != typ {
			t.Errorf("plugin.json setting %s has type %q, want %q", key, keys[key], typ)
		}
	}
	// The defaults in plugin.json parse and equal the built-in defaults.
	raw := map[string]interface{}{}
	for _, s := range settings {
		if s.Type != "custom" {
			raw[s.Key] = s.Default
		}
	}
	cfg, err := parseConfiguration(raw)
	if err != nil || *cfg != *defaultConfiguration() {
		t.Errorf("plugin.json defaults give %+v, %v; want %+v", cfg, err, *defaultConfiguration())
	}
}
