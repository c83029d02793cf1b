// ../host without mime's readers (drive.Reopen instead of drive.HostReads):
// its linker drops mime.once, initMime, builtinTypesLower and the table
// functions, which the module then takes from mime's archive.
package main

import (
	"github.com/goload/goload/internal/binding/testdata/mimecache/drive"
	"github.com/goload/goload/internal/binding/testdata/mimecache/loaded"
)

func main() { loaded.Run(drive.Reopen) }
