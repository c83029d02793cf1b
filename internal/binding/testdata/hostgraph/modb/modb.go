// Package modb, opened after ../moda closed, reads the state moda left.
package modb

import (
	"fmt"
	"io/fs"
	"path"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/hg"
)

func Run() string {
	n := hg.Record("b")
	_, err := fs.Glob(nil, "[")
	k := hg.Kept()
	return fmt.Sprintf("b: record %d, records %s, kept: %v, kept is b's glob error: %v, kept is path.ErrBadPattern: %v",
		n, hg.Summary(), k, k == err, k == path.ErrBadPattern)
}
