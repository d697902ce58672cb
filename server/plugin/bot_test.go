package plugin

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/mattermost/mattermost-server/v5/model"
	"github.com/mattermost/mattermost-server/v5/plugin"

	"github.com/clusterdemo/clusterdemo/server/app"
)

// botHelpers records the options of each EnsureBot call.
type botHelpers struct {
	plugin.Helpers
	options []int
	fail    bool
}

func (h *botHelpers) EnsureBot(_ *model.Bot, options ...plugin.EnsureBotOption) (string, error) {
	h.options = append(h.options, len(options))
	if h.fail {
		return "", errors.New("store down")
	}
	return "bot-id", nil
}

// The bot's profile image is set by the first successful EnsureBot of an
// activation, not re-uploaded on every digest post, and tried again after
// a failure. Catches a missing image option and one sent on every call.
func TestDigestBotGetsItsImageOnce(t *testing.T) {
	h := &botHelpers{fail: true}
	p := New()
	p.Helpers = h
	ensure := p.botEnsurer()
	if _, err := ensure(); err == nil {
		t.Fatal("want the helper's error")
	}
	h.fail = false
	for i := 0; i < 3; i++ {
		if _, err := ensure(); err != nil {
			t.Fatal(err)
		}
	}
	want := []int{1, 1, 0, 0}
	for i := range want {
		if i >= len(h.options) || h.options[i] != want[i] {
			t.Fatalf("options per call %v, want %v", h.options, want)
		}
	}
}

// The image the bot gets is a PNG in the repository's assets, so the
// bundle (which ships the whole assets folder) carries it.
func TestDigestBotImageIsABundledPNG(t *testing.T) {
	const repoRoot = "../.."
	f, err := os.Open(filepath.Join(repoRoot, filepath.FromSlash(app.DigestBotImage)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", app.DigestBotImage, err)
	}
	if cfg.Width != cfg.Height || cfg.Width < 64 {
		t.Errorf("%s is %dx%d; Mattermost shows profile images square, at least 64 px", app.DigestBotImage, cfg.Width, cfg.Height)
	}
	if filepath.Dir(filepath.FromSlash(app.DigestBotImage)) != "assets" {
		t.Errorf("%s is outside assets/, which the bundle ships", app.DigestBotImage)
	}
}
