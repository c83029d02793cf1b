// Package script is what the host (user loaded) and the twin (user
// linked natively) both run and print.
package script

import (
	"fmt"
	"runtime"
)

func Run(decode func(string) string) {
	for _, s := range []string{"a", "bc", "def"} {
		runtime.GC() // the variables' pointer maps must be right
		fmt.Println(decode(s))
	}
}
