// Package drive is what the hosts (through goload) and the twin (natively)
// all run: the module's calls and its Close, then either what the host's
// own code reads from mime's tables (HostReads: ../host has mime's
// readers, so the module uses the host's copy of mime's lazy init) or what
// a fresh copy of the module reads (Reopen: ../hostnone has none of them,
// so the module brings its own mime.once, initMime and builtinTypesLower).
package drive

import (
	"fmt"
	"mime"
)

// Mod is the module's functions and its Close (the twin's does nothing).
type Mod struct {
	Add   func() error
	Type  func(string) string
	Exts  func(string) []string
	Close func() error
}

func Run(open func() Mod, after func(open func() Mod)) {
	m := open()
	fmt.Println("add:", m.Add())
	fmt.Println("module .rtf:", m.Type(".rtf"), "| .goload:", m.Type(".goload"), "|", m.Exts("application/x-goload"))
	fmt.Println("close:", m.Close())
	after(open)
}

func HostReads(func() Mod) {
	e, _ := mime.ExtensionsByType("application/x-goload")
	fmt.Println("host .goload:", mime.TypeByExtension(".goload"), "|", e, "| .rtf:", mime.TypeByExtension(".rtf"))
}

func Reopen(open func() Mod) {
	m := open()
	fmt.Println("reopened .rtf:", m.Type(".rtf"), "|", m.Exts("application/rtf"))
	fmt.Println("close:", m.Close())
}
