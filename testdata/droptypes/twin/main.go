// The native twin: user linked in.
package main

import (
	"fmt"

	"github.com/goload/goload/testdata/droptypes/dt"
	"github.com/goload/goload/testdata/droptypes/dv"
	"github.com/goload/goload/testdata/droptypes/dvuser"
	"github.com/goload/goload/testdata/droptypes/script"
	"github.com/goload/goload/testdata/droptypes/user"
)

func main() {
	fmt.Println(dt.Other())
	script.Run(user.Decode)
	fmt.Println(dv.ErrA)
	fmt.Println(dvuser.Errs())
}
