// The test host: a plain `go build` program that uses goload the way a
// user's program would. load_test.go builds it and runs one check per
// invocation; each check prints "ok" or fails with a message.
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"runtime"
	"strings"

	"github.com/goload/goload"
)

// Loaded fixtures call these; a host keeps only what it uses.
var keep = []any{strings.ToUpper, strings.Repeat, strings.Trim}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: host check | plain ARCHIVE", len(keep))
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "check":
		err = goload.Check()
	case "plain":
		err = plain(os.Args[2:])
	case "feat":
		err = feat(os.Args[2:])
	case "std":
		err = std(os.Args[2:])
	case "asm":
		err = asm(os.Args[2:])
	case "init":
		err = initOrder(os.Args[2:])
	case "crash":
		err = crash(os.Args[2:])
	case "reuse":
		err = reuse(os.Args[2:])
	case "multi":
		err = multi(os.Args[2:])
	case "mismatch":
		err = mismatch(os.Args[2:])
	case "sigs":
		err = sigs(os.Args[2:])
	case "unload":
		err = unload(os.Args[2:])
	case "layout":
		err = layoutCheck(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("ok")
}

const plainPkg = "github.com/goload/goload/internal/binding/testdata/fix/plain"

func plain(archives []string) error {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	add, err := goload.Lookup[func(int, int) int](m, plainPkg+".Add")
	if err != nil {
		return err
	}
	if got := add(40, 2); got != 42 {
		return fmt.Errorf("Add(40, 2) = %d", got)
	}
	// The init function ran: greeting was set before Greet is called.
	greet, err := goload.Lookup[func(string) string](m, plainPkg+".Greet")
	if err != nil {
		return err
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
		if got := greet("gopher"); got != "hello, GOPHER" {
			return fmt.Errorf("Greet(gopher) = %q", got)
		}
	}
	fib, err := goload.Lookup[func(int) int](m, plainPkg+".Fib")
	if err != nil {
		return err
	}
	if got := fib(25); got != 75025 {
		return fmt.Errorf("Fib(25) = %d", got)
	}
	calls, err := goload.Lookup[*int](m, plainPkg+".calls")
	if err != nil {
		return err
	}
	if *calls != 4 {
		return fmt.Errorf("calls = %d after 4 calls", *calls)
	}
	if _, err := goload.Lookup[func(int, int) int](m, plainPkg+".Fib"); err == nil {
		return fmt.Errorf("Lookup of Fib as func(int, int) int succeeded")
	}
	if _, err := goload.Lookup[*int](m, plainPkg+".Fib"); err == nil {
		return fmt.Errorf("Lookup of the function Fib as *int succeeded")
	}
	if _, err := goload.Lookup[*string](m, plainPkg+".calls"); err == nil {
		return fmt.Errorf("Lookup of calls as *string succeeded")
	}
	// The runtime knows the loaded code: the symbol table names it.
	f := runtime.FuncForPC(reflect.ValueOf(fib).Pointer())
	if f == nil || f.Name() != plainPkg+".Fib" {
		return fmt.Errorf("FuncForPC(Fib) = %v", f)
	}
	file, line := f.FileLine(f.Entry())
	if want := declLine(file, "Fib"); !strings.HasSuffix(file, "testdata/fix/plain/plain.go") || line != want {
		return fmt.Errorf("Fib is at %s:%d, its declaration at line %d", file, line, want)
	}
	return nil
}

// declLine is the line of a function's declaration, by go/parser.
func declLine(file, name string) int {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		return -1
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
			return fset.Position(fd.Pos()).Line
		}
	}
	return -1
}

// comparer returns a check that prints what matches and collects in fails
// what a loaded function returned differently from the host's copy.
func comparer(fails *[]string) func(what string, got, want any) {
	return func(what string, got, want any) {
		if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
			*fails = append(*fails, fmt.Sprintf("%s: loaded %q, host %q", what, g, w))
		} else {
			fmt.Printf("%s: %s\n", what, g)
		}
	}
}
