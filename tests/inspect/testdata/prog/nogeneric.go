//go:build !go1.18
// +build !go1.18

package main

// Map for toolchains without generics (the Go 1.2 pclntab era).
func Map(xs []Shape, f func(Shape) string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
