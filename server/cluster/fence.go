package cluster

import (
	"errors"
	"strconv"

	"github.com/mattermost/mattermost-server/v5/model"
)

// The fencing counter is a plain key per lock name holding the last token
// handed out, in decimal. It never expires. It is only ever moved forward by
// compare-and-set from the exact previous value, so every token is handed
// out at most once and the counter never goes back.

func encodeCounter(n uint64) []byte {
	if n == 0 {
		return nil // "no counter yet": an atomic set with a nil OldValue inserts
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

// errCorruptCounter: the counter key holds something else than a number
// (written by hand?). The lock keeps working, unfenced (token 0), until the
// key is deleted or fixed; it must never stop the lock being taken.
var errCorruptCounter = errors.New("fencing counter is not a number")

// advanceCounter moves the counter from `from` to `to` if it still holds
// `from`.
func (q *queue) advanceCounter(from, to uint64) (bool, error) {
	ok, appErr := q.inst.api.KVSetWithOptions(q.fkey, encodeCounter(to), model.PluginKVSetOptions{
		Atomic:   true,
		OldValue: encodeCounter(from),
	})
	if appErr != nil {
		return false, appErr
	}
	return ok, nil
}

// readCounter reads the counter; it needs KVGet.
func (q *queue) readCounter() (uint64, error) {
	b, appErr := q.inst.get.KVGet(q.fkey)
	if appErr != nil {
		return 0, appErr
	}
	return decodeCounter(b)
}

// claimToken takes the next token by reading the counter and advancing it,
// retrying a few times if another instance advances it in between. It is
// the slow path, used when the guess made with the lease insert was wrong.
func (q *queue) claimToken() (uint64, error) {
	if q.inst.get == nil {
		return 0, errNoKVGet
	}
	for try := 0; try < 5; try++ {
		c, err := q.readCounter()
		if err != nil {
			return 0, err
		}
		ok, err := q.advanceCounter(c, c+1)
		if err != nil {
			return 0, err
		}
		if ok {
			q.mu.Lock()
			q.view.setFence(c + 1)
			q.mu.Unlock()
			return c + 1, nil
		}
	}
	return 0, errors.New("fencing counter kept moving")
}

var errNoKVGet = errors.New("the plugin API has no KVGet")
