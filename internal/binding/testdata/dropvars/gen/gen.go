// Package gen has a generic function with a closure: every package that
// instantiates it compiles its own copy of Nearby[int].func1 (Go 1.21
// names it without a shape), and a load of two such packages must accept
// both, as the Go linker does.
package gen

import "sort"

// Nearby returns the elements of xs within d of x, nearest first.
func Nearby[T int | float64](xs []T, x, d T) []T {
	var out []T
	abs := func(v T) T {
		if v < 0 {
			return -v
		}
		return v
	}
	for _, v := range xs {
		if abs(v-x) <= d {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return abs(out[i]-x) < abs(out[j]-x) })
	return out
}
