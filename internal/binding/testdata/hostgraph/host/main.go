// The host: imports fmt, goload and ../drive (so hg, of which it calls
// only Version); its linker drops hg's other code, all of lackdep and
// path, and io/fs.Glob. "seq" or "overlap" runs drive's sequence on the
// modules loaded with goload.OpenPackage.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/drive"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/hostgraph/mod"

func open(name string) func() drive.Mod {
	return func() drive.Mod {
		m, err := goload.OpenPackage(context.Background(), pkg+name, nil)
		return mod(name, m, err)
	}
}

// mod is the opened module's Run and Close; any error ends the host.
func mod(name string, m *goload.Module, err error) drive.Mod {
	if err != nil {
		fmt.Println("FAIL: open", name+":", err)
		os.Exit(1)
	}
	run, err := goload.Lookup[func() string](m, pkg+name+".Run")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	return drive.Mod{Run: run, Close: m.Close}
}

func main() {
	switch os.Args[1] {
	case "seq":
		drive.Seq(open("a"), open("b"))
	case "overlap":
		drive.Overlap(open("c"), open("d"))
	case "openfirst": // Open (mode, with lackdep's archive), then OpenPackage (modf)
		e := openArchives("e", os.Args[2:])
		f := open("f")()
		fmt.Println(e.Run())
		fmt.Println(f.Run())
		closeAll(f, e)
	case "pkgfirst": // OpenPackage (modf), closed, then Open (mode)
		f := open("f")()
		fmt.Println(f.Run())
		closeAll(f)
		e := openArchives("e", os.Args[2:])
		fmt.Println(e.Run())
		closeAll(e)
	}
}

func openArchives(name string, archives []string) drive.Mod {
	m, err := goload.Open(archives...)
	return mod(name, m, err)
}

func closeAll(ms ...drive.Mod) {
	for _, m := range ms {
		if err := m.Close(); err != nil {
			fmt.Println("close:", err)
		}
	}
	fmt.Println("closed")
}
