// Package feat exercises the language features a loaded package must be
// able to use: methods, closures, maps, interfaces both ways, type
// switches, generics, goroutines, panics, deep recursion, heap pointers in
// globals. Each exported Check* function returns "" or what went wrong.
package feat

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Point has value and pointer receiver methods.
type Point struct{ X, Y int }

func (p Point) Sum() int       { return p.X + p.Y }
func (p *Point) Scale(k int)   { p.X *= k; p.Y *= k }
func (p Point) String() string { return "(" + strconv.Itoa(p.X) + "," + strconv.Itoa(p.Y) + ")" }

// Shape is implemented by loaded types and called by the host.
type Shape interface{ Area() int }

type Rect struct{ W, H int }

func (r Rect) Area() int { return r.W * r.H }

// NewShape hands a loaded type to the host behind a host interface.
func NewShape(w, h int) fmt.Stringer { return Point{w, h} }

// Stringify calls a host type through a host interface.
func Stringify(v fmt.Stringer) string { return "<" + v.String() + ">" }

// Kinds of a type switch over host and loaded types.
func Kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		return "int " + strconv.Itoa(x)
	case string:
		return "string " + x
	case Point:
		return "Point " + x.String()
	case *Point:
		return "*Point"
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "Stringer " + x.String()
	case []int:
		return "[]int " + strconv.Itoa(len(x))
	}
	return "other"
}

// byLen sorts strings by length through sort.Interface.
type byLen []string

func (s byLen) Len() int { return len(s) }
func (s byLen) Less(i, j int) bool {
	return len(s[i]) < len(s[j]) || len(s[i]) == len(s[j]) && s[i] < s[j]
}
func (s byLen) Swap(i, j int) { s[i], s[j] = s[j], s[i] }

func SortByLen(in []string) []string {
	out := append([]string(nil), in...)
	sort.Sort(byLen(out))
	return out
}

// Counter returns a closure over a captured variable.
func Counter() func() int {
	n := 0
	return func() int { n++; return n }
}

// WordCount uses a map.
func WordCount(s string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.Fields(s) {
		m[w]++
	}
	return m
}

// Number is a generic constraint.
type Number interface{ ~int | ~int64 | ~float64 }

func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Generics() string {
	return fmt.Sprint(Sum([]int{1, 2, 3}), " ", Sum([]float64{1.5, 2.5}), " ",
		strings.Join(Map([]int{1, 2}, strconv.Itoa), "+"), " ", Map([]string{"a", "bb"}, func(s string) int { return len(s) }))
}

// Fanout runs n goroutines that each send on a channel; select collects.
func Fanout(n int) int {
	ch := make(chan int, 64)
	done := make(chan struct{})
	for i := 0; i < n; i++ {
		go func(i int) { ch <- i % 7 }(i)
	}
	total := 0
	go func() {
		for k := 0; k < n; k++ {
			total += <-ch
		}
		close(done)
	}()
	for {
		select {
		case <-done:
			return total
		}
	}
}

var ErrBoom = errors.New("boom")

// Recovered panics and recovers through a deferred call.
func Recovered() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint("recovered: ", r)
		}
	}()
	var m map[string]int
	m["x"] = 1 // panics: assignment to entry in nil map
	return "no panic"
}

// Panic panics with a loaded error value.
func Panic() { panic(fmt.Errorf("wrapped: %w", ErrBoom)) }

// Deep recurses n frames (forces stack growth and copying).
func Deep(n int) int {
	var pad [8]int
	pad[n%8] = n
	if n == 0 {
		return 0
	}
	return Deep(n-1) + 1 + pad[(n+1)%8]
}

// Held keeps heap pointers in package variables.
var Held []*Point
var held map[string][]byte

func Hold(n int) {
	held = map[string][]byte{}
	for i := 0; i < n; i++ {
		Held = append(Held, &Point{i, -i})
		held[strconv.Itoa(i)] = []byte(strings.Repeat("x", i%32+1))
	}
}

func CheckHeld(n int) string {
	if len(Held) != n || len(held) != n {
		return fmt.Sprintf("len %d/%d, want %d", len(Held), len(held), n)
	}
	for i, p := range Held {
		if p.X != i || p.Y != -i {
			return fmt.Sprintf("Held[%d] = %v", i, *p)
		}
		if b := held[strconv.Itoa(i)]; len(b) != i%32+1 || strings.Trim(string(b), "x") != "" {
			return fmt.Sprintf("held[%d] = %q", i, b)
		}
	}
	return ""
}
