// Package shapes is linked into testdata/closeorder/host, which stores its
// types in interfaces but never calls Area or Perim: the host's linker
// drops those methods (method-table entries -1, itab slots
// runtime.unreachableMethod). Every module of moda, modb and modc calls
// them, so each supplies its own copy from this package's archive.
package shapes

type Rect struct{ W, H int }

//go:noinline
func (r Rect) Area() int { return r.W * r.H }

//go:noinline
func (r Rect) Perim() int { return 2 * (r.W + r.H) }

func (r Rect) Name() string { return "rect" }

type Circle struct{ R int }

//go:noinline
func (c *Circle) Area() int { return 3 * c.R * c.R }

func (c *Circle) Name() string { return "circle" }

type Shape interface {
	Area() int
	Name() string
}

// Areaer has no static itab in the host: the runtime builds (Rect,
// Areaer) when a module or the host asserts to it.
type Areaer interface{ Area() int }

// Kept and KeptC hold the host's own itabs (Rect, Shape) and (*Circle,
// Shape), whose Area slots the host's linker left unreachable.
var (
	Kept  Shape = Rect{2, 3}
	KeptC Shape = &Circle{2}
)
