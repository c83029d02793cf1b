//go:build withcgo
// +build withcgo

package main

// static int twice(int x) { return 2 * x; }
import "C"

func extra() int { return int(C.twice(21)) }
