package cluster

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// maxKeyRunes is the longest key the Mattermost KV store accepts
// (model.KEY_VALUE_KEY_MAX_RUNES).
const maxKeyRunes = 50

// Key prefixes. mutexPrefix and jobPrefix are the ones the widely used
// implementation (mattermost-plugin-api/cluster) uses, so that during a
// rolling upgrade from it both implementations exclude each other.
const (
	mutexPrefix   = "mutex_"
	fencePrefix   = "fence_"
	waitPrefix    = "mwait_"
	jobPrefix     = "cron_"
	digestMarker  = "#"
	maxPrefixSize = 6
)

// kvKey returns prefix+name when that fits in a KV key, and otherwise
// prefix+"#"+base64url(sha256(name)), at most 6+1+43 = 50 runes. A name that
// itself starts with "#" is always digested, so a digest can never collide
// with a plain name.
func kvKey(prefix, name string) string {
	if utf8.RuneCountInString(prefix)+utf8.RuneCountInString(name) <= maxKeyRunes && !strings.HasPrefix(name, digestMarker) {
		return prefix + name
	}
	sum := sha256.Sum256([]byte(name))
	return prefix + digestMarker + base64.RawURLEncoding.EncodeToString(sum[:])
}

func lockKey(name string) string  { return kvKey(mutexPrefix, name) }
func fenceKey(name string) string { return kvKey(fencePrefix, name) }
func waitKey(name string) string  { return kvKey(waitPrefix, name) }

// JobLockName returns the name of the lock a job scheduled with key runs
// under ("cron_" + key), for InspectLock and for matching KnownLocks.
func JobLockName(key string) string { return jobPrefix + key }

// jobMetaKey is where a job's metadata lives.
func jobMetaKey(key string) string { return kvKey(jobPrefix, key) }
