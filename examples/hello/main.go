// hello is the demo's host program.
package main

import (
	"fmt"
	"os"
	"strings"
)

func greet(name string) string { return "hello, " + strings.ToUpper(name) }

func main() {
	name := "gopher"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	fmt.Println(greet(name))
}
