// Package modcall calls Double through an interface on the host's *lack.T,
// with no copy of its own (opened with Open): it reaches moda's code
// through the host's method table.
package modcall

func Run(x any) int { return x.(interface{ Double() int }).Double() }
