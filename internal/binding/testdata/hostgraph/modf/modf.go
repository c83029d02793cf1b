// Package modf uses lackdep directly, like ../mode; the host opens it with
// goload.OpenPackage. It imports hg too (hg.Version, which the host has):
// OpenPackage reads the host's build from the packages the pattern lists,
// and hg's import list is what shows lackdep to be of the host's build.
package modf

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/hg"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/lackdep"
)

func Run() string {
	n := lackdep.Add("f")
	return fmt.Sprintf("f: record %d, records %s (hg %s)", n, lackdep.Summary(), hg.Version())
}
