// First-use figures (issue 14): what the FIRST goload.Check, Open, Close
// and NewPatch of a process cost, each measured in a fresh process (the
// one-time work of the first Open would otherwise hide in the first
// NewPatch, and the reverse). Built with -tags withplugin it also imports
// plugin, as bench/load.sh's host does: the linker then exports every Go
// symbol in .dynsym and leaves symbol relocations' words zero in the file.
//
//	firsthost open ARCHIVE   first Open (+Lookup), its phases, first Close and its phases
//	firsthost patch          first NewPatch
//	firsthost checkpatch     goload.CheckPatch, then the first NewPatch
//	firsthost check          goload.Check, then Open's host index as it remains
//	firsthost image          goload.Check, and the anonymous memory it added
//	                         against the executable's size (smaps_rollup)
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/goload/goload"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/fix/plain"

//go:noinline
func double(x int) int { return 2 * x }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: firsthost open ARCHIVE | patch | check ARCHIVE")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "check":
		t0 := time.Now()
		if err := goload.Check(); err != nil {
			panic(err)
		}
		fmt.Printf("check %.3f ms\n", ms(time.Since(t0)))
		if len(os.Args) > 2 {
			open(os.Args[2])
		}
	case "open":
		open(os.Args[2])
		fmt.Println("ok")
	case "image":
		before := anonKB()
		if err := goload.Check(); err != nil {
			panic(err)
		}
		st, err := os.Stat("/proc/self/exe")
		if err != nil {
			panic(err)
		}
		fmt.Printf("image: check added %d kB anonymous memory; the executable is %d kB\n", anonKB()-before, st.Size()/1024)
	case "patch", "checkpatch":
		if os.Args[1] == "checkpatch" {
			t0 := time.Now()
			if err := goload.CheckPatch(); err != nil {
				panic(err)
			}
			fmt.Printf("checkpatch %.3f ms\n", ms(time.Since(t0)))
		}
		t0 := time.Now()
		p, err := goload.NewPatch(double, func(x int) int { return 3 * x })
		if err != nil {
			panic(err)
		}
		d := time.Since(t0)
		t0 = time.Now()
		if _, err := goload.NewPatch(double, func(x int) int { return 4 * x }); err != nil {
			panic(err)
		}
		fmt.Printf("newpatch first %.3f ms, again %.3f ms\n", ms(d), ms(time.Since(t0)))
		// The first Apply waits for the membarrier registration that
		// the first NewPatch left running on its own thread.
		if err := goload.Apply(p); err != nil {
			panic(err)
		}
		if got := double(2); got != 6 {
			panic(fmt.Sprintf("patched double(2) = %d, want 6", got))
		}
		if err := p.Revert(); err != nil {
			panic(err)
		}
		if got := double(2); got != 4 {
			panic(fmt.Sprintf("reverted double(2) = %d, want 4", got))
		}
		fmt.Println("ok")
	}
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func open(archive string) {
	t0 := time.Now()
	m, err := goload.Open(archive)
	if err != nil {
		panic(err)
	}
	add, err := goload.Lookup[func(int, int) int](m, pkg+".Add")
	if err != nil {
		panic(err)
	}
	d := time.Since(t0)
	if add(2, 3) != 5 {
		panic("Add")
	}
	fmt.Printf("open first %.3f ms: %s\n", ms(d), m.Timings().OpenString())
	t0 = time.Now()
	if err := m.Close(); err != nil {
		panic(err)
	}
	d = time.Since(t0)
	fmt.Printf("close first %.3f ms: %s\n", ms(d), m.Timings().CloseString())
}

// anonKB is the process's anonymous memory (Anonymous: in smaps_rollup).
func anonKB() int64 {
	f, err := os.Open("/proc/self/smaps_rollup")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Anonymous:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				panic(err)
			}
			return n
		}
	}
	panic("no Anonymous: in smaps_rollup")
}
