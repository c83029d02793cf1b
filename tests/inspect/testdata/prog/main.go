// A test program for goload inspect: methods, interfaces, generics (1.18+),
// closures and a known inlining chain (leaf is inlined into middle, which
// is inlined into outer).
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

type Shape interface {
	Area() float64
	Name() string
}

type Rect struct{ W, H float64 }

func (r Rect) Area() float64  { return r.W * r.H }
func (r Rect) Name() string    { return "rect" }
func (r *Rect) Scale(k float64) { r.W *= k; r.H *= k }

type Circle struct{ R float64 }

func (c *Circle) Area() float64 { return 3 * c.R * c.R }
func (c *Circle) Name() string  { return "circle" }

func leaf(x int) int { return x*7 + len(os.Args) }

func middle(x int) int { return leaf(x+1) * 3 }

func outer(x int) int { return middle(x) + 1 }

//go:noinline
func noinline(xs []int) int {
	s := 0
	for _, x := range xs {
		s += outer(x)
	}
	return s
}

func main() {
	shapes := []Shape{Rect{2, 3}, &Circle{1}}
	sort.Slice(shapes, func(i, j int) bool { return shapes[i].Area() < shapes[j].Area() })
	names := Map(shapes, func(s Shape) string { return strings.ToUpper(s.Name()) })
	r := &Rect{1, 1}
	r.Scale(2)
	fmt.Println(names, r.Area(), noinline([]int{1, 2, 3}), extra())
}
