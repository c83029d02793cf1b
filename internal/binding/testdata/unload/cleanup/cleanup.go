// Package cleanup is a callback the host registers with
// runtime.AddCleanup on an object it keeps: Close must refuse while the
// object lives, since the runtime would call the module's code after the
// module left.
package cleanup

import "sync/atomic"

var ran atomic.Int32

func OnCleanup(n int32) { ran.Add(n) }

func Ran() int32 { return ran.Load() }
