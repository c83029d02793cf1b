// Package shared is imported by two packages that are loaded in separate
// modules while the host lacks it: the process must hold one copy of it
// (one counter, one type Tok), as a normal build does.
package shared

import (
	"fmt"
	"reflect"
	"sync"
)

// Tok is a type both users pass around.
type Tok struct {
	N     int
	Label string
}

func (t Tok) String() string { return fmt.Sprintf("Tok(%d, %s)", t.N, t.Label) }

// Bump has a pointer receiver: *Tok has a method set of its own.
func (t *Tok) Bump() { t.N++ }

var counter int

// Next counts every call in the process.
func Next() int {
	counter++
	return counter
}

var (
	release = make(chan struct{})
	started = make(chan struct{})
)

// Block starts a goroutine that waits inside the package until Release:
// Close of its module is refused meanwhile.
func Block() {
	go func() {
		close(started)
		<-release
	}()
	<-started
}

// Release lets Block's goroutine return.
func Release() { close(release) }

// Namer is an interface of the package: its method types are offsets the
// runtime resolves when it compares types of two modules.
type Namer interface {
	Name() string
	Tok() Tok
}

func (t Tok) Tok() Tok { return t }

// UseNamer takes the interface.
func UseNamer(n Namer) string { return n.Tok().String() }

func (t Tok) Name() string { return t.Label }

// MapMethods describes methods of *sync.Map through reflect. The host has
// sync but not this descriptor: the loaded module takes it from sync's
// archive, and its methods' types are type offsets to descriptors the
// host has (func(func(interface {}, interface {}) bool)). (Store and Load:
// their types are nowhere, and -1 stands for them, as the Go linker
// writes for unreachable ones: reflect fails on them.)
func MapMethods() string {
	t := reflect.TypeOf(&sync.Map{})
	s := t.String()
	for _, name := range []string{"Range"} {
		m, _ := t.MethodByName(name)
		s += fmt.Sprintf("; %s %v", m.Name, m.Type)
	}
	return s
}
