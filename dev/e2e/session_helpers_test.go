//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/mattermost/mattermost-server/v5/model"

	"github.com/clusterdemo/clusterdemo/dev/localcluster"
)

// webSession is a login as the web app makes it: the cookies Mattermost
// sets on POST /api/v4/users/login.
type webSession struct {
	Token  string `json:"token"`  // MMAUTHTOKEN
	UserID string `json:"userId"` // MMUSERID
	CSRF   string `json:"csrf"`   // MMCSRF, echoed in X-CSRF-Token
}

// loginWeb signs account in on n with a plain HTTP request and returns the
// cookies the server set.
func loginWeb(t *testing.T, n *localcluster.Node, account localcluster.Account) webSession {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"login_id": account.Username, "password": account.Password})
	req, err := http.NewRequest(http.MethodPost, n.URL+"/api/v4/users/login", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	// Mattermost sets the session cookies only for the web app's requests.
	req.Header.Set(model.HEADER_REQUESTED_WITH, model.HEADER_REQUESTED_WITH_XML)
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("node %d: login as %s: %v", n.Index, account.Username, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("node %d: login as %s: %s", n.Index, account.Username, resp.Status)
	}
	var s webSession
	for _, c := range resp.Cookies() {
		switch c.Name {
		case model.SESSION_COOKIE_TOKEN:
			s.Token = c.Value
		case model.SESSION_COOKIE_USER:
			s.UserID = c.Value
		case model.SESSION_COOKIE_CSRF:
			s.CSRF = c.Value
		}
	}
	if s.Token == "" || s.UserID == "" || s.CSRF == "" {
		t.Fatalf("node %d: login as %s set cookies %v; want %s, %s and %s", n.Index, account.Username, resp.Cookies(),
			model.SESSION_COOKIE_TOKEN, model.SESSION_COOKIE_USER, model.SESSION_COOKIE_CSRF)
	}
	return s
}

// cookieCaller sends the session as the browser does: cookies only, plus
// the CSRF header when csrf is true.
func cookieCaller(s webSession, csrf bool) caller {
	name := fmt.Sprintf("cookie session (CSRF header: %v)", csrf)
	return caller{name: name, auth: func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: model.SESSION_COOKIE_TOKEN, Value: s.Token})
		r.AddCookie(&http.Cookie{Name: model.SESSION_COOKIE_USER, Value: s.UserID})
		r.AddCookie(&http.Cookie{Name: model.SESSION_COOKIE_CSRF, Value: s.CSRF})
		if csrf {
			r.Header.Set(model.HEADER_CSRF_TOKEN, s.CSRF)
		}
	}}
}
