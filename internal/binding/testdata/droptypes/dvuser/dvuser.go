// Package dvuser, loaded, calls dv.Get, which the host dropped.
package dvuser

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/droptypes/dv"
)

func Errs() string {
	return fmt.Sprintf("%v %v %v same: %v %v", dv.Get(0), dv.Get(1), dv.Get(2), dv.Get(1) == dv.ErrA, dv.Get(2) == dv.ErrB)
}
