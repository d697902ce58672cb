package localcluster

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

func TestCheckPortFreeNamesATakenPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	err = checkPortFree(port)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d is taken", port)) {
		t.Fatalf("checkPortFree(%d) on a taken port = %v", port, err)
	}
	l.Close()
	if err := checkPortFree(port); err != nil {
		t.Fatalf("checkPortFree(%d) after it was released = %v", port, err)
	}
}

func TestFreePortsAreDistinctAndFree(t *testing.T) {
	ports, err := freePorts(3)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if seen[p] {
			t.Fatalf("port %d given twice: %v", p, ports)
		}
		seen[p] = true
		if err := checkPortFree(p); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChoosePortsRefusesATakenFixedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port
	_, err = choosePorts(Config{Nodes: 2, FirstPort: taken})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("port %d is taken", taken)) {
		t.Fatalf("choosePorts over taken port %d = %v", taken, err)
	}
}
