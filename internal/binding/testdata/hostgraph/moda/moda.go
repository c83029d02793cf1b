// Package moda uses dropped host code that needs packages the host lacks
// whole: hg.Record (lackdep) and io/fs.Glob (path, as in webfix), and
// leaves state in them: lackdep's records and, in hg's dropped variable,
// the error Glob returns (path.ErrBadPattern).
package moda

import (
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/hg"
)

func Run() string {
	n := hg.Record("a")
	_, err := fs.Glob(nil, "[")
	hg.Keep(err)
	return fmt.Sprintf("a: record %d, glob: %v, is path.ErrBadPattern: %v", n, err, errors.Is(err, path.ErrBadPattern))
}
