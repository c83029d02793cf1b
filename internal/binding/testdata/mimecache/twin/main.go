// The twin: drive.Run on ../mod linked natively; the argument says which
// host it stands for (host: drive.HostReads, hostnone: drive.Reopen).
package main

import (
	"os"

	"github.com/goload/goload/internal/binding/testdata/mimecache/drive"
	"github.com/goload/goload/internal/binding/testdata/mimecache/mod"
)

func main() {
	after := drive.HostReads
	if os.Args[1] == "hostnone" {
		after = drive.Reopen
	}
	drive.Run(func() drive.Mod {
		return drive.Mod{Add: mod.Add, Type: mod.Type, Exts: mod.Exts, Close: func() error { return nil }}
	}, after)
}
