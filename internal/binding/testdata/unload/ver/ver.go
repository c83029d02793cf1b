// Package ver, major version 1: loaded side by side with v2 (same package
// name, other module path, other answers).
package ver

// Info is a type of both versions, under two paths.
type Info struct{ Major int }

// Major is this version.
const Major = 1

func (i Info) Describe() string { return "ver v" + string(rune('0'+i.Major)) }

var calls int

// Answer counts its calls in this version's own variable.
func Answer() (string, int) {
	calls++
	return Info{1}.Describe(), calls
}

// Kept holds whatever the host stores here (a value of the other version).
var Kept any

// Get returns an Info of this version in an interface.
func Get() any { return Info{Major} }

// Array returns a value of an unnamed type the host does not have: each
// version links its own descriptor, and the later module's typemap
// (runtime typelinksinit) maps it to the earlier one's.
func Array() any { return [7]int16{Major} }
