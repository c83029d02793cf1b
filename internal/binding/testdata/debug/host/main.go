// A host for the perf and gdb tests (debug_perf_test.go,
// debug_gdb_test.go). Usage:
//
//	host spin ARCHIVE SECONDS   load package hot (goload.Open), run hot.Spin for SECONDS
//	host spinpkg DIR SECONDS    the same through OpenPackage with NoPerfMap and NoGDB
//	host call ARCHIVE           load package hot, call hot.Outer (gdb stops in hot.Inner)
//	host close ARCHIVE          load, call hot.Outer, then Close: gdb stops in
//	                            main.beforeClose and main.afterClose
//	host patch ARCHIVE          patch main.banner (a patch trampoline)
//
// It prints its pid and the entry of hot.Spin (or hot.Inner). With
// GOLOAD_TEST_WAIT=1 it waits for a line on stdin after printing its pid.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"time"

	"github.com/goload/goload"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/debug/hot."

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
}

// innerPC is hot.Inner's entry, for gdb's `info symbol` around Close.
var innerPC uintptr

//go:noinline
func hostCaller(outer func(int) int) int { return outer(1) }

//go:noinline
func beforeClose() { innerPC++; innerPC-- }

//go:noinline
func afterClose() { innerPC++; innerPC-- }

//go:noinline
func banner(s string) string { return "hello, " + s }

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: host spin|spinpkg|call|close|patch ARCHIVE|DIR [SECONDS]")
	}
	fmt.Println("pid", os.Getpid())
	if os.Getenv("GOLOAD_TEST_WAIT") == "1" {
		bufio.NewReader(os.Stdin).ReadString('\n') //nolint:errcheck
	}
	var m *goload.Module
	var err error
	if args[0] == "spinpkg" {
		m, err = goload.OpenPackage(context.Background(), "./testdata/debug/hot",
			&goload.OpenOptions{Dir: args[1], NoPerfMap: true, NoGDB: true})
	} else {
		m, err = goload.Open(args[1])
	}
	if err != nil {
		return err
	}
	switch args[0] {
	case "spin", "spinpkg":
		spin, err := goload.Lookup[func(int) int](m, pkg+"Spin")
		if err != nil {
			return err
		}
		fmt.Printf("Spin 0x%x\n", reflect.ValueOf(spin).Pointer())
		secs, _ := strconv.Atoi(args[2])
		end, n := time.Now().Add(time.Duration(secs)*time.Second), 0
		for time.Now().Before(end) {
			n += spin(1 << 20)
		}
		fmt.Println("spun", n > 0)
	case "call", "close":
		outer, err := goload.Lookup[func(int) int](m, pkg+"Outer")
		if err != nil {
			return err
		}
		inner, err := goload.Lookup[func(int) int](m, pkg+"Inner")
		if err != nil {
			return err
		}
		innerPC = reflect.ValueOf(inner).Pointer()
		fmt.Printf("Inner 0x%x\n", innerPC)
		fmt.Println("outer", hostCaller(outer))
		if args[0] == "close" {
			outer, inner = nil, nil
			beforeClose()
			if err := m.Close(); err != nil {
				return err
			}
			afterClose()
			fmt.Println("closed")
		}
	case "patch":
		p, err := goload.Patch(banner, func(s string) string { return "hi, " + s })
		if err != nil {
			return err
		}
		fmt.Println(banner("gopher"))
		if err := p.Revert(); err != nil {
			return err
		}
		fmt.Println(banner("gopher"))
	}
	return nil
}
