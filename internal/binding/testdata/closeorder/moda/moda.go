// Package moda calls the host's dropped methods of shapes through the
// host's own itabs, itabs the runtime builds, and directly.
package moda

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/closeorder/shapes"
)

var perim interface{ Perim() int }

// box hides the concrete type: the compiler would otherwise devirtualize
// x.(shapes.Areaer).Area() into a comparison with this module's own
// (Rect, Areaer) itab symbol, which an earlier module's itab shadows in
// the runtime's table (a separate issue, not this fixture's).
//
//go:noinline
func box(w, h int) any { return shapes.Rect{W: w, H: h} }

func Run() string {
	x := box(1, 4)
	a := x.(shapes.Areaer).Area()
	perim = x.(interface{ Perim() int })
	return fmt.Sprintf("a: kept %d keptc %d runtime %d perim %d direct %d",
		shapes.Kept.Area()*1, shapes.KeptC.Area()+1, a, perim.Perim(), shapes.Rect{W: 5, H: 1}.Area())
}

// CallArea calls Area through the itab the host's assertion built.
func CallArea(s shapes.Areaer) int { return s.Area() + 1 }
