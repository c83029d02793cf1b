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

// Meter goes into the host's Scaler itab, but the host never calls Scale:
// its linker drops Meter.Scale (the itab slot is runtime.unreachableMethod,
// the method table's entries -1) and a loaded package calling it supplies
// it from this package's archive until it is closed.
type Meter int

//go:noinline
func (m Meter) Scale(k int) int { return int(m) * k }

func (m Meter) Unit() string { return "m" }

type Scaler interface {
	Scale(int) int
	Unit() string
}

// Scaler2 has no static itab with Meter: the runtime builds one when
// loaded code asserts a Meter to it.
type Scaler2 interface{ Scale(int) int }

// Scaler3 is Scaler2 again (another interface type, another itab): the
// host asserts a Meter to it only while a module supplies Scale, so its
// type-assertion cache keeps an itab built with the module's method.
type Scaler3 interface{ Scale(int) int }

var Kept Scaler
