// Ground truth for the init order test: the same packages linked by the Go
// toolchain, printing the order their initializers ran in.
package main

import (
	"fmt"
	"strings"

	_ "github.com/goload/goload/internal/binding/testdata/fix/inita"
	"github.com/goload/goload/internal/binding/testdata/fix/initb"
)

func main() { fmt.Println(strings.Join(initb.Log, " ")) }
