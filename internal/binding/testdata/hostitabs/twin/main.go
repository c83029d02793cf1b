// The probe run natively: the ground truth for the loaded run.
package main

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/hostitabs/probe"
)

func main() { fmt.Print(probe.Run()) }
