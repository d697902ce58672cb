// Package apptest is the plugin API the tests of the application, the HTTP
// API, the command and the hooks run against: the KV calls of a kvtest
// store, so several fakes are several nodes of one cluster, and recorders
// for what the plugin publishes and posts. It is not part of the plugin.
package apptest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/server/cluster/kvtest"
)

// Users the fake knows: only AdminUser may manage the system.
const (
	AdminUser  = "adminuser000000000000000000"
	MemberUser = "memberuser00000000000000000"
	// BotUser is the user id the digest posts as.
	BotUser = "botuser0000000000000000000"
)

// FakeAPI is the plugin API of one node.
type FakeAPI struct {
	*kvtest.Instance

	mu     sync.Mutex
	events []map[string]interface{}
	posts  []*model.Post
	warns  []string
	// postErr, when set, is CreatePost's error.
	postErr *model.AppError
}

// NewFakeAPI is one more node over store.
func NewFakeAPI(store *kvtest.Store) *FakeAPI {
	return &FakeAPI{Instance: store.Instance()}
}

func (f *FakeAPI) LogWarn(msg string, keyValuePairs ...interface{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.warns = append(f.warns, fmt.Sprint(append([]interface{}{msg}, keyValuePairs...)...))
}

func (f *FakeAPI) HasPermissionTo(userID string, permission *model.Permission) bool {
	return userID == AdminUser && permission.Id == model.PERMISSION_MANAGE_SYSTEM.Id
}

// PublishWebSocketEvent records the event's payload with two markers:
// "_event" (its name) and "_sensitive" (whether only admins receive it).
func (f *FakeAPI) PublishWebSocketEvent(event string, payload map[string]interface{}, broadcast *model.WebsocketBroadcast) {
	f.mu.Lock()
	defer f.mu.Unlock()
	copied := map[string]interface{}{"_event": event, "_sensitive": broadcast != nil && broadcast.ContainsSensitiveData}
	for k, v := range payload {
		copied[k] = v
	}
	f.events = append(f.events, copied)
}

func (f *FakeAPI) CreatePost(post *model.Post) (*model.Post, *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.postErr != nil {
		return nil, f.postErr
	}
	f.posts = append(f.posts, post)
	return post, nil
}

// FailPosts makes CreatePost fail with err (nil: succeed again).
func (f *FakeAPI) FailPosts(err *model.AppError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.postErr = err
}

// Events are the websocket events published so far.
func (f *FakeAPI) Events() []map[string]interface{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]interface{}(nil), f.events...)
}

// Posts are the posts created so far.
func (f *FakeAPI) Posts() []*model.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*model.Post(nil), f.posts...)
}

// Eventually polls cond until it holds or within passes.
func Eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
