package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/goload/goload"
	twin "github.com/goload/goload/internal/binding/testdata/fix/twin/feat"
)

const featPkg = "github.com/goload/goload/internal/binding/testdata/fix/feat"

// lookup panics on failure: a missing symbol is a loader bug here.
func lookup[T any](m *goload.Module, name string) T {
	v, err := goload.Lookup[T](m, featPkg+"."+name)
	if err != nil {
		panic(err)
	}
	return v
}

// feat loads the feat fixture and compares each loaded function with the
// same source compiled into this host (package twin, a symlink).
func feat(archives []string) (err error) {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	var fails []string
	check := comparer(&fails)
	newShape := lookup[func(int, int) fmt.Stringer](m, "NewShape")
	stringify := lookup[func(fmt.Stringer) string](m, "Stringify")
	kind := lookup[func(any) string](m, "Kind")
	check("method via host interface", newShape(3, 4).String(), twin.NewShape(3, 4).String())
	check("host type via host interface", stringify(time.Duration(1500)*time.Millisecond), twin.Stringify(time.Duration(1500)*time.Millisecond))
	check("loaded type via loaded code", stringify(newShape(5, 6)), twin.Stringify(twin.NewShape(5, 6)))
	for _, v := range []any{7, "s", nil, errors.New("e"), time.Second, []int{1, 2}, 1.5} {
		check(fmt.Sprintf("type switch %T", v), kind(v), twin.Kind(v))
	}
	check("type switch loaded Point", kind(newShape(1, 2)), twin.Kind(twin.NewShape(1, 2)))
	check("type switch loaded Point again (cached)", kind(newShape(1, 2)), twin.Kind(twin.NewShape(1, 2)))
	check("sort.Sort", lookup[func([]string) []string](m, "SortByLen")([]string{"ccc", "a", "bb", "aa"}), twin.SortByLen([]string{"ccc", "a", "bb", "aa"}))
	c := lookup[func() func() int](m, "Counter")()
	c()
	tc := twin.Counter()
	tc()
	check("closure", c(), tc())
	check("map", lookup[func(string) map[string]int](m, "WordCount")("a b a c b a"), twin.WordCount("a b a c b a"))
	check("generics", lookup[func() string](m, "Generics")(), twin.Generics())
	check("50000 goroutines", lookup[func(int) int](m, "Fanout")(50000), twin.Fanout(50000))
	check("recover", lookup[func() string](m, "Recovered")(), twin.Recovered())
	check("deep recursion", lookup[func(int) int](m, "Deep")(100000), twin.Deep(100000))
	hold := lookup[func(int)](m, "Hold")
	checkHeld := lookup[func(int) string](m, "CheckHeld")
	hold(2000)
	for i := 0; i < 20; i++ {
		runtime.GC()
		_ = make([]byte, 1<<20)
	}
	check("heap pointers in globals after GC", checkHeld(2000), "")
	fails = append(fails, panicCheck(lookup[func()](m, "Panic"))...)
	fails = append(fails, wxCheck()...)
	if len(fails) > 0 {
		return errors.New(strings.Join(fails, "\n"))
	}
	return nil
}

// panicCheck recovers a panic raised by loaded code and checks that the
// runtime's view of the panicking frames names the loaded function.
func panicCheck(p func()) (fails []string) {
	defer func() {
		r := recover()
		err, ok := r.(error)
		if !ok || err.Error() != "wrapped: boom" {
			fails = append(fails, fmt.Sprintf("panic value %v", r))
			return
		}
		pcs := make([]uintptr, 32)
		n := runtime.Callers(0, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		for {
			f, more := frames.Next()
			if f.Function == featPkg+".Panic" {
				if !strings.HasSuffix(f.File, "testdata/fix/feat/feat.go") || f.Line != declLine(f.File, "Panic") {
					fails = append(fails, fmt.Sprintf("panic frame at %s:%d", f.File, f.Line))
				}
				fmt.Printf("panic frame: %s %s:%d\n", f.Function, f.File, f.Line)
				return
			}
			if !more {
				break
			}
		}
		fails = append(fails, "runtime.Callers during the panic does not show "+featPkg+".Panic")
	}()
	p()
	return []string{"Panic returned"}
}

// wxCheck: while loaded code runs, no mapping is writable and executable.
func wxCheck() (fails []string) {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return []string{err.Error()}
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || len(f[1]) < 3 {
			return []string{"unreadable maps line " + line}
		}
		n++
		if f[1][1] == 'w' && f[1][2] == 'x' {
			fails = append(fails, "writable and executable mapping: "+line)
		}
	}
	fmt.Printf("W^X: %d mappings, none writable and executable\n", n)
	return fails
}
