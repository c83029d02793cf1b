// Package greet is loaded into a running program by scripts/demo.sh.
package greet

import "fmt"

var greeted int

func init() { greeted = 100 }

// Greet counts its calls in a package variable initialized by init.
func Greet(name string) string {
	greeted++
	return fmt.Sprintf("hello, %s: loaded code speaking (call #%d)", name, greeted)
}
