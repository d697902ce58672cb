package main

import (
	"math/rand"
	"time"
)

func msToDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// randomPause returns a duration in [lo, hi), so a waiter's poll phase is
// random when the lock is released, as it is in production.
func randomPause(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rand.Int63n(int64(hi-lo)))
}
