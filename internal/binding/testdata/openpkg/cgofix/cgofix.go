// Package cgofix needs C code: OpenPackage refuses it.
package cgofix

// static int twice(int x) { return 2 * x; }
import "C"

func Twice(x int) int { return int(C.twice(C.int(x))) }
