package app

import (
	"fmt"
	"strings"
)

// MaxLockNameLength bounds lock names; the cluster package digests longer
// store keys itself, so this is a readability limit, not a store limit.
const MaxLockNameLength = 64

// LockNameRule is quoted in every refusal so the caller learns the rule.
var LockNameRule = fmt.Sprintf("lock names are 1 to %d characters of letters, digits, '.', '_' and '-', not '.' alone and without '..'", MaxLockNameLength)

// ValidateLockName enforces the lock-name rule; its error is an *ArgumentError.
func ValidateLockName(name string) error {
	// "." and anything with ".." fit the characters but read as path
	// traversal: Mattermost's router cleans such segments away before the
	// plugin sees them, so the API could never address such a lock.
	if name == "" || len(name) > MaxLockNameLength || name == "." || strings.Contains(name, "..") {
		return &ArgumentError{Message: fmt.Sprintf("invalid lock name %q: %s", name, LockNameRule)}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return &ArgumentError{Message: fmt.Sprintf("invalid lock name %q: %s", name, LockNameRule)}
		}
	}
	return nil
}

// The bounds and defaults of a demo lock's hold and wait and of a stress
// run's length, for the HTTP API and the command alike.
const (
	MinHoldSeconds       = 1
	MaxHoldSeconds       = 600
	DefaultHoldSeconds   = 60
	MinWaitSeconds       = 0
	MaxWaitSeconds       = 30
	MinStressSeconds     = 1
	MaxStressSeconds     = 60
	DefaultStressSeconds = 10
)
