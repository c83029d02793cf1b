// goload-runhost is the program `goload run` executes (cmd/goload/cmd_run.c
// builds it once per Go toolchain into the user's cache directory): it
// loads a main package with goload and runs it. Usage:
//
//	goload-runhost PATTERN [ARGS...]
//
// It runs in the directory PATTERN is resolved in. Its exit code is the
// program's: 0 when main.main returns, os.Exit's code otherwise, 2 for an
// unrecovered panic; 1 with "goload run: ..." on stderr when the program
// cannot be loaded.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: goload-runhost PATTERN [ARGS...]")
		os.Exit(2)
	}
	if err := goload.Run(context.Background(), os.Args[1], os.Args[2:], nil); err != nil {
		fmt.Fprintln(os.Stderr, "goload run:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
