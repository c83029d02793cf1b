// A host that links hostpkg but never calls hostpkg.Scaled nor
// hostpkg.Meter.Scale; it loads dropfix, which calls both, then closes it
// (the host's dropped entries are written back), checks that the host
// still works and loads it again.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/openpkg/hostpkg"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/openpkg/dropfix"

// keptS holds an interface whose itab the runtime built for loaded code.
var keptS hostpkg.Scaler2

// assert2 is the host's own assertion to Scaler2 (never before the load:
// an itab built then would cache runtime.unreachableMethod).
var assert2 = func(x any) bool { _, ok := x.(hostpkg.Scaler2); return ok }

func main() {
	hostpkg.Counter = 20
	hostpkg.Bump()
	hostpkg.Kept = hostpkg.Meter(3)
	fmt.Println("unit", hostpkg.Kept.Unit())
	for round := 1; round <= 2; round++ {
		if err := load(round); err != nil {
			fmt.Println("FAIL:", err)
			return
		}
		// The module is gone: the host's own code still runs, and its
		// assertion gets an itab without the module's method.
		fmt.Printf("after close: unit %s, Meter(4) is a Scaler2: %v, kept %v\n", hostpkg.Kept.Unit(), assert2(hostpkg.Meter(4)), hostpkg.Kept)
	}
	if err := later(); err != nil {
		fmt.Println("FAIL:", err)
	}
	for round := 4; round <= 5; round++ {
		if err := cached(round); err != nil {
			fmt.Println("FAIL:", err)
		}
	}
}

// as3 is the host's assertion to Scaler3; its cache (Go 1.22+) keeps the
// itab getitab built on its first call, which round 4 makes while the
// module supplies Meter.Scale.
//
//go:noinline
func as3(x any) hostpkg.Scaler3 { s, _ := x.(hostpkg.Scaler3); return s }

// cached: round 4 builds the (Meter, Scaler3) itab with the module's Scale
// and closes the module; round 5 loads the package again and calls Scale
// through the itab the host's cache still returns (the closed module's
// Scale is gone: the itab must have the new one).
func cached(round int) error {
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		return err
	}
	call, err := goload.Lookup[func(hostpkg.Scaler3, int) int](m, pkg+".CallScale3")
	if err != nil {
		return err
	}
	// The runtime fills an assertion's cache on about one call in 1,024
	// (runtime.typeAssert): 100,000 calls fill it.
	for i := 0; i < 100000; i++ {
		as3(hostpkg.Meter(i))
	}
	fmt.Printf("round %d: via the host's cached assertion %d\n", round, call(as3(hostpkg.Meter(round)), 10))
	call = nil
	fmt.Printf("round %d: close: %v\n", round, m.Close())
	return nil
}

// later opens droplater while dropfix's module supplies Meter.Scale: the
// second records its own copy, and Close of the first hands the host's
// entries over to it.
func later() error {
	a, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		return err
	}
	const pkgB = "github.com/goload/goload/internal/binding/testdata/openpkg/droplater"
	b, err := goload.OpenPackage(context.Background(), pkgB, nil)
	if err != nil {
		return err
	}
	viaB, err := goload.Lookup[func() int](b, pkgB+".ViaHostItab")
	if err != nil {
		return err
	}
	fmt.Printf("round 3: the later module via host itab %d\n", viaB())
	fmt.Printf("round 3: close the first: %v\n", a.Close())
	fmt.Printf("round 3: the later module via host itab %d\n", viaB())
	viaB = nil
	fmt.Printf("round 3: close the later: %v\n", b.Close())
	return nil
}

func load(round int) error {
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		return err
	}
	twice, err := goload.Lookup[func() int](m, pkg+".Twice")
	if err != nil {
		return err
	}
	add, err := goload.Lookup[func()](m, pkg+".Add100")
	if err != nil {
		return err
	}
	viaHost, err := goload.Lookup[func() int](m, pkg+".ViaHostItab")
	if err != nil {
		return err
	}
	viaRuntime, err := goload.Lookup[func(any) int](m, pkg+".ViaRuntimeItab")
	if err != nil {
		return err
	}
	as2, err := goload.Lookup[func(any) hostpkg.Scaler2](m, pkg+".AsScaler2")
	if err != nil {
		return err
	}
	if round == 1 {
		fmt.Printf("counter %d twice %d\n", hostpkg.Counter, twice())
		add()
		fmt.Printf("counter %d twice %d\n", hostpkg.Counter, twice())
	}
	fmt.Printf("round %d: via host itab %d, via runtime itab %d\n", round, viaHost(), viaRuntime(hostpkg.Meter(4)))
	keptS = as2(hostpkg.Meter(2)) // not called here: the host would keep Scale
	twice, add, viaHost, viaRuntime, as2 = nil, nil, nil, nil, nil
	// Round 1: keptS's itab was built for the loaded code and calls it:
	// Close refuses. Round 2: the host's own assertion (after round 1)
	// built that itab, and the load filled its slot: Close writes the
	// slot back, and nothing calls into the module any more.
	err = m.Close()
	fmt.Printf("round %d: close with keptS set: %v\n", round, err)
	if err != nil {
		keptS = nil
		fmt.Printf("round %d: close: %v\n", round, m.Close())
	}
	return nil
}
