// Package modd is opened while ../modc is open, and runs again after
// modc's Close: path (its variables too) is one copy for both.
package modd

import (
	"fmt"
	"path"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/drive"
)

func Run() string {
	_, err := path.Match("[", "y")
	return fmt.Sprintf("d: %s, kept is d's match error: %v, kept is path.ErrBadPattern: %v",
		path.Clean("/x/./y/.."), drive.Kept == err, drive.Kept == path.ErrBadPattern)
}
