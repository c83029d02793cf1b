package binding

// arm64 parts of the patcher's stopped-world writes (patch_world.go).

/*
#include "goload.h"
*/
import "C"

const (
	sysMembarrier  = 283 // linux/arm64
	sysMemfdCreate = 279 // linux/arm64 (unload's heap dump)
)

// codeMemfd reports whether entry jumps are written through
// /proc/self/mem: only when a write there is what the CPU runs next, which
// the patcher tried (goload_patcher_open). Under qemu-user it is not: qemu
// keeps its translation of the old code, and only a write it sees (with X
// dropped) makes it translate again.
func codeMemfd(p *C.goload_patcher) bool { return bool(C.goload_patcher_memfd_ok(p)) }

// codeWritten runs after the world started again: an entry write that did
// not go through /proc/self/mem (whose kernel path maintains the caches of
// executable pages) gets the instruction caches cleaned and every thread
// serialized. Until then a core may still run the old word: an entry write
// changes one aligned instruction, the B (gl_a64_jmp_bytes), so any core
// runs either the old function or the new one, never a mix.
func codeWritten(ps []*FuncPatch) {
	if patcher.memfd >= 0 {
		return
	}
	for _, p := range ps {
		C.goload_patcher_code_written(patcher.p, C.uint64_t(p.entry), C.uint64_t(p.info.cover))
	}
}
