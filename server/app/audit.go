package app

import (
	"sync"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Actor is who asked for a change: the user id Mattermost vouches for and
// the username at the time, for the audit log and for the records that
// say who started a run.
type Actor struct {
	UserID   string
	Username string
}

// userLookup is what the audit needs of the server to name a user.
type userLookup interface {
	GetUser(userID string) (*model.User, *model.AppError)
}

// maxCachedUsernames bounds the usernames a node remembers; past it the
// cache starts over. Admins are few, so it rarely does.
const maxCachedUsernames = 256

// usernames resolves user ids one at a time and remembers them: a burst of
// requests by one admin costs one lookup, not one database query each.
type usernames struct {
	users userLookup
	mu    sync.Mutex
	known map[string]string
}

func newUsernames(users userLookup) *usernames {
	return &usernames{users: users, known: map[string]string{}}
}

// actor names userID; a user the server cannot find keeps an empty
// username (the id alone still says who).
func (u *usernames) actor(userID string) Actor {
	u.mu.Lock()
	defer u.mu.Unlock()
	if name, ok := u.known[userID]; ok {
		return Actor{UserID: userID, Username: name}
	}
	user, aerr := u.users.GetUser(userID)
	if aerr != nil || user == nil {
		return Actor{UserID: userID}
	}
	if len(u.known) >= maxCachedUsernames {
		u.known = map[string]string{}
	}
	u.known[userID] = user.Username
	return Actor{UserID: userID, Username: user.Username}
}

// infoLogger is where the audit lines go: the server log.
type infoLogger interface {
	LogInfo(msg string, keyValuePairs ...interface{})
}

// logAudit logs one change of demo state at info level: who, what, on which
// node, and the outcome ("ok", or the refusal or error). Every change,
// through the API or the command, passes here once.
func logAudit(log infoLogger, node string, by Actor, action, target string, err error) {
	outcome := "ok"
	if err != nil {
		outcome = err.Error()
	}
	log.LogInfo("clusterdemo: audit",
		"action", action,
		"target", target,
		"user_id", by.UserID,
		"username", by.Username,
		"node", node,
		"outcome", outcome,
	)
}
