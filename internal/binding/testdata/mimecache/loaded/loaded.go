// Package loaded runs drive.Run on ../mod loaded with goload.OpenPackage;
// ../host and ../hostnone differ only in what runs after the Close.
package loaded

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/mimecache/drive"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/mimecache/mod"

func get[T any](m *goload.Module, name string) T {
	f, err := goload.Lookup[T](m, pkg+"."+name)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	return f
}

func Run(after func(open func() drive.Mod)) {
	drive.Run(func() drive.Mod {
		m, err := goload.OpenPackage(context.Background(), pkg, nil)
		if err != nil {
			fmt.Println("FAIL:", err)
			os.Exit(1)
		}
		return drive.Mod{Add: get[func() error](m, "Add"), Type: get[func(string) string](m, "Type"),
			Exts: get[func(string) []string](m, "Exts"), Close: func() error {
				err := m.Close()
				var ue *goload.UnloadError
				if errors.As(err, &ue) {
					return fmt.Errorf("refused: %v", ue.Reasons)
				}
				return err
			}}
	}, after)
}
