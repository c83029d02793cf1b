// A host whose own code imports only fmt (and context, which goload
// itself imports): it loads testdata/openpkg/webfix with OpenPackage and
// prints what each of its functions returns, like ../twin.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/openpkg/webfix"

func main() {
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	names, err := goload.Lookup[*[]string](m, pkg+".Names")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	for _, name := range *names {
		f, err := goload.Lookup[func() string](m, pkg+"."+name)
		if err != nil {
			fmt.Println("FAIL:", err)
			return
		}
		fmt.Printf("%s: %s\n", name, f())
	}
	fmt.Printf("mapped %d bytes\n", m.MappedBytes())
	// The host's caches (internal/godebug's settings, reflect's layouts,
	// sync's pools) hold the module's strings and types: Close drops
	// those entries. It still refuses where a real holder remains (the
	// module's unique package's cleanup goroutine on Go 1.23, a cleanup
	// of net/netip's interned zone on 1.24+): the module keeps working.
	err = m.Close()
	fmt.Println("close:", err)
	if err == nil {
		type pt struct {
			X, Y int
			L    string
		}
		fmt.Printf("after close: host %v %+v %q\n", []pt{{1, 2, "a"}}, map[string]pt{"k": {3, 4, "b"}}, fmt.Sprint(3.5, true))
	} else if f, err := goload.Lookup[func() string](m, pkg+".Regexp"); err == nil {
		fmt.Println("after close:", f())
	}
}
