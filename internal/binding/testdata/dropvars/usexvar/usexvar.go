// Package usexvar reads xvar.Version, which its host's linker dropped
// instead of setting it as -X asked.
package usexvar

import "github.com/goload/goload/internal/binding/testdata/dropvars/xvar"

func Get() string { return xvar.Get() + " " + xvar.Kept }
