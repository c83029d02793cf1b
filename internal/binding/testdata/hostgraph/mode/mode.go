// Package mode uses lackdep (of the host's build, dropped whole by its
// linker) directly; the host opens it with goload.Open, lackdep's archive
// given with it.
package mode

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/lackdep"
)

func Run() string {
	n := lackdep.Add("e")
	return fmt.Sprintf("e: record %d, records %s", n, lackdep.Summary())
}
