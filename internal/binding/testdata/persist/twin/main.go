// The twin: drive.Run on ../moda and ../modb linked natively; the argument
// says which host it stands for (host: drive.HostReads after the Closes).
package main

import (
	"os"

	"github.com/goload/goload/internal/binding/testdata/persist/drive"
	"github.com/goload/goload/internal/binding/testdata/persist/moda"
	"github.com/goload/goload/internal/binding/testdata/persist/modb"
)

func main() {
	after := func() {}
	if os.Args[1] == "host" {
		after = drive.HostReads
	}
	none := func() error { return nil }
	drive.Run(func() drive.A {
		return drive.A{Add: moda.Add, Put: moda.Put, Get: moda.Get, HostHook: moda.HostHook, OwnHook: moda.OwnHook,
			CallHook: moda.CallHook, Close: none, HeldBy: func() string { return "refused, naming hp.hook" }}
	}, func() drive.B {
		return drive.B{Type: modb.Type, Exts: modb.Exts, Get: modb.Get, CallHook: modb.CallHook, Close: none}
	}, after)
}
