// The test host: a plain `go build` program that uses goload the way a
// user's program would. host_test.go builds it and runs one check per
// invocation; the check prints "ok" or fails with a message.
package main

import (
	"fmt"
	"os"

	"github.com/goload/goload"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: host check|load ARCHIVE...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "check":
		err = goload.Check()
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("ok")
}
