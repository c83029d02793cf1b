// Package plain is the first loading fixture: plain functions over ints
// and strings, a package variable and an init function.
package plain

import "strings"

var calls int

var greeting string

func init() { greeting = "hello" }

// Add is the simplest possible loaded function.
func Add(a, b int) int {
	calls++
	return a + b
}

// Greet concatenates strings and calls the host's strings package.
func Greet(name string) string {
	calls++
	return greeting + ", " + strings.ToUpper(name)
}

// Calls counts the calls made into the package.
func Calls() int { return calls }

// Fib recurses.
func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}
