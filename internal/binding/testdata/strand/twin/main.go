// The native twin of testdata/strand/host's default run.
package main

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/strand/hx"
	"github.com/goload/goload/internal/binding/testdata/strand/lack"
	"github.com/goload/goload/internal/binding/testdata/strand/moda"
	"github.com/goload/goload/internal/binding/testdata/strand/modb"
)

var keep any = &lack.T{N: 21}

func main() {
	fmt.Println("used", hx.Used())
	fmt.Println("a", moda.Run(keep))
	fmt.Println("b", modb.Run())
	fmt.Println("close a: <nil>")
	fmt.Println("close b: <nil>")
}
