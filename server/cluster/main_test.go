package cluster

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// sleepingTestsAtOnce is how many tests marked t.Parallel run side by side
// when -parallel is not given. go test's default is the number of CPUs, made
// for tests that compute; these mostly wait out leases, polls and intervals
// (the package's race-enabled run spends about a fifth of its wall time on a
// CPU), so a 2-core machine would otherwise spend most of the run idle. The
// tests that compute or measure the process as a whole do not call
// t.Parallel, or measure in a process of their own.
const sleepingTestsAtOnce = 8

func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		if err := flag.Set("test.parallel", strconv.Itoa(sleepingTestsAtOnce)); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
