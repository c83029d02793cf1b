// Package modc uses a standard package of the host's build that its
// linker dropped whole (path), directly: no dropped host code involved.
// It leaves path's error value in a host variable (drive.Kept).
package modc

import (
	"fmt"
	"path"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/drive"
)

func Run() string {
	_, err := path.Match("[", "x")
	drive.Kept = err
	return fmt.Sprintf("c: %s, match: %v", path.Join("a", "b/../c"), err)
}
