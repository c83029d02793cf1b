// Command host loads testdata/hostholder/mod (its archive is the argument),
// lets it fill reg.Held, and prints Close's refusal, then Close once
// reg.Held is cleared.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/hostholder/reg"
)

func main() {
	if err := run(os.Args[1]); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}

func run(archive string) error {
	m, err := goload.Open(archive)
	if err != nil {
		return err
	}
	keep, err := goload.Lookup[func()](m, "github.com/goload/goload/internal/binding/testdata/hostholder/mod.Keep")
	if err != nil {
		return err
	}
	keep()
	var ue *goload.UnloadError
	if err := m.Close(); !errors.As(err, &ue) {
		return fmt.Errorf("Close with reg.Held set: %v, want an *UnloadError", err)
	}
	for _, r := range ue.Reasons {
		fmt.Println("refused:", r)
	}
	reg.Clear()
	fmt.Println("close:", m.Close())
	return nil
}
