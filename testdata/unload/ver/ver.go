// Package ver, major version 1: loaded side by side with v2 (same package
// name, other module path, other answers).
package ver

// Info is a type of both versions, under two paths.
type Info struct{ Major int }

func (i Info) Describe() string { return "ver v" + string(rune('0'+i.Major)) }

var calls int

// Answer counts its calls in this version's own variable.
func Answer() (string, int) {
	calls++
	return Info{1}.Describe(), calls
}
