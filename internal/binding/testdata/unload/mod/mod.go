// Package mod is loaded and closed by the unload tests: a goroutine that
// stays inside the module, and a value of a module-defined type that the
// host keeps.
package mod

import "fmt"

var (
	release = make(chan struct{})
	started = make(chan struct{})
)

// Block starts a goroutine that waits inside the module until Release.
func Block() {
	go func() {
		close(started)
		<-release
	}()
	<-started
}

// Release lets Block's goroutine return.
func Release() { close(release) }

// T is defined only here: its descriptor lives in the module.
type T struct {
	N    int
	Name string
}

func (t T) String() string { return fmt.Sprintf("T(%d, %s)", t.N, t.Name) }

// Twice is called through an interface by the host.
func (t T) Twice() int { return 2 * t.N }

// New returns a T in an interface, as a plugin's factory would.
func New(n int) any { return T{n, "module"} }

// Answer replaces the host's answer in the PatchHost check.
func Answer() int { return 4242 }

// Big is larger than the largest size class: Go 1.22+ keeps its type only
// in its span (mspan.largeType), not in the object.
type Big struct {
	P   *int
	Pad [5000]int
}

// Interior returns a pointer into a fresh Big, which holds nothing else
// of the module: only its type ties it to the module.
func Interior() *int {
	b := new(Big)
	n := 7
	b.P = &n
	return &b.Pad[10]
}
