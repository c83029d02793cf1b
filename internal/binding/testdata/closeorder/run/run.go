// Package run is the sequence testdata/closeorder/host runs with loaded
// modules and testdata/closeorder/twin with the same packages linked in:
// open moda, modb (and modc), then close them in every order, each
// remaining module called after each Close. Both print the same.
package run

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/closeorder/shapes"
)

type Mod struct {
	Run      func() string
	CallArea func(shapes.Areaer) int
	Close    func() error
}

// As is the host's own assertion to Areaer: its cache (Go 1.22+) keeps
// the itab getitab built while the first module supplied Area.
//
//go:noinline
func As(x any) shapes.Areaer { a, _ := x.(shapes.Areaer); return a }

// Rounds runs every order for two and for three modules.
func Rounds(open func(name string) (*Mod, error)) {
	fmt.Println("host:", shapes.Kept.Name(), shapes.KeptC.Name())
	for _, set := range [][]string{{"a", "b"}, {"a", "b", "c"}} {
		for _, order := range perms(len(set)) {
			if !round(set, order, open) {
				return
			}
		}
	}
	fmt.Println("host after all:", shapes.Kept.Name(), As(shapes.Rect{W: 1, H: 1}) != nil)
}

func round(set []string, order []int, open func(string) (*Mod, error)) bool {
	var names []string
	for _, k := range order {
		names = append(names, set[k])
	}
	fmt.Printf("open %v, close %v\n", set, names)
	mods := make([]*Mod, len(set))
	for i, n := range set {
		m, err := open(n)
		if err != nil {
			fmt.Println("FAIL:", err)
			return false
		}
		mods[i] = m
		fmt.Println(" ", m.Run())
		for j := 0; j < 20000; j++ {
			As(shapes.Rect{W: j, H: 1})
		}
	}
	for _, k := range order {
		closeModule(mods, k, set[k])
		for _, o := range mods {
			if o != nil {
				fmt.Printf("  %s | host's itab %d\n", o.Run(), o.CallArea(As(shapes.Rect{W: 7, H: 8})))
			}
		}
	}
	return true
}

// closeModule drops the module's func values, then closes it.
//
//go:noinline
func closeModule(mods []*Mod, k int, name string) {
	c := mods[k].Close
	*mods[k] = Mod{}
	mods[k] = nil
	fmt.Printf("close %s: %v\n", name, c())
}

// perms lists every order of 0..n-1.
func perms(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range perms(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}
