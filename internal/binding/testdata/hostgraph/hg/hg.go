// Package hg is a host package: the hosts call only Version. Its other
// code, which their linker drops, needs lackdep, which they then lack
// whole: a host extension holding Record must hold lackdep too (before,
// no extension could, and each module kept its own copies of both).
package hg

import "github.com/goload/goload/internal/binding/testdata/hostgraph/lackdep"

var kept error

//go:noinline
func Version() string { return "hg v1" }

// Record is dropped host code that needs the package the host lacks.
//
//go:noinline
func Record(name string) int { return lackdep.Add(name) }

//go:noinline
func Summary() string { return lackdep.Summary() }

// Keep and Kept hold a value in a variable the hosts' linker drops.
//
//go:noinline
func Keep(err error) { kept = err }

//go:noinline
func Kept() error { return kept }
