// Package drive holds the assertions of the peers' test programs, written
// once and run twice: by the host (host/), which loads each test package
// with goload.OpenPackage, and by a twin (twin/<case>/) that imports the
// same package natively (built with -tags goload_native). peers_test.go
// compares the two outputs line by line.
//
// What both print comes from P (and from the loaded code itself). Checks
// that only make sense for a loaded package (a refused Close naming its
// holder, a refused type mismatch) print "load: ok ..." or "load: FAIL
// ..." lines in the host only; the test strips them before comparing and
// fails on any FAIL.
package drive

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// A Case is one peer test program.
type Case struct {
	Name   string
	Origin string // the peer's test this adapts
	Run    func()
	// Syms are the symbols the case looks up, per package (full import
	// path): the twin's main lists them (gentwins writes it). A name
	// starting with & is a variable.
	Syms map[string][]string
	// Refusable, if set, is a refusal goload may answer instead of loading
	// (no case has one since cgo packages load): the host prints
	// "refused: ..." and the test counts the case as refused, not passed.
	Refusable string
}

// Cases returns the registered cases.
func Cases() map[string]*Case { return cases }

var cases = map[string]*Case{}

func register(c *Case) { cases[c.Name] = c }

// Names lists the cases, sorted.
func Names() []string {
	var ns []string
	for n := range cases {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// P prints a line both the host and the twin print.
func P(format string, a ...any) {
	fmt.Fprintf(os.Stdout, format+"\n", a...)
}

// Check records a check about loading itself (host only).
func Check(ok bool, format string, a ...any) {
	if !Loaded {
		return
	}
	if ok {
		fmt.Fprintf(os.Stdout, "load: ok "+format+"\n", a...)
	} else {
		fmt.Fprintf(os.Stdout, "load: FAIL "+format+"\n", a...)
	}
}

// Note prints a host-only line that is no check ("load: note ...").
func Note(format string, a ...any) {
	if Loaded {
		fmt.Fprintf(os.Stdout, "load: note "+format+"\n", a...)
	}
}

type abort struct{ msg string }

// Fatal ends the case: what went wrong is printed as "ABORT: ...".
func Fatal(format string, a ...any) { panic(abort{fmt.Sprintf(format, a...)}) }

// Must ends the case on a non-nil error.
func Must(err error, what string) {
	if err != nil {
		Fatal("%s: %v", what, err)
	}
}

// A Mod is a loaded module (host) or the natively linked package (twin).
type Mod struct {
	Pkg    string
	impl   modImpl
	closed bool // by CloseBefore
}

// Get returns the package's symbol name (a function as a func value, a
// variable as a pointer), as goload.Lookup does; the case ends when it
// cannot.
func Get[T any](m *Mod, name string) T {
	v, err := get[T](m, name)
	if err != nil {
		Fatal("lookup %s.%s: %v", m.Pkg, name, err)
	}
	return v
}

// Open loads pkg (host) or returns its native symbols (twin); the case
// ends when it cannot.
func Open(pkg string) *Mod {
	m, err := OpenErr(pkg)
	if err != nil {
		Fatal("open %s: %s", pkg, firstLine(err.Error()))
	}
	return m
}

// OpenErr is Open returning the error.
func OpenErr(pkg string) (*Mod, error) { return open(pkg) }

// Close unloads the module and prints "close: ok", or the first reason it
// was refused (the twin always prints "close: ok"). A refusal is retried
// a bounded number of times: a goroutine the module started may still be
// on its way out (the peers wait for them the same way).
func (m *Mod) Close() {
	if m.closed {
		P("close %s: ok", short(m.Pkg))
		return
	}
	err := m.CloseErr()
	for i := 0; err != nil && i < 10 && closeRetryable(err); i++ {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
		err = m.CloseErr()
	}
	if err != nil {
		P("close %s: %s", short(m.Pkg), firstLine(err.Error()))
		Note("close refused in full: %v", err)
		return
	}
	P("close %s: ok", short(m.Pkg))
}

// CloseBefore is the peers' Close of an earlier module while a later one
// is open. goload keeps one copy of a package per process: when later
// reuses m's copy of a package, m's Close is refused naming later, until
// later is closed (checked here, host only). Either way nothing is
// printed: m.Close(), after later's, prints m's "close: ok" (m closes
// then when it was refused now), so host and twin print the same lines.
func (m *Mod) CloseBefore(later *Mod) {
	err := m.CloseErr()
	for i := 0; err != nil && i < 10 && closeRetryable(err); i++ {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
		err = m.CloseErr()
	}
	if err == nil {
		m.closed = true
		return
	}
	names := "module " + later.name() + " uses its copy of "
	Check(strings.Contains(err.Error(), names), "close %s refused while module 2 reuses its packages, naming module 2", short(m.Pkg))
	Note("close refused in full: %v", err)
}

func short(pkg string) string { return pkg[strings.LastIndex(pkg, "/")+1:] }

// firstLine is an error on one line (its lines joined), at most 600 bytes.
func firstLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 600 {
		s = s[:600] + "..."
	}
	return s
}

// WaitGoroutines waits (bounded: 500 x 20 ms) for the number of
// goroutines to be at most n, and says whether it got there.
func WaitGoroutines(n int) bool {
	for i := 0; i < 500; i++ {
		if runtime.NumGoroutine() <= n {
			return true
		}
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	return runtime.NumGoroutine() <= n
}

// Run runs one case, printing "ABORT: ..." or "PANIC: ..." if it ends
// early, then "done".
func Run(name string) int {
	c := cases[name]
	if c == nil {
		fmt.Fprintf(os.Stderr, "no case %q (cases: %s)\n", name, strings.Join(Names(), " "))
		return 2
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if a, ok := r.(abort); ok {
					P("ABORT: %s", a.msg)
				} else {
					P("PANIC: %v", r)
				}
			}
		}()
		c.Run()
	}()
	P("done")
	return 0
}
