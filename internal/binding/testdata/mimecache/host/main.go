// A host whose own code reads mime's tables (drive.HostReads) after the
// loaded module's Close; ../hostnone has none of mime's readers.
package main

import (
	"github.com/goload/goload/internal/binding/testdata/mimecache/drive"
	"github.com/goload/goload/internal/binding/testdata/mimecache/loaded"
)

func main() { loaded.Run(drive.HostReads) }
