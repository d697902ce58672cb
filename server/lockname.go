package main

import "strings"

// maxLockNameLength bounds lock names; the cluster package digests longer
// store keys itself, so this is a readability limit, not a store limit.
const maxLockNameLength = 64

// lockNameRule is quoted in every refusal so the caller learns the rule.
const lockNameRule = "lock names are 1 to 64 characters of letters, digits, '.', '_' and '-', not '.' alone and without '..'"

// validateLockName enforces the lock-name rule of the API and the command.
func validateLockName(name string) error {
	// "." and anything with ".." fit the characters but read as path
	// traversal: Mattermost's router cleans such segments away before the
	// plugin sees them, so the API could never address such a lock.
	if name == "" || len(name) > maxLockNameLength || name == "." || strings.Contains(name, "..") {
		return badRequest("invalid lock name %q: %s", name, lockNameRule)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return badRequest("invalid lock name %q: %s", name, lockNameRule)
		}
	}
	return nil
}

// validateSeconds checks an integer argument against its range.
func validateSeconds(field string, v, min, max int) error {
	if v < min || v > max {
		return badRequest("%s must be from %d to %d, got %d", field, min, max, v)
	}
	return nil
}

// Fields of the acquire and stress requests, with their bounds and defaults.
const (
	minHoldSeconds     = 1
	maxHoldSeconds     = 600
	defaultHoldSeconds = 60
	minWaitSeconds     = 0
	maxWaitSeconds     = 30
	minStressSeconds   = 1
	maxStressSeconds   = 60
	defaultStressSecs  = 10
)
