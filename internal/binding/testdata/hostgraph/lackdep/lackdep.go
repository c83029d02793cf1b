// Package lackdep is imported by ../hg alone, and only by code of hg the
// hosts never call: their linker drops all of lackdep (the host "lacks"
// it), though it is a package of the host's build. Its variables are
// state: in a normal build they have one copy for the process's life.
package lackdep

import "strings"

var (
	total int
	names []string
)

func Add(name string) int {
	total++
	names = append(names, strings.Clone(name))
	return total
}

func Summary() string { return strings.Join(names, ",") }
