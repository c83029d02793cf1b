// The host: runs one case (os.Args[1]) of package drive on packages it
// loads with goload.OpenPackage. It imports none of them.
package main

import (
	"os"

	"github.com/goload/goload/tests/peers/drive"
)

func main() {
	if len(os.Args) != 2 {
		os.Stderr.WriteString("usage: host CASE\n")
		os.Exit(2)
	}
	os.Exit(drive.Run(os.Args[1]))
}
