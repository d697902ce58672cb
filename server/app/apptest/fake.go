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

// Users the fake knows; userPermissions says what each may do.
const (
	// AdminUser is a system admin: manage_system.
	AdminUser = "adminuser000000000000000000"
	// ReadOnlyAdminUser has system_read_only_admin's plugin permission:
	// sysconsole_read_plugins only.
	ReadOnlyAdminUser = "readonlyadmin00000000000000"
	// PluginAdminUser has a delegated role with sysconsole_read_plugins and
	// sysconsole_write_plugins, not manage_system.
	PluginAdminUser = "pluginadmin0000000000000000"
	// MemberUser has no system permission.
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
	infos  []string
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

// userPermissions are the system permissions of the fake's users. A system
// admin's role grants every permission on a real server; only
// manage_system is listed so a check that forgets it fails.
var userPermissions = map[string][]string{
	AdminUser:         {model.PERMISSION_MANAGE_SYSTEM.Id},
	ReadOnlyAdminUser: {model.PERMISSION_SYSCONSOLE_READ_PLUGINS.Id},
	PluginAdminUser:   {model.PERMISSION_SYSCONSOLE_READ_PLUGINS.Id, model.PERMISSION_SYSCONSOLE_WRITE_PLUGINS.Id},
}

// LogInfo records the message and its pairs as one line, "msg k=v k=v".
func (f *FakeAPI) LogInfo(msg string, keyValuePairs ...interface{}) {
	line := msg
	for i := 0; i+1 < len(keyValuePairs); i += 2 {
		line += fmt.Sprintf(" %v=%v", keyValuePairs[i], keyValuePairs[i+1])
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.infos = append(f.infos, line)
}

// Infos are the info lines logged so far.
func (f *FakeAPI) Infos() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.infos...)
}

// usernames are the fake's users' names.
var usernames = map[string]string{
	AdminUser:         "sysadmin",
	ReadOnlyAdminUser: "readonly-admin",
	PluginAdminUser:   "plugin-admin",
	MemberUser:        "user1",
}

// GetUser knows the fake's users.
func (f *FakeAPI) GetUser(userID string) (*model.User, *model.AppError) {
	name, ok := usernames[userID]
	if !ok {
		return nil, model.NewAppError("GetUser", "app.user.missing_account.const", nil, "", 404)
	}
	return &model.User{Id: userID, Username: name}, nil
}

func (f *FakeAPI) HasPermissionTo(userID string, permission *model.Permission) bool {
	for _, p := range userPermissions[userID] {
		if p == permission.Id {
			return true
		}
	}
	return false
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
