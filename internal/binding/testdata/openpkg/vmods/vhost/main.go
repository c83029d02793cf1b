// A host with example.com/vmod v1.0.0 that prints what OpenPackage says
// for a pattern resolved in a directory: the tests run it where the load
// must fail. Usage: vhost DIR PATTERN
package main

import (
	"context"
	"fmt"
	"os"

	"example.com/vmod"
	"github.com/goload/goload"
)

func main() {
	fmt.Println("host has vmod", vmod.V())
	_, err := goload.OpenPackage(context.Background(), os.Args[2], &goload.OpenOptions{Dir: os.Args[1]})
	fmt.Println("error:", err)
}
