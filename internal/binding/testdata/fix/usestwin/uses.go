// Package usestwin reads and writes a variable of a package the test host
// contains (twin/feat): loaded code must see the host's variable, not a copy.
package usestwin

import feat "github.com/goload/goload/internal/binding/testdata/fix/twin/feat"

// HeldLen is the length of the host's feat.Held.
func HeldLen() int { return len(feat.Held) }

// Grow appends to the host's feat.Held through feat.Hold.
func Grow(n int) { feat.Hold(n) }
