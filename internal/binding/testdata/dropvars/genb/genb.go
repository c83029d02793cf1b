// Package genb instantiates gen.Nearby[int], as gena does.
package genb

import "github.com/goload/goload/internal/binding/testdata/dropvars/gen"

func Near(x int) []int { return gen.Nearby([]int{2, 4, 8, 16, 32}, x, 6) }

func NearF(x float64) []float64 { return gen.Nearby([]float64{0.5, 1.5, 2.5}, x, 1) }
