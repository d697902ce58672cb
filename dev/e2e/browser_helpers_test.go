//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"syscall"
)

// runBrowserScript runs script, a file of the browser folder dir, with node,
// passing params (JSON) in CLUSTERDEMO_E2E_BROWSER so sessions and passwords
// never touch the disk, and returns what it printed. The script exits 0 only
// when every check it makes held.
func runBrowserScript(dir, script string, params []byte) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), browserRunBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CLUSTERDEMO_E2E_BROWSER="+string(params))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// node and the chromium it starts share a process group, ended as one
	// on timeout; and node quits when its stdin closes, which the kernel
	// does if this process dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", err
	}
	defer stdin.Close()
	err = cmd.Run()
	return out.String(), err
}
