package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/goload/goload"
	twinasm "github.com/goload/goload/internal/binding/testdata/fix/twin/asmfix"
	twinfeat "github.com/goload/goload/internal/binding/testdata/fix/twin/feat"
	twin "github.com/goload/goload/internal/binding/testdata/fix/twin/stdfix"
)

const stdPkg = "github.com/goload/goload/internal/binding/testdata/fix/stdfix"

func std(archives []string) error {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	var fails []string
	check := comparer(&fails)
	jsonFn, err := goload.Lookup[func() string](m, stdPkg+".JSON")
	if err != nil {
		return err
	}
	check("encoding/json round trip", jsonFn(), twin.JSON())
	reflectFn, err := goload.Lookup[func() string](m, stdPkg+".Reflect")
	if err != nil {
		return err
	}
	// The package paths differ (twin is another package): compare the rest.
	check("reflect", strings.ReplaceAll(reflectFn(), stdPkg, "P"), strings.ReplaceAll(twin.Reflect(), "github.com/goload/goload/internal/binding/testdata/fix/twin/stdfix", "P"))
	serve, err := goload.Lookup[func() (string, error)](m, stdPkg+".Serve")
	if err != nil {
		return err
	}
	addr, err := serve()
	if err != nil {
		return err
	}
	taddr, err := twin.Serve()
	if err != nil {
		return err
	}
	get := func(addr string) string {
		resp, err := http.Post("http://"+addr+"/hello", "text/plain", strings.NewReader("host"))
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	check("net/http server in loaded code", get(addr), strings.ReplaceAll(get(taddr), "twin/", ""))

	spin, err := goload.Lookup[func(int) int](m, stdPkg+".Spin")
	if err != nil {
		return err
	}
	check("spin", spin(1000), twin.Spin(1000))
	var prof bytes.Buffer
	if err := pprof.StartCPUProfile(&prof); err != nil {
		return err
	}
	for t0 := time.Now(); time.Since(t0) < 400*time.Millisecond; {
		spin(1 << 20)
	}
	pprof.StopCPUProfile()
	zr, err := gzip.NewReader(&prof)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return err
	}
	check("pprof names the loaded function", bytes.Contains(raw, []byte(stdPkg+".Spin")), true)
	if len(fails) > 0 {
		return errors.New(strings.Join(fails, "\n"))
	}
	return nil
}

const asmPkg = "github.com/goload/goload/internal/binding/testdata/fix/asmfix"

func asm(archives []string) error {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	sum, err := goload.Lookup[func([]int64) int64](m, asmPkg+".Sum")
	if err != nil {
		return err
	}
	add, err := goload.Lookup[func(int64, int64) int64](m, asmPkg+".AddAsm")
	if err != nil {
		return err
	}
	xs := []int64{1, 2, 3, 1 << 40}
	if got, want := sum(xs), twinasm.Sum(xs); got != want {
		return fmt.Errorf("Sum = %d, host %d", got, want)
	}
	if got, want := add(-5, 7), twinasm.AddAsm(-5, 7); got != want {
		return fmt.Errorf("AddAsm = %d, host %d", got, want)
	}
	fmt.Println("asm:", sum(xs))
	return nil
}

func initOrder(archives []string) error {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	log, err := goload.Lookup[*[]string](m, "github.com/goload/goload/internal/binding/testdata/fix/initb.Log")
	if err != nil {
		return err
	}
	fmt.Println(strings.Join(*log, " "))
	return nil
}

// crash lets a loaded function's panic go unrecovered.
func crash(archives []string) error {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	p, err := goload.Lookup[func()](m, featPkg+".Panic")
	if err != nil {
		return err
	}
	p()
	return errors.New("Panic returned")
}

// mismatch expects Open to fail with an error containing each of args[1:]
// (args[0] is the archive).
func mismatch(args []string) error {
	_, err := goload.Open(args[0])
	if err == nil {
		return errors.New("Open succeeded")
	}
	for _, want := range args[1:] {
		if !strings.Contains(err.Error(), want) {
			return fmt.Errorf("error %q does not mention %q", err, want)
		}
	}
	fmt.Println(err)
	return nil
}

// multi loads each archive as its own module, in order, then runs the
// plain and feat checks against the modules already registered.
func multi(archives []string) error {
	if err := plain(archives[:1]); err != nil {
		return fmt.Errorf("first module: %w", err)
	}
	if err := feat(archives[1:2]); err != nil {
		return fmt.Errorf("second module: %w", err)
	}
	return std(archives[2:3])
}

// reuse: archives[0] uses twin/feat, which this host contains; archives[1]
// is twin/feat's own archive, which must be reused, not loaded again.
func reuse(archives []string) error {
	m, err := goload.Open(archives...)
	if err != nil {
		return err
	}
	heldLen, err := goload.Lookup[func() int](m, "github.com/goload/goload/internal/binding/testdata/fix/usestwin.HeldLen")
	if err != nil {
		return err
	}
	grow, err := goload.Lookup[func(int)](m, "github.com/goload/goload/internal/binding/testdata/fix/usestwin.Grow")
	if err != nil {
		return err
	}
	twinfeat.Hold(3)
	if got := heldLen(); got != len(twinfeat.Held) {
		return fmt.Errorf("loaded code sees %d held, the host %d", got, len(twinfeat.Held))
	}
	grow(4)
	if got := heldLen(); got != len(twinfeat.Held) || got != 7 {
		return fmt.Errorf("after Grow(4): loaded code sees %d held, the host %d", got, len(twinfeat.Held))
	}
	if _, err := goload.Lookup[func()](m, "github.com/goload/goload/internal/binding/testdata/fix/twin/feat.Panic"); err == nil {
		return errors.New("the reused package's functions were loaded again")
	}
	if _, err := goload.Open(archives[1]); err == nil || !strings.Contains(err.Error(), "host already has") {
		return fmt.Errorf("loading only a package the host has: %v", err)
	}
	return nil
}
