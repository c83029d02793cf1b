// Package holders is loaded by TestUnloadHolderKinds: each function hands
// the host something that ties it to the module in one way only (a
// pointer to a variable, a finalizer the module sets, a value whose only
// tie is its itab), so that Close must find that one holder.
package holders

import "runtime"

var v int

// Ptr points to a variable of the module.
func Ptr() *int { return &v }

// fin is the module's finalizer: a top-level function, whose funcval is
// in the module's read-only data, so that the finalizer record alone
// holds it.
func fin(p *int) { v += *p }

// SetFin sets fin as the finalizer of p (a host object).
func SetFin(p *int) { runtime.SetFinalizer(p, fin) }

// E has no field: its values are the runtime's zerobase, so an interface
// holding one is tied to the module only by its type word.
type E struct{}

func (E) String() string { return "E" }

// NewE returns an E as an any: the module makes no itab of E, the host's
// type assertion to fmt.Stringer has the runtime build one.
func NewE() any { return E{} }
