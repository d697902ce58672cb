package cluster

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// sleepingTestsAtOnce is how many tests marked t.Parallel run side by side
// when -parallel is not given. go test's default is the number of CPUs, made
// for tests that compute; these mostly wait out leases, polls and intervals,
// so on a machine with few CPUs the run would be mostly idle. The tests that
// compute a lot or measure the process as a whole do so in a process of
// their own (see runInOwnProcess); a -parallel given on the command line
// wins.
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
