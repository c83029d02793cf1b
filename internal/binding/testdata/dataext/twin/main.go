// The native twin of ../host.
package main

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/dataext/hv"
	"github.com/goload/goload/internal/binding/testdata/dataext/modv"
	"github.com/goload/goload/internal/binding/testdata/dataext/modw"
)

func main() {
	fmt.Println("used", hv.Used())
	fmt.Println("w", modw.Run())
	for i := 0; i < 2; i++ {
		fmt.Println("run", modv.Run())
		fmt.Println("close:", error(nil))
	}
}
