// Package loaded runs drive.Run on ../moda and ../modb loaded with
// goload.OpenPackage; ../host and ../hostnone differ only in what runs
// after the Closes.
package loaded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/persist/drive"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/persist/"

func open(p string) *goload.Module {
	m, err := goload.OpenPackage(context.Background(), pkg+p, nil)
	if err != nil {
		fmt.Println("FAIL: open", p+":", err)
		os.Exit(1)
	}
	return m
}

func get[T any](m *goload.Module, p, name string) T {
	f, err := goload.Lookup[T](m, pkg+p+"."+name)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	return f
}

func closer(m *goload.Module) func() error {
	return func() error {
		err := m.Close()
		var ue *goload.UnloadError
		if errors.As(err, &ue) {
			return fmt.Errorf("refused: %v", ue.Reasons)
		}
		return err
	}
}

func Run(after func()) {
	openA := func() drive.A {
		m := open("moda")
		return drive.A{Add: get[func() error](m, "moda", "Add"), Put: get[func(string)](m, "moda", "Put"),
			Get: get[func(string) string](m, "moda", "Get"), HostHook: get[func()](m, "moda", "HostHook"),
			OwnHook: get[func()](m, "moda", "OwnHook"), CallHook: get[func() string](m, "moda", "CallHook"),
			Close: closer(m), HeldBy: func() string {
				// Close must see hp.hook (a variable of a host package,
				// wherever it lives) pointing at the module's closure.
				err := m.Close()
				if err != nil && strings.Contains(err.Error(), "hp.hook") {
					return "refused, naming hp.hook"
				}
				return fmt.Sprintf("not refused for hp.hook: %v", err)
			}}
	}
	openB := func() drive.B {
		m := open("modb")
		return drive.B{Type: get[func(string) string](m, "modb", "Type"), Exts: get[func(string) []string](m, "modb", "Exts"),
			Get: get[func(string) string](m, "modb", "Get"), CallHook: get[func() string](m, "modb", "CallHook"),
			Close: closer(m)}
	}
	drive.Run(openA, openB, after)
}
