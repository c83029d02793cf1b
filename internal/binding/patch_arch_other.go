//go:build !arm64

package binding

/*
#include "goload.h"
*/
import "C"

const (
	sysMembarrier  = 324 // linux/amd64
	sysMemfdCreate = 319 // linux/amd64 (unload's heap dump)
)

// codeMemfd: on amd64 entry jumps go through /proc/self/mem whenever it
// opens (writeCode falls back to dropping X when a write fails).
func codeMemfd(*C.goload_patcher) bool { return true }

// codeWritten: nothing to do on amd64, whose instruction fetch snoops
// stores (syncCores serialized the cores inside the stop).
func codeWritten([]*FuncPatch) {}
