// Package maker, loaded, boxes values of tdef's types (tdef is the host's).
package maker

import "github.com/goload/goload/internal/binding/testdata/typeonly/tdef"

func New() *tdef.Thing { return &tdef.Thing{A: 7, B: "seven", C: [4]int{1, 2, 3, 4}} }

func NewAny() any { return New() }

func KindAny() any { return tdef.Kind(3) }

// Is says whether v is a *tdef.Thing, by maker's own type assertion.
func Is(v any) bool { _, ok := v.(*tdef.Thing); return ok }
