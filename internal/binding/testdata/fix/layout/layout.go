// Package layout is the host's version of a package whose types a loaded
// archive may see in another layout (TestTypeLayoutMismatch compiles a
// second version of this file under the same import path).
package layout

// Rec is a struct with a pointer field (a GC bitmap) and a method.
type Rec struct {
	A int
	B string
}

func New(a int, b string) Rec { return Rec{a, b} }

func (r Rec) Len() int { return r.A + len(r.B) }
