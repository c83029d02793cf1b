// A host that imports the packages fix uses but calls none of what fix
// calls, so its linker drops the variables those functions need; it loads
// the package named by its argument with OpenPackage and prints what each
// of its functions returns, like ../twin.
package main

import (
	"context"
	"fmt"
	"html"
	"mime"
	"os"
	"regexp"
	"time"

	"github.com/goload/goload"
)

func main() {
	// Each keeps its package in the host without what fix needs.
	fmt.Println(regexp.QuoteMeta("a.b"), html.EscapeString("<"), mime.FormatMediaType("text/plain", nil), time.Duration(90)*time.Second)
	pkg := os.Args[1]
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
}
