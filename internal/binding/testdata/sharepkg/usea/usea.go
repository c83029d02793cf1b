// Package usea makes shared.Tok values and counts through shared.Next.
package usea

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/sharepkg/shared"
)

func Next() int { return shared.Next() }

func Make(name string) any { return shared.Tok{N: shared.Next(), Label: name} }

func MakePtr(name string) any { return &shared.Tok{N: shared.Next(), Label: name} }

func MakeStringer(name string) fmt.Stringer { return shared.Tok{N: 100, Label: name} }

func MakeSlice() any { return []shared.Tok{{N: 1, Label: "s"}} }

func Block() { shared.Block() }

func Release() { shared.Release() }

func MapMethods() string { return shared.MapMethods() }
