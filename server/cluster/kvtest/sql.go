package kvtest

import (
	"bytes"
	"net/http"

	"github.com/mattermost/mattermost-server/v5/model"
)

// This file is the SQL plugin store and the app layer above it, statement
// for statement. Every function runs with s.mu held, which stands in for the
// row lock / unique index of the database.

func invalidKeyError(key string) *model.AppError {
	return model.NewAppError("PluginKeyValue.IsValid", "model.plugin_key_value.is_valid.key.app_error",
		map[string]interface{}{"Max": maxKeyRunes, "Min": 0}, "key="+key, http.StatusBadRequest)
}

func invalidOptionsError() *model.AppError {
	return model.NewAppError("PluginKVSetOptions.IsValid", "model.plugin_kvset_options.is_valid.old_value.app_error",
		nil, "", http.StatusBadRequest)
}

// setLocked is App.SetPluginKeyWithOptions + SqlPluginStore.SetWithOptions.
func (s *Store) setLocked(key string, value []byte, opt model.PluginKVSetOptions) (bool, *model.AppError) {
	if !opt.Atomic && opt.OldValue != nil {
		return false, invalidOptionsError()
	}
	if !validKey(key) {
		return false, invalidKeyError(key)
	}
	expireAt := s.expireAtLocked(opt.ExpireInSeconds)

	var ok bool
	if opt.Atomic {
		ok = s.compareAndSetLocked(key, value, expireAt, opt.OldValue)
	} else {
		s.saveOrUpdateLocked(key, value, expireAt)
		ok = true
	}
	// "Clean up a previous entry using the hashed key, if it exists."
	s.dropLocked(legacyKey(key))
	return ok, nil
}

// saveOrUpdateLocked is SqlPluginStore.SaveOrUpdate: an upsert, or a delete
// for a nil value.
func (s *Store) saveOrUpdateLocked(key string, value []byte, expireAt int64) {
	if value == nil {
		s.dropLocked(key)
		return
	}
	s.putLocked(key, row{value: append([]byte(nil), value...), expireAt: expireAt})
}

// compareAndSetLocked is SqlPluginStore.CompareAndSet.
func (s *Store) compareAndSetLocked(key string, value []byte, expireAt int64, oldValue []byte) bool {
	if value == nil {
		return s.compareAndDeleteLocked(key, oldValue)
	}
	now := s.millisLocked()
	if oldValue == nil {
		s.stats.AtomicInserts++
		// DELETE ... WHERE ExpireAt != 0 AND ExpireAt < now
		if r, ok := s.rows[key]; ok && r.expireAt != 0 && r.expireAt < now {
			s.dropLocked(key)
		}
		// INSERT: a primary-key violation is reported as (false, nil).
		if _, ok := s.rows[key]; ok {
			s.stats.FailedInserts++
			return false
		}
		s.putLocked(key, row{value: append([]byte(nil), value...), expireAt: expireAt})
		return true
	}
	// UPDATE ... WHERE PValue = old AND (ExpireAt = 0 OR ExpireAt > now)
	r, ok := s.rows[key]
	if !ok || !bytes.Equal(r.value, oldValue) || !live(r, now) {
		s.stats.FailedCAS++
		return false
	}
	s.putLocked(key, row{value: append([]byte(nil), value...), expireAt: expireAt})
	return true
}

// compareAndDeleteLocked is SqlPluginStore.CompareAndDelete.
func (s *Store) compareAndDeleteLocked(key string, oldValue []byte) bool {
	if oldValue == nil {
		// "nil can't be stored. Return showing that we didn't do anything"
		return false
	}
	r, ok := s.rows[key]
	if !ok || !bytes.Equal(r.value, oldValue) || !live(r, s.millisLocked()) {
		s.stats.FailedCAS++
		return false
	}
	s.dropLocked(key)
	return true
}

// getLocked is App.GetPluginKey: the key, then its pre-5.6 hashed form;
// (nil, nil) when neither is live. Each lookup is a SqlPluginStore.Get, which
// reads through GetReplica.
func (s *Store) getLocked(key string) []byte {
	if r, ok := s.readLocked(key); ok {
		return append([]byte(nil), r.value...)
	}
	if r, ok := s.readLocked(legacyKey(key)); ok {
		return append([]byte(nil), r.value...)
	}
	return nil
}

// deleteLocked is App.DeletePluginKey: the hashed key, then the key itself.
func (s *Store) deleteLocked(key string) {
	s.dropLocked(legacyKey(key))
	s.dropLocked(key)
}

// listLocked is App.ListPluginKeys + SqlPluginStore.List, which reads
// through GetReplica.
func (s *Store) listLocked(page, perPage int) []string {
	offset := page * perPage
	limit := perPage
	if limit <= 0 {
		limit = defaultListLimit
	}
	if offset <= 0 {
		offset = 0
	}
	keys := s.liveKeysLocked(s.readerLocked())
	if offset >= len(keys) {
		return []string{}
	}
	end := offset + limit
	if end > len(keys) {
		end = len(keys)
	}
	return keys[offset:end]
}
