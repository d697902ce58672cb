package app

import (
	"strings"
	"testing"
	"time"
)

func TestParseConfiguration(t *testing.T) {
	cfg, err := ParseConfiguration(map[string]interface{}{})
	if err != nil || *cfg != *DefaultConfiguration() {
		t.Fatalf("empty settings: %+v, %v; want the defaults", cfg, err)
	}

	cfg, err = ParseConfiguration(map[string]interface{}{
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
	want := Configuration{
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
	cfg, err = ParseConfiguration(map[string]interface{}{
		"quickintervalseconds": float64(7),
		"demoworkload":         false,
		"slowrunseconds":       float64(1),
		settingSlowRun:         float64(3),
	})
	if err != nil || cfg.QuickInterval != 7*time.Second || cfg.DemoWorkload || cfg.SlowRun != 3*time.Second {
		t.Fatalf("lowercased keys: %+v, %v", cfg, err)
	}
	if _, err := ParseConfiguration(map[string]interface{}{"quickintervalseconds": float64(1)}); err == nil {
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
		if _, err := ParseConfiguration(c.raw); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseConfiguration(%v) = %v, want an error about %q", c.raw, err, c.want)
		}
	}
}

func TestPluginJSONDeclaresEverySetting(t *testing.T) {
	keys := map[string]string{}
	settings := Manifest.SettingsSchema.Settings
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
	cfg, err := ParseConfiguration(raw)
	if err != nil || *cfg != *DefaultConfiguration() {
		t.Errorf("plugin.json defaults give %+v, %v; want %+v", cfg, err, *DefaultConfiguration())
	}
}
