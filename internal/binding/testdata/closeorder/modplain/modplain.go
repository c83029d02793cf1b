// Package modplain calls shapes.Rect.Area only through an interface: a
// plain Open (no host archives) links it, and it has no copy of the
// method: it calls whichever module's copy the host's entries point at.
package modplain

import "github.com/goload/goload/internal/binding/testdata/closeorder/shapes"

func Area(x any) int {
	if a, ok := x.(shapes.Areaer); ok {
		return a.Area()
	}
	return -1
}
