// Package lay is known to the sharepkg host by its type T only (the host
// calls none of its functions): a loaded build of lay whose T has another
// layout than the host's T is two layouts under one name, and is refused
// (TestShareLayoutMismatch compiles one through -overlay).
package lay

type T struct {
	A int
	B string
}

func Make(a int) T { return T{A: a, B: "lay"} }

func (t T) Sum() int { return t.A + len(t.B) }
