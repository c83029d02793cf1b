// Package uselayout is loaded next to the host's package layout: its
// values must have the host's types (the same descriptors).
package uselayout

import "github.com/goload/goload/internal/binding/testdata/fix/layout"

func Make() any { return layout.New(1, "x") }

func Slice() any { return []layout.Rec{layout.New(2, "y")} }

func Ptr() any { r := layout.New(3, "z"); return &r }
