// The native twin: user linked in.
package main

import (
	"fmt"

	"github.com/goload/goload/testdata/droptypes/dt"
	"github.com/goload/goload/testdata/droptypes/script"
	"github.com/goload/goload/testdata/droptypes/user"
)

func main() {
	fmt.Println(dt.Other())
	script.Run(user.Decode)
}
