// Package gena instantiates gen.Nearby[int], as genb does.
package gena

import "github.com/goload/goload/internal/binding/testdata/dropvars/gen"

func Near(x int) []int { return gen.Nearby([]int{1, 5, 9, 12, 20}, x, 4) }
