package localcluster

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// A descriptor inherited without close-on-exec (as flock(1) passes its
// lock) reaches a child until it is marked, and not after. Catches a marking
// that misses inherited descriptors, which PostgreSQL, restarted by the
// suite, would keep holding.
func TestInheritedDescriptorsDoNotReachChildren(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Open(dir, syscall.O_RDONLY, 0) // no O_CLOEXEC: as inherited
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	// readlink opens nothing, so the descriptor number cannot be its own.
	childHas := func() bool {
		out, _ := exec.Command("readlink", "/proc/self/fd/"+strconv.Itoa(fd)).Output()
		return strings.TrimSpace(string(out)) == dir
	}
	if !childHas() {
		t.Skip("descriptors without close-on-exec do not reach children here; nothing to check")
	}
	markInheritedCloseOnExec()
	if childHas() {
		t.Errorf("descriptor %d still reaches a child after markInheritedCloseOnExec", fd)
	}
}
