package cluster

import (
	"errors"
	"strconv"
	"time"
)

// The fencing counter is a key per lock name holding the last token handed
// out, in decimal. It is only ever moved forward by compare-and-set from the
// exact previous value, so every token is handed out at most once while the
// key lives. Each move renews its store expiry (IdleKeyWindow), so the key of
// a name nobody locks any more goes away.
//
// A counter that expired, or never existed, restarts at the current time in
// microseconds (nextToken). Tokens stay increasing across that restart:
// every stored value was at most the microsecond clock of its writer, since
// it started there and grows by one per acquisition, and an acquisition
// takes far longer than a microsecond; the restart happens at least
// IdleKeyWindow after the last move, so it is higher unless the restarting
// node's clock is behind the last writer's by more than IdleKeyWindow.

func encodeCounter(n uint64) []byte {
	if n == 0 {
		return nil // "no counter": a compare-and-set from nil inserts
	}
	return strconv.AppendUint(nil, n, 10)
}

func decodeCounter(b []byte) (uint64, error) {
	if b == nil {
		return 0, nil
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return 0, errCorruptCounter
	}
	return n, nil
}

// nextToken is the token after counter value c (0: no counter).
func nextToken(c uint64) uint64 {
	if c == 0 {
		if now := time.Now().UnixMicro(); now > 0 {
			return uint64(now)
		}
		return 1
	}
	return c + 1
}

// errCorruptCounter: the counter key holds something else than a number
// (written by hand?). The lock keeps working, unfenced (token 0), until the
// key is deleted, expires or is fixed; it must never stop the lock being
// taken.
var errCorruptCounter = errors.New("fencing counter is not a number")

// advanceCounter moves the counter under key from `from` to `to` if it
// still holds `from` (from 0: if there is none).
func advanceCounter(s kv, key string, from, to uint64) (bool, error) {
	return s.cas(key, encodeCounter(from), encodeCounter(to), idleKeySeconds)
}

// readCounter reads the counter; it needs KVGet.
func readCounter(s kv, key string) (uint64, error) {
	b, err := s.read(key)
	if err != nil {
		return 0, err
	}
	return decodeCounter(b)
}
