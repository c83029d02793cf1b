// Package fi is compiled by test_goobj_compile with `go tool compile -S`:
// a bit of everything the compiler emits (methods, closures, generics,
// interfaces, globals, maps, defers, inlining across packages, TLS, large
// frames) so the object carries many symbol kinds, flags and relocations.
package fi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

type Shape interface {
	Area() float64
	Name() string
}

type Rect struct{ W, H float64 }
type Circle struct{ R float64 }

func (r Rect) Area() float64    { return r.W * r.H }
func (r Rect) Name() string     { return "rect " + strconv.FormatFloat(r.W, 'g', -1, 64) }
func (c *Circle) Area() float64 { return 3.14159 * c.R * c.R }
func (c *Circle) Name() string  { return fmt.Sprintf("circle %g", c.R) }

var (
	registry = map[string]Shape{"unit": Rect{1, 1}}
	mu       sync.Mutex
	counter  int
	table    = [...]int{1, 2, 3, 5, 8, 13}
	ErrEmpty = errors.New("fi: empty")
)

func Sum[T int | float64](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Total(shapes []Shape) (float64, error) {
	if len(shapes) == 0 {
		return 0, ErrEmpty
	}
	mu.Lock()
	defer mu.Unlock()
	counter++
	areas := make([]float64, 0, len(shapes))
	for _, s := range shapes {
		areas = append(areas, s.Area())
	}
	return Sum(areas), nil
}

func Names(shapes []Shape) string {
	var b strings.Builder
	for i, s := range shapes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(s.Name())
	}
	return b.String()
}

func Counter() func() int {
	n := Sum(table[:])
	return func() int { n++; return n }
}

func Big(i int) int {
	var buf [4096]byte
	for j := range buf {
		buf[j] = byte(i + j)
	}
	return int(buf[i%len(buf)]) + Sum([]int{i, len(registry)})
}

func Panicky(xs []int, i int) (r int, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("recovered: %v", e)
		}
	}()
	return xs[i] / (i - 1), nil
}
