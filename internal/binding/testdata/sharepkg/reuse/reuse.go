// Package reuse is what the sharepkg host opens, has refused to close (a
// goroutine runs in shared), and opens again: the same build, then
// another one of shared.
package reuse

import (
	"github.com/goload/goload/internal/binding/testdata/sharepkg/hostiface"
	"github.com/goload/goload/internal/binding/testdata/sharepkg/shared"
)

func Next() int { return shared.Next() }

func Make(name string) any { return shared.Tok{N: shared.Next(), Label: name} }

func Block() { shared.Block() }

func Release() { shared.Release() }

func MapMethods() string { return shared.MapMethods() }

// CountSizers counts the hostiface.Sizers among vs ([]hostiface.Sizer is
// typelinked: the runtime compares it, and Sizer, with an earlier
// module's copy when this package is loaded twice).
func CountSizers(vs ...any) int {
	var out []hostiface.Sizer
	for _, v := range vs {
		if s, ok := v.(hostiface.Sizer); ok {
			out = append(out, s)
		}
	}
	return len(out) + int(hostiface.Get())
}
