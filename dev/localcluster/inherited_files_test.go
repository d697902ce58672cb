package localcluster

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A descriptor inherited without close-on-exec (as flock(1) passes its
// lock) is marked close-on-exec, so a child started afterwards does not get
// it. A no-op implementation leaves the flag clear.
func TestInheritedFilesAreNotPassedToChildren(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd here")
	}
	fd, err := syscall.Open(filepath.Join(t.TempDir(), "lock"), syscall.O_CREAT|syscall.O_RDWR, 0o600) // no O_CLOEXEC: as inherited
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if closeOnExec(t, fd) {
		t.Fatal("the test descriptor is close-on-exec already")
	}
	keepInheritedFilesFromChildren()
	if !closeOnExec(t, fd) {
		t.Error("an inherited descriptor would be passed to PostgreSQL and the nodes")
	}
}

func closeOnExec(t *testing.T, fd int) bool {
	t.Helper()
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	return flags&syscall.FD_CLOEXEC != 0
}
