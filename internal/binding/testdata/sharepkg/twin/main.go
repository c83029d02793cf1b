// The sharepkg check linked natively: usea and useb in one binary, one
// shared. Its output is the ground truth of the loaded run.
package main

import (
	"os"

	"github.com/goload/goload/internal/binding/testdata/sharepkg/script"
	"github.com/goload/goload/internal/binding/testdata/sharepkg/usea"
	"github.com/goload/goload/internal/binding/testdata/sharepkg/useb"
)

func main() {
	script.Run(os.Stdout, script.A{
		Next: usea.Next, Make: usea.Make, MakePtr: usea.MakePtr, MakeStringer: usea.MakeStringer, MakeSlice: usea.MakeSlice,
		MapMethods: usea.MapMethods,
	}, script.B{
		Next: useb.Next, Make: useb.Make, IsTok: useb.IsTok, IsTokPtr: useb.IsTokPtr, StringerIsTok: useb.StringerIsTok,
		IsTokSlice: useb.IsTokSlice, Describe: useb.Describe, SameType: useb.SameType,
	})
}
