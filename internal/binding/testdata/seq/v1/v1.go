// Package v1 is version 1 of the fix the sequence tester (seq_test.go)
// loads, looks up, installs over host functions and closes. Each function
// answers x plus its own code id, so a caller can tell which code ran.
package v1

// Calls counts the calls of the module's functions: module data written
// by its code.
var Calls int

//go:noinline
func F0(x int) int { Calls++; return x + 1000 }

//go:noinline
func F1(x int) int { Calls++; return x + 1001 }

//go:noinline
func F2(x int) int { Calls++; return x + 1002 }

//go:noinline
func F3(x int) int { Calls++; return x + 1003 }

// Name has another signature: Lookup as func(int) int and patches of a
// func(int) int target by it are refused.
//
//go:noinline
func Name(s string) string { return "v1 " + s }
