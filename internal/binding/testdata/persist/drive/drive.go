// Package drive is what the hosts (through goload) and the twin (natively)
// run: module A (../moda) writes mime's tables and hp's variables and
// closes; module B (../modb) reads them; A is opened again. In a normal
// build each of those variables has one copy for the life of the process.
package drive

import (
	"fmt"
	"mime"

	"github.com/goload/goload/internal/binding/testdata/persist/hp"
)

// A and B are the modules' functions and their Close (the twin's does
// nothing). HeldBy is what Close says while hp's hook holds module A: the
// twin has no Close, and stands for goload's refusal naming hp.hook.
type A struct {
	Add               func() error
	Put               func(string)
	Get               func(string) string
	HostHook, OwnHook func()
	CallHook          func() string
	Close             func() error
	HeldBy            func() string
}

type B struct {
	Type     func(string) string
	Exts     func(string) []string
	Get      func(string) string
	CallHook func() string
	Close    func() error
}

func Run(openA func() A, openB func() B, after func()) {
	fmt.Println("host:", hp.Version())
	a := openA()
	fmt.Println("a add:", a.Add())
	a.Put("k")
	fmt.Println("a get:", a.Get("k"), "| a hook:", a.CallHook())
	a.OwnHook()
	fmt.Println("a own hook:", a.CallHook(), "| close while hp's hook holds the module:", a.HeldBy())
	a.HostHook()
	fmt.Println("a host hook:", a.CallHook())
	fmt.Println("a close:", a.Close())

	b := openB()
	fmt.Println("b .goload:", b.Type(".goload"), "|", b.Exts("application/x-goload"), "| .rtf:", b.Type(".rtf"))
	fmt.Println("b get:", b.Get("k"), "| b hook:", b.CallHook())
	a = openA()
	fmt.Println("a again get:", a.Get("k"), "| hook:", a.CallHook(), "| add:", a.Add())
	// A closes first. (The standard packages both need and the host lacks
	// are of the host's build: the extension's, not B's copies, since
	// TestHostGraphFirstModuleClosesFirst's change.)
	fmt.Println("a close:", a.Close())
	fmt.Println("b close:", b.Close())
	after()
	b = openB()
	fmt.Println("b again .goload:", b.Type(".goload"), "| get:", b.Get("k"), "| hook:", b.CallHook())
	fmt.Println("b close:", b.Close())
}

// HostReads is what ../host calls and ../hostnone does not: mime's and
// hp's readers, which its linker then keeps.
func HostReads() {
	e, _ := mime.ExtensionsByType("application/x-goload")
	fmt.Println("host .goload:", mime.TypeByExtension(".goload"), "|", e, "| get:", hp.Get("k"), "| hook:", hp.CallHook())
}
