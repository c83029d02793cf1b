// The native twin: user linked in.
package main

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/droptypes/dt"
	"github.com/goload/goload/internal/binding/testdata/droptypes/dv"
	"github.com/goload/goload/internal/binding/testdata/droptypes/dvuser"
	"github.com/goload/goload/internal/binding/testdata/droptypes/script"
	"github.com/goload/goload/internal/binding/testdata/droptypes/user"
)

func main() {
	fmt.Println(dt.Other())
	script.Run(user.Decode)
	fmt.Println(dv.ErrA)
	fmt.Println(dvuser.Errs())
}
