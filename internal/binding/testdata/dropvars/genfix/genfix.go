// Package genfix loads gena and genb, which both compile gen.Nearby[int]
// and, on Go 1.21, its closures as their own package definitions.
package genfix

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/dropvars/gena"
	"github.com/goload/goload/internal/binding/testdata/dropvars/genb"
)

var Names = []string{"Generic"}

func Generic() string {
	return fmt.Sprint(gena.Near(10), genb.Near(10), genb.NearF(1.2))
}
