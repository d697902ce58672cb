package app

import (
	"encoding/json"
	"errors"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/clusterdemo/clusterdemo/server/app/apptest"
	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// A node's result record stays a few kilobytes however many handoffs a
// run sees, while the summaries count every one. Catches a sample that
// grows with the run (the earlier 20,000-sample record reached ~160 KB).
func TestStressResultRecordStaysSmall(t *testing.T) {
	const handoffs = 200000
	const maxRecordBytes = 8 << 10
	var r stressNodeResult
	rng := rand.New(rand.NewSource(1))
	for i := 1; i <= handoffs; i++ {
		r.addHandoff(time.Duration(i)*time.Microsecond, rng)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > maxRecordBytes {
		t.Errorf("record of %d handoffs is %d bytes, want at most %d", handoffs, len(data), maxRecordBytes)
	}
	if r.Seen != handoffs || r.MaxUS != handoffs || r.SumUS != int64(handoffs)*(handoffs+1)/2 {
		t.Errorf("summaries seen %d max %d sum %d, want every handoff counted", r.Seen, r.MaxUS, r.SumUS)
	}
	if len(r.Handoffs) != stressMaxSamples {
		t.Errorf("%d samples, want %d", len(r.Handoffs), stressMaxSamples)
	}
}

// Interim results are written a progress period apart and stop a period
// before the end, so the final write is a period after the last too.
// Catches a writer that follows its ticker (every second) or writes an
// interim result just before the final one.
func TestStressProgressIsWrittenAtMostEveryPeriod(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ends := start.Add(30 * time.Second)
	var writes []time.Time
	last := time.Time{}
	for now := start; now.Before(ends); now = now.Add(time.Second) {
		if progressDue(now, last, ends) {
			writes = append(writes, now)
			last = now
		}
	}
	writes = append(writes, ends) // the final write
	for i := 1; i < len(writes); i++ {
		if gap := writes[i].Sub(writes[i-1]); gap < stressProgressPeriod {
			t.Errorf("writes at %v and %v, %v apart: less than %v", writes[i-1], writes[i], gap, stressProgressPeriod)
		}
	}
	if len(writes) < 2 {
		t.Errorf("no interim write in a %v run", ends.Sub(start))
	}
}

// fakeClock is a clock a test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// No stress run starts until StressCooldown after the last one ended, on
// any node; the refusal says when; the run records who started it.
func TestStressRunWaitsForTheCooldown(t *testing.T) {
	clock := &fakeClock{now: time.Now()}
	api := apptest.NewFakeAPI(kvtest.NewStore())
	self := func() nodeRecord { return nodeRecord{ID: "n1", Name: "node-a"} }
	d := newStressDemo(api, self, clock.Now, func(string, string) {})
	by := Actor{UserID: apptest.AdminUser, Username: "sysadmin"}

	run, err := d.Begin(1, by)
	if err != nil {
		t.Fatal(err)
	}
	if run.UserID != by.UserID || run.Username != by.Username {
		t.Errorf("run started by %s/%s, want %+v", run.UserID, run.Username, by)
	}
	if _, err := d.Begin(1, by); !errors.Is(err, ErrStressRunning) {
		t.Errorf("during the run: %v, want ErrStressRunning", err)
	}
	clock.Advance(time.Second + StressCooldown - time.Millisecond)
	if _, err := d.Begin(1, by); !errors.Is(err, ErrStressCooldown) {
		t.Errorf("just before the cooldown ends: %v, want ErrStressCooldown", err)
	}
	clock.Advance(time.Millisecond)
	if _, err := d.Begin(1, by); err != nil {
		t.Errorf("once the cooldown has passed: %v", err)
	}
}
