// A host with mime's and hp's readers (drive.HostReads): its linker keeps
// mime's lazy init and tables and hp's variables.
package main

import (
	"github.com/goload/goload/internal/binding/testdata/persist/drive"
	"github.com/goload/goload/internal/binding/testdata/persist/loaded"
)

func main() { loaded.Run(drive.HostReads) }
