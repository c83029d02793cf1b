// Package hostpkg is linked into testdata/openpkg/drophost, which never
// calls Scaled: the host's linker drops it, and a loaded package that
// calls it gets it from this package's archive while Counter stays the
// host's.
package hostpkg

var Counter int

func Bump() int {
	Counter++
	return Counter
}

//go:noinline
func Scaled(k int) int { return Counter * k }
