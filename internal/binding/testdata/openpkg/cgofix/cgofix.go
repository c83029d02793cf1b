// Package cgofix needs C code: OpenPackage loads it with its C object.
package cgofix

// static int twice(int x) { return 2 * x; }
import "C"

func Twice(x int) int { return int(C.twice(C.int(x))) }
