package localcluster

import (
	"fmt"

	"github.com/mattermost/mattermost-server/v5/model"
)

// Account is a user Start creates. The passwords are fixed and printed: the
// cluster listens on 127.0.0.1 only and holds nothing but demo data.
type Account struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
}

var (
	adminAccount = Account{Username: "sysadmin", Password: "Sysadmin-Pass-1", Email: "sysadmin@example.com"}
	userAccount  = Account{Username: "user1", Password: "User1-Pass-1", Email: "user1@example.com"}
)

// DemoTeam is the name of the team Start creates.
const DemoTeam = "demo"

// createAccounts makes the first user (whom Mattermost makes system admin),
// logs in as them, then makes a second, ordinary user and a team holding both.
func createAccounts(client *model.Client4) (admin, user Account, token, teamID string, err error) {
	admin, user = adminAccount, userAccount
	created, resp := client.CreateUser(&model.User{Username: admin.Username, Password: admin.Password, Email: admin.Email, EmailVerified: true})
	if resp.Error != nil {
		return admin, user, "", "", fmt.Errorf("creating the admin user: %s", resp.Error.Error())
	}
	admin.ID = created.Id
	if !created.IsSystemAdmin() {
		return admin, user, "", "", fmt.Errorf("the first user is not system admin: the database was not fresh")
	}
	if _, resp := client.Login(admin.Username, admin.Password); resp.Error != nil {
		return admin, user, "", "", fmt.Errorf("logging in as %s: %s", admin.Username, resp.Error.Error())
	}
	token = client.AuthToken
	created, resp = client.CreateUser(&model.User{Username: user.Username, Password: user.Password, Email: user.Email, EmailVerified: true})
	if resp.Error != nil {
		return admin, user, token, "", fmt.Errorf("creating the second user: %s", resp.Error.Error())
	}
	user.ID = created.Id
	team, resp := client.CreateTeam(&model.Team{Name: DemoTeam, DisplayName: "Demo", Type: model.TEAM_OPEN})
	if resp.Error != nil {
		return admin, user, token, "", fmt.Errorf("creating team %s: %s", DemoTeam, resp.Error.Error())
	}
	if _, resp := client.AddTeamMember(team.Id, user.ID); resp.Error != nil {
		return admin, user, token, team.Id, fmt.Errorf("adding %s to team %s: %s", user.Username, DemoTeam, resp.Error.Error())
	}
	return admin, user, token, team.Id, nil
}
