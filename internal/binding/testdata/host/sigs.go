package main

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/fix/sigtypes"
	twin "github.com/goload/goload/internal/binding/testdata/fix/twin/sigs"
)

const (
	sigsPkg     = "github.com/goload/goload/internal/binding/testdata/fix/sigs"
	twinSigsPkg = "github.com/goload/goload/internal/binding/testdata/fix/twin/sigs"
)

// linkSpell spells a signature of the fixture as the linker does: reflect's
// package names replaced by paths (sigs by the given one).
func linkSpell(t reflect.Type, sigs string) string {
	s := strings.ReplaceAll(t.String(), "sigtypes.", reflect.TypeOf(sigtypes.Point{}).PkgPath()+".")
	return strings.ReplaceAll(s, "sigs.", sigs+".")
}

// lookupLike looks name up with the type of the host's twin of it: the
// ground truth for the right signature is the same source compiled here.
func lookupLike[T any](m *goload.Module, name string, twinFn T) (T, error) {
	return goload.Lookup[T](m, sigsPkg+"."+name)
}

// wrongSig looks name up as T and wants an error that names the symbol,
// the object's signature (the twin's, spelled with the loaded package's
// path) and T.
func wrongSig[T any](m *goload.Module, name string, twinFn any) string {
	_, err := goload.Lookup[T](m, sigsPkg+"."+name)
	var zero T
	obj := linkSpell(reflect.TypeOf(twinFn), sigsPkg)
	asked := linkSpell(reflect.TypeOf(zero), twinSigsPkg)
	switch {
	case err == nil:
		return fmt.Sprintf("%s looked up as %s: no error", name, asked)
	case !strings.Contains(err.Error(), sigsPkg+"."+name) || !strings.Contains(err.Error(), obj+" in the object") ||
		!strings.Contains(err.Error(), "not "+asked):
		return fmt.Sprintf("%s looked up as %s: error %q does not name the symbol, %s and %s", name, asked, err, obj, asked)
	}
	fmt.Printf("refused: %v\n", err)
	return ""
}

func sigs(archives []string) error {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	var fails []string
	check := comparer(&fails)
	must := func(what string, err error) {
		if err != nil {
			fails = append(fails, what+": "+err.Error())
		}
	}
	double, err := lookupLike(m, "Double", twin.Double)
	must("Double", err)
	join, err := lookupLike(m, "Join", twin.Join)
	must("Join", err)
	count, err := lookupLike(m, "Count", twin.Count)
	must("Count", err)
	chk, err := lookupLike(m, "Check", twin.Check)
	must("Check", err)
	readAll, err := lookupLike(m, "ReadAll", twin.ReadAll)
	must("ReadAll", err)
	sum, err := lookupLike(m, "Sum", twin.Sum)
	must("Sum", err)
	move, err := lookupLike(m, "Move", twin.Move)
	must("Move", err)
	keys, err := lookupLike(m, "Keys", twin.Keys)
	must("Keys", err)
	mapFn, err := lookupLike(m, "Map[string,int,string]", twin.Map[string, int, string])
	must("Map[string,int,string]", err)
	sorted, err := lookupLike(m, "Sorted[string]", twin.Sorted[string])
	must("Sorted[string]", err)
	if len(fails) > 0 {
		return errors.New(strings.Join(fails, "\n"))
	}
	check("Double", double(21), twin.Double(21))
	check("Join", join([]string{"a", "b"}, "+"), twin.Join([]string{"a", "b"}, "+"))
	check("Count", count([]string{"x", "y", "x"}), twin.Count([]string{"x", "y", "x"}))
	check("Check", chk(""), twin.Check(""))
	s, e := readAll(strings.NewReader("reader"))
	ts, te := twin.ReadAll(strings.NewReader("reader"))
	check("ReadAll", fmt.Sprint(s, e), fmt.Sprint(ts, te))
	check("Sum", sum(1, 2, 3), twin.Sum(1, 2, 3))
	p, tp := sigtypes.Point{X: 1, Y: 2}, sigtypes.Point{X: 1, Y: 2}
	check("Move", move(&p, 3), twin.Move(&tp, 3))
	check("Keys", keys(map[string]int{"b": 1, "a": 2}), twin.Keys(map[string]int{"b": 1, "a": 2}))
	up := func(k string, v int) string { return strings.Repeat(k, v) }
	check("Map[string,int,string]", len(mapFn(map[string]int{"a": 2}, up)), len(twin.Map(map[string]int{"a": 2}, up)))
	check("Sorted[string]", sorted([]string{"b", "a"}), twin.Sorted([]string{"b", "a"}))

	for _, f := range []string{
		wrongSig[func(int) string](m, "Double", twin.Double),
		wrongSig[func(string) int](m, "Double", twin.Double),
		wrongSig[func(int, int) int](m, "Double", twin.Double),
		wrongSig[func([]string) int](m, "Count", twin.Count),
		wrongSig[func(io.Writer) (string, error)](m, "ReadAll", twin.ReadAll),
		wrongSig[func(string) any](m, "Check", twin.Check),
		wrongSig[func(sigtypes.Point, int) sigtypes.Point](m, "Move", twin.Move),
		// Methods: the receiver is the loaded package's type, which the
		// host cannot name; the twin's is refused and the error spells
		// the loaded one, receiver first.
		wrongSig[func(twin.Counter) int](m, "Counter.Get", twin.Counter.Get),
		wrongSig[func(*twin.Counter, int) *twin.Counter](m, "(*Counter).Add", (*twin.Counter).Add),
	} {
		if f != "" {
			fails = append(fails, f)
		}
	}
	// (*Counter).Get, the compiler's wrapper of Counter.Get, is checked by
	// argument frame size only: wrappers' DWARF may leave parameters out.
	if _, err := goload.Lookup[func([]string) []string](m, sigsPkg+".Sorted[go.shape.string]"); err == nil {
		fails = append(fails, "the shape function Sorted[go.shape.string] was looked up")
	}
	if len(fails) > 0 {
		return errors.New(strings.Join(fails, "\n"))
	}
	return nil
}
