// Package sigs is the fixture of goload.Lookup's signature check: functions
// over basic, host and named types, methods with value and pointer
// receivers, and a generic function instantiated in the package.
package sigs

import (
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/goload/goload/internal/binding/testdata/fix/sigtypes"
)

func Double(n int) int { return 2 * n }

func Join(parts []string, sep string) string { return strings.Join(parts, sep) }

func Count(words []string) map[string]int {
	m := map[string]int{}
	for _, w := range words {
		m[w]++
	}
	return m
}

func Check(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	return nil
}

func ReadAll(r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	return string(b), err
}

func Sum(xs ...int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

func Move(p *sigtypes.Point, dx int) sigtypes.Point {
	p.X += dx
	return *p
}

func Keys(m map[string]int) []string {
	return Sorted(Map(m, func(k string, _ int) string { return k }))
}

// Map and Sorted are instantiated here (Map[string,int,string], Sorted[string]).
func Map[K comparable, V, R any](m map[K]V, f func(K, V) R) []R {
	var out []R
	for k, v := range m {
		out = append(out, f(k, v))
	}
	return out
}

func Sorted[T interface{ ~string | ~int }](xs []T) []T {
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	return xs
}

type Counter struct{ n int }

func NewCounter(n int) *Counter { return &Counter{n} }

func (c Counter) Get() int { return c.n }

func (c *Counter) Add(d int) *Counter {
	c.n += d
	return c
}
