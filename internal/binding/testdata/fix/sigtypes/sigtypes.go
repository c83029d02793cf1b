// Package sigtypes holds named types that both the test host and the
// loaded sigs fixture use: the host has them, so loaded code shares them.
package sigtypes

// Point is a named struct passed by value and by pointer.
type Point struct{ X, Y int }
