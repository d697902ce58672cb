package localcluster

import (
	"os"
	"strconv"
	"syscall"
)

// keepInheritedFilesFromChildren marks every descriptor this process
// inherited above stderr close-on-exec, so that PostgreSQL and the
// Mattermost nodes started from here do not hold them for their lifetime.
// The case that matters: `flock LOCK make ...` hands its lock to the
// command as an open descriptor, and a database started under it would keep
// the lock held long after the command ended. Go opens its own files
// close-on-exec already; only inherited ones leak. Without /proc (not
// Linux) it does nothing.
func keepInheritedFilesFromChildren() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}
