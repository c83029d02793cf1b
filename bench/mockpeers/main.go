// Mocking, side by side (issue 14: "a test suite that mocks with goload
// pays 50 ms per mock; mockey pays about 1 ms and gomonkey 0.2 ms"): the
// first mock of a process and the mock of a new target, each tool in
// fresh processes of this one executable, medians printed with goload's
// ratio to each. A mock here is what a test does: replace, call, restore.
//
//	goload    goload.Patch (NewPatch + Apply: the world stopped, every
//	          goroutine checked, inlined copies refused), Revert
//	goload+   the same after goload.CheckPatch at the process's start
//	mockey    mockey.Mock(f).To(g).Build(), UnPatch
//	gomonkey  gomonkey.ApplyFunc(f, g), Reset (writes while other threads
//	          run, no check of inlined copies)
//
// Each child mocks 40 new targets after its first and checks every result.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agiledragon/gomonkey/v2"
	"github.com/bytedance/mockey"
	"github.com/goload/goload"
)

//go:noinline
func sink(x int) int { return x ^ 0x55 }

//go:noinline
func repl(x int) int { return -x }

// mock replaces f by repl, checks a call, and restores f.
type mock func(f func(int) int) (restore func(), err error)

var tools = map[string]mock{
	"goload": func(f func(int) int) (func(), error) {
		p, err := goload.Patch(f, repl)
		if err != nil {
			return nil, err
		}
		return func() {
			if err := p.Revert(); err != nil {
				panic(err)
			}
		}, nil
	},
	"mockey": func(f func(int) int) (func(), error) {
		m := mockey.Mock(f).To(repl).Build()
		return func() { m.UnPatch() }, nil
	},
	"gomonkey": func(f func(int) int) (func(), error) {
		p := gomonkey.ApplyFunc(f, repl)
		return p.Reset, nil
	},
}

const order = "goload goload+ mockey gomonkey"

func main() {
	if len(os.Args) > 1 {
		child(os.Args[1])
		return
	}
	const runs = 15
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	first, next := map[string][]float64{}, map[string][]float64{}
	for i := 0; i < runs; i++ {
		for _, name := range strings.Fields(order) {
			cmd := exec.Command(self, name)
			out, err := cmd.CombinedOutput()
			if err != nil {
				panic(fmt.Sprintf("%s: %v\n%s", name, err, out))
			}
			f := strings.Fields(string(out))
			a, _ := strconv.ParseFloat(f[0], 64)
			b, _ := strconv.ParseFloat(f[1], 64)
			first[name] = append(first[name], a)
			next[name] = append(next[name], b)
		}
	}
	fmt.Printf("one mock = replace, one checked call, restore; medians over %d fresh processes each\n", runs)
	fmt.Printf("%-9s %18s %22s\n", "", "1st of a process", "a new target (p50)")
	for _, name := range strings.Fields(order) {
		fmt.Printf("%-9s %15.1f µs %19.1f µs\n", name, med(first[name]), med(next[name]))
	}
	for _, peer := range []string{"mockey", "gomonkey"} {
		fmt.Printf("goload / %s: 1st %.2f (after CheckPatch %.2f), a new target %.2f\n", peer,
			med(first["goload"])/med(first[peer]), med(first["goload+"])/med(first[peer]), med(next["goload"])/med(next[peer]))
	}
}

func med(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// child mocks t0, then each of the 40 targets, and prints the first
// mock's µs and the p50 of the others.
func child(name string) {
	tool := tools[strings.TrimSuffix(name, "+")]
	if name == "goload+" {
		if err := goload.CheckPatch(); err != nil {
			panic(err)
		}
	}
	one := func(f func(int) int, x int) time.Duration {
		t0 := time.Now()
		restore, err := tool(f)
		if err != nil {
			panic(err)
		}
		if got := f(x); got != -x {
			panic(fmt.Sprintf("%s: mocked call gave %d, want %d", name, got, -x))
		}
		restore()
		d := time.Since(t0)
		if got := f(x); got == -x {
			panic(fmt.Sprintf("%s: restored call still mocked", name))
		}
		return d
	}
	d0 := one(t0, 3)
	var ds []float64
	for i, f := range targets() {
		ds = append(ds, float64(one(f, i+2).Nanoseconds())/1e3)
	}
	fmt.Println(float64(d0.Nanoseconds())/1e3, med(ds))
}
