// A host whose own code imports only fmt (and context, which goload
// itself imports): it loads testdata/openpkg/webfix with OpenPackage and
// prints what each of its functions returns, like ../twin.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
)

const pkg = "github.com/goload/goload/testdata/openpkg/webfix"

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
	// sync's pools) now hold the module's strings and types: Close
	// refuses, naming them, and the module keeps working.
	fmt.Println("close:", m.Close())
	if f, err := goload.Lookup[func() string](m, pkg+".Regexp"); err == nil {
		fmt.Println("after close:", f())
	}
}
