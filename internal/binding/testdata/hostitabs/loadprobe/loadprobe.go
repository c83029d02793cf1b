// Package loadprobe is the hosts' shared part: it loads ../probe with
// OpenPackage and prints what its Run returns (imports: fmt, context).
package loadprobe

import (
	"context"
	"fmt"

	"github.com/goload/goload"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/hostitabs/probe"

// Main loads the probe and prints its answers, or FAIL: and the error.
func Main() {
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	run, err := goload.Lookup[func() string](m, pkg+".Run")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Print(run())
}
