// Load benchmark (bench/load.sh): the plain fixture loaded by goload
// against the same package built with -buildmode=plugin, and a call into
// loaded code against a call into the same code linked into the host.
package main

import (
	"fmt"
	"os"
	"plugin"
	"strings"
	"time"

	"github.com/goload/goload"
	twin "github.com/goload/goload/testdata/fix/twin/plain"
)

const pkg = "github.com/goload/goload/testdata/fix/plain"

// sink keeps the call loops from being optimized away; it also holds
// strings.ToUpper, which the loaded package calls and a host keeps only
// when something references it.
var sink int
var keep = strings.ToUpper

func perCall(f func(int, int) int, n int) time.Duration {
	t0 := time.Now()
	s := 0
	for i := 0; i < n; i++ {
		s = f(s, i)
	}
	sink += s
	return time.Since(t0) / time.Duration(n)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: benchhost ARCHIVE PLUGIN.so")
		os.Exit(2)
	}
	archive, so := os.Args[1], os.Args[2]
	_ = keep("")

	t0 := time.Now()
	m, err := goload.Open(archive)
	if err != nil {
		panic(err)
	}
	add, err := goload.Lookup[func(int, int) int](m, pkg+".Add")
	if err != nil {
		panic(err)
	}
	tLoad := time.Since(t0)

	t0 = time.Now()
	p, err := plugin.Open(so)
	if err != nil {
		panic(err)
	}
	sym, err := p.Lookup("Add")
	if err != nil {
		panic(err)
	}
	padd := *sym.(*func(int, int) int)
	tPlugin := time.Since(t0)

	const n = 200_000_000
	var linked func(int, int) int = twin.Add // an indirect call, like the loaded one
	perCall(add, n/10)                       // warm up
	dLoaded, dLinked, dPlugin := perCall(add, n), perCall(linked, n), perCall(padd, n)

	st, err := os.Stat(so)
	if err != nil {
		panic(err)
	}
	fmt.Printf("(a) archive to callable: goload %v, plugin.Open %v, ratio %.2f\n", tLoad, tPlugin, float64(tLoad)/float64(tPlugin))
	fmt.Printf("(b) ns per call: loaded %.3f, linked into the host %.3f, ratio %.2f (plugin %.3f)\n",
		float64(dLoaded.Nanoseconds()), float64(dLinked.Nanoseconds()), float64(dLoaded)/float64(dLinked), float64(dPlugin.Nanoseconds()))
	fmt.Printf("(c) bytes: goload maps %d, plugin .so is %d bytes, ratio %.4f\n", m.MappedBytes(), st.Size(), float64(m.MappedBytes())/float64(st.Size()))
	closeTimes(m, archive)
}

// closeTimes prints what Close costs: this module, then the mean over
// fresh Open+Close cycles (a plugin cannot be closed at all).
func closeTimes(m *goload.Module, archive string) {
	t0 := time.Now()
	if err := m.Close(); err != nil {
		panic(err)
	}
	first := time.Since(t0)
	const cycles = 20
	var total time.Duration
	for i := 0; i < cycles; i++ {
		m, err := goload.Open(archive)
		if err != nil {
			panic(err)
		}
		t0 := time.Now()
		if err := m.Close(); err != nil {
			panic(err)
		}
		total += time.Since(t0)
	}
	fmt.Printf("(d) Close: %.2f ms, mean over %d Open+Close cycles %.2f ms per Close (plugin: no Close)\n",
		float64(first.Microseconds())/1000, cycles, float64(total.Microseconds())/1000/cycles)
}
