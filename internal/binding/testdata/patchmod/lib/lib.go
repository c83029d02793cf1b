// Package lib is loaded by the patch host to patch its own functions
// (module functions as patch targets, TestPatchModuleTarget).
package lib

import "sync/atomic"

var calls atomic.Int64

// Triple is a patch target with a stack check.
//
//go:noinline
func Triple(x int) int { calls.Add(1); return 3 * x }

// CallTriple calls Triple from inside the module: the entry jump reaches
// module-internal calls too.
//
//go:noinline
func CallTriple(x int) int { return Triple(x) + 1 }

// Small is inlined into UsesSmall: patching it must be refused naming
// UsesSmall.
func Small(x int) int { calls.Add(1); return x + 7 }

//go:noinline
func UsesSmall(x int) int { return Small(x) * 2 }

// SmallRef keeps an out-of-line body of Small.
var SmallRef = Small
