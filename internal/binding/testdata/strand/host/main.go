// A host with lack's *T in an interface but none of lack's code, and hx
// without Lookup. Default: moda fills the host's entries of *lack.T's
// Double and Half, modb then needs a host extension (linked after moda);
// moda's Close must not be refused for it (the extension makes no
// interface call of them). "caller ARCHIVE": modcall (Open, no copy)
// calls Double through the host's table: moda's Close is refused, naming
// it, until it is closed.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/strand/hx"
	"github.com/goload/goload/internal/binding/testdata/strand/lack"
)

const prefix = "github.com/goload/goload/internal/binding/testdata/strand/mod"

var keep any = &lack.T{N: 21}

func main() {
	fmt.Println("used", hx.Used())
	a, err := goload.OpenPackage(context.Background(), prefix+"a", nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	runA, err := goload.Lookup[func(any) int](a, prefix+"a.Run")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Println("a", runA(keep))
	runA = nil
	if len(os.Args) == 3 && os.Args[1] == "caller" {
		caller(a, os.Args[2])
		return
	}
	b, err := goload.OpenPackage(context.Background(), prefix+"b", nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	runB, err := goload.Lookup[func() int](b, prefix+"b.Run")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Println("b", runB())
	runB = nil
	fmt.Println("close a:", a.Close())
	fmt.Println("close b:", b.Close())
}

func caller(a *goload.Module, archive string) {
	c, err := goload.Open(archive)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	run, err := goload.Lookup[func(any) int](c, prefix+"call.Run")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Println("call", run(keep))
	fmt.Println("close a:", a.Close())
	fmt.Println("call", run(keep))
	run = nil
	fmt.Println("close call:", c.Close())
	fmt.Println("close a:", a.Close())
}
