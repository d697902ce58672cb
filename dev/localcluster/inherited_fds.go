package localcluster

import (
	"os"
	"strconv"
	"sync"
	"syscall"
)

// Children this package starts outlive it: PostgreSQL when it starts or
// restarts it, the demo's nodes after make demo returns. Any descriptor this
// process inherited would live on in them — among them the flock(1) lock
// that serializes real-node runs on this machine, which a restarted
// PostgreSQL then held until it stopped, blocking every later run. Go opens
// its own files close-on-exec; the inherited ones are marked so too, once,
// before the first child starts.
var inheritedCloseOnExec sync.Once

func closeInheritedOnExec() {
	inheritedCloseOnExec.Do(markInheritedCloseOnExec)
}

// markInheritedCloseOnExec marks every open descriptor above stderr
// close-on-exec (Linux; elsewhere /proc/self/fd is missing and it does
// nothing).
func markInheritedCloseOnExec() {
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
