package localcluster

import (
	"fmt"
	"net"
)

// checkPortFree fails when something already listens on port, on any
// address: a node bound to 127.0.0.1 would otherwise fail later, less clearly.
func checkPortFree(port int) error {
	l, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
	if err != nil {
		return fmt.Errorf("port %d is taken (%v); stop what uses it or choose other ports", port, err)
	}
	return l.Close()
}

// freePorts asks the kernel for n distinct free ports. Another process may
// take one before the node binds it; the node's start-up then fails clearly.
func freePorts(n int) ([]int, error) {
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("no free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// choosePorts returns FirstPort, FirstPort+1, … (each checked free), or
// random free ports.
func choosePorts(cfg Config) ([]int, error) {
	if cfg.FirstPort == 0 {
		return freePorts(cfg.Nodes)
	}
	ports := make([]int, cfg.Nodes)
	for i := range ports {
		ports[i] = cfg.FirstPort + i
		if err := checkPortFree(ports[i]); err != nil {
			return nil, err
		}
	}
	return ports, nil
}
