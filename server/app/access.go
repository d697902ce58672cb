package app

import "github.com/mattermost/mattermost-server/v5/model"

// PermissionChecker is what the access rule needs of the server.
type PermissionChecker interface {
	HasPermissionTo(userID string, permission *model.Permission) bool
}

// Who may see and who may change the demo, for the HTTP API and the slash
// command alike. Mattermost 5.39 names the System Console's plugin pages
// sysconsole_read_plugins and sysconsole_write_plugins (system scope). Its
// default roles grant the read to system_read_only_admin and
// system_manager, and the write to no role but system_admin; a licensed
// server can grant either to a delegated admin role. manage_system (every
// system admin) is accepted for both, as the server's own plugin pages do.

// CanRead: the user may see the cluster status.
func CanRead(p PermissionChecker, userID string) bool {
	return p.HasPermissionTo(userID, model.PERMISSION_MANAGE_SYSTEM) ||
		p.HasPermissionTo(userID, model.PERMISSION_SYSCONSOLE_READ_PLUGINS)
}

// CanWrite: the user may take and release demo locks, run jobs and start
// stress runs.
func CanWrite(p PermissionChecker, userID string) bool {
	return p.HasPermissionTo(userID, model.PERMISSION_MANAGE_SYSTEM) ||
		p.HasPermissionTo(userID, model.PERMISSION_SYSCONSOLE_WRITE_PLUGINS)
}

// ReadPermissionText and WritePermissionText name the permissions in refusals.
const (
	ReadPermissionText  = "the System Console permission to read plugins (sysconsole_read_plugins) or to manage the system"
	WritePermissionText = "the System Console permission to change plugins (sysconsole_write_plugins) or to manage the system"
)
