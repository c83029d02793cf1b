// The native twin: maker linked in.
package main

import (
	"github.com/goload/goload/internal/binding/testdata/typeonly/maker"
	"github.com/goload/goload/internal/binding/testdata/typeonly/script"
)

func main() { script.Run(maker.New, maker.NewAny, maker.KindAny, maker.Is) }
