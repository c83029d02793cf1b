// Package mod, loaded, stores a value of its own type in a host package's
// global (reg.Held): Close must refuse, naming that global.
package mod

import "github.com/goload/goload/internal/binding/testdata/hostholder/reg"

type T struct{ N int }

func Keep() { reg.Held = &T{N: 1} }
