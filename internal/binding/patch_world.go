package binding

// What runs with the world stopped: the goroutine check and the entry
// writes. Nothing here may allocate (a GC start would wait for the world
// we hold) or enter the scheduler: no cgo, no syscall.Syscall, only raw
// system calls.

import (
	"syscall"
	"unsafe"
)

const membarrierPrivateExpeditedSyncCore = 32 // sysMembarrier: patch_arch_*.go

// gOffsets mirrors goload_patch_g_layout in Go types.
type gOffsets struct {
	stackLo, stackHi, schedSP, schedPC, syscallSP, syscallPC, status, goid uintptr
	gRunning, gScan                                                        uint32 // status values
}

// rng is the open interval (lo, hi): lo is a function entry, where a
// goroutine may safely resume after the write; hi is entry+cover.
type rng struct{ lo, hi uintptr }

// gDead, gRunnable and gPreempted are runtime._Gdead, _Grunnable and
// _Gpreempted: 6, 1 and 9 in every Go version (runtime/runtime2.go).
const (
	gDead      = 6
	gRunnable  = 1
	gPreempted = 9
)

type busyG struct {
	goid, pc, at uintptr
	status       uint32
}

// peek reads a word of memory Go's checks do not know as an object of
// the caller's: a runtime.g, a goroutine's stack, a funcval, a stub's
// slot. nocheckptr: under -race (which turns on -d=checkptr) the
// conversion of a computed address into a heap object (a g, a closure)
// would throw "pointer arithmetic result points to invalid allocation";
// norace: reading other goroutines' stacks with the world stopped is not
// a race, and the detector must not report (or pay for) it.
//
//go:nocheckptr
//go:norace
func peek(a uintptr) uintptr { return *(*uintptr)(unsafe.Pointer(a)) } //nolint:govet // runtime.g and stack memory

// peek32 is peek for a 32-bit field.
//
//go:nocheckptr
//go:norace
func peek32(a uintptr) uint32 { return *(*uint32)(unsafe.Pointer(a)) } //nolint:govet

// poke stores a word where peek reads: a stub's slot.
//
//go:nocheckptr
//go:norace
func poke(a, v uintptr) { *(*uintptr)(unsafe.Pointer(a)) = v } //nolint:govet

func inRanges(pc uintptr, rs []rng) bool {
	for _, r := range rs {
		if pc > r.lo && pc < r.hi {
			return true
		}
	}
	return false
}

func isEntry(pc uintptr, es []uintptr) bool {
	for _, e := range es {
		if pc == e {
			return true
		}
	}
	return false
}

// The stopped-world scan: scanVisit is the callback runtime.forEachG
// calls for each goroutine; it is made once (a closure would allocate) and
// reports through scanState.
var scanState struct {
	o    *gOffsets
	rs   []rng
	busy busyG
	hit  bool
	// entries are function entries where no goroutine may be parked
	// either (a saved PC, or the PC an async preemption pushed on the
	// stack): see parkEntries.
	entries []uintptr
	// pcsOnly skips the stack words: Close checks a whole module, where
	// the uninitialized slots of a reused stack do hold stale addresses,
	// and it has read every goroutine's live frames precisely before.
	pcsOnly bool
}

func scanVisit(g unsafe.Pointer) {
	if !scanState.hit {
		scanState.busy, scanState.hit = scanG(uintptr(g), scanState.o, scanState.rs)
	}
}

// scanG reports a goroutine whose saved PC, syscall PC or any word of its
// live stack lies strictly inside one of the ranges. Stack words cover
// return addresses and the PC an async preemption pushed before calling
// asyncPreempt; a stale word only costs a retry. Every other thread is
// parked by the stop or runs no Go code (syscalls, cgo), and a thread
// leaving a syscall or cgo call blocks for a P before it runs Go code, so
// goroutines are all there is to check.
func scanG(g uintptr, o *gOffsets, rs []rng) (busyG, bool) {
	if g == 0 {
		return busyG{}, false
	}
	b := busyG{goid: peek(g + o.goid), status: peek32(g + o.status)}
	if b.status&^o.gScan == gDead {
		// An exited goroutine keeps its stack for reuse, with the stale
		// words of its last run.
		return busyG{}, false
	}
	if b.status&^o.gScan == o.gRunning {
		// With the world stopped only the caller runs: it is in Apply,
		// not in a target's prologue, and its own dead stack slots may
		// hold any address.
		return busyG{}, false
	}
	// A call parked at an entry (scanState.entries) was preempted there:
	// its goroutine is runnable, or preempted for a stack scan. A waiting
	// goroutine is somewhere else, and an entry's address in its frames
	// is data or a stale slot that stays as long as it waits (a module's
	// first function is at the module's base address; Go 1.21's finalizer
	// goroutine kept one, and every Revert of a patch by it was refused
	// busy after 200 stops).
	entries := scanState.entries
	if st := b.status &^ o.gScan; st != gRunnable && st != gPreempted {
		entries = nil
	}
	for _, off := range [2]uintptr{o.schedPC, o.syscallPC} {
		if pc := peek(g + off); inRanges(pc, rs) || isEntry(pc, entries) {
			b.pc, b.at = pc, g+off
			return b, true
		}
	}
	if scanState.pcsOnly {
		return busyG{}, false
	}
	lo, hi := peek(g+o.stackLo), peek(g+o.stackHi)
	if lo >= hi || lo%8 != 0 || hi%8 != 0 {
		return busyG{}, false // no stack: dead or never started
	}
	sp := hi
	for _, off := range [2]uintptr{o.schedSP, o.syscallSP} {
		if s := peek(g + off); s >= lo && s < sp {
			sp = s
		}
	}
	if sp == hi {
		sp = lo // no saved SP inside the stack: take all of it
	}
	for a := sp &^ 7; a < hi; a += 8 {
		if v := peek(a); inRanges(v, rs) || isEntry(v, entries) {
			b.pc, b.at = v, a
			return b, true
		}
	}
	return busyG{}, false
}

// writeCode stores b at addr in read+execute memory: through /proc/self/mem
// (memfd), which writes through the page tables without changing any
// protection; else by dropping X for the write (never W and X at once),
// safe because the world is stopped. Returns 0 or an errno.
//
//go:nocheckptr
func writeCode(memfd int, addr uintptr, b []byte) syscall.Errno {
	if memfd >= 0 {
		n, _, e := syscall.RawSyscall6(syscall.SYS_PWRITE64, uintptr(memfd), uintptr(unsafe.Pointer(&b[0])),
			uintptr(len(b)), addr, 0, 0)
		if e == 0 && n == uintptr(len(b)) {
			return 0
		}
	}
	const pg = 4096
	lo, hi := addr&^(pg-1), (addr+uintptr(len(b))+pg-1)&^(pg-1)
	if _, _, e := syscall.RawSyscall(syscall.SYS_MPROTECT, lo, hi-lo, syscall.PROT_READ|syscall.PROT_WRITE); e != 0 {
		return e
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(addr)), len(b)), b) //nolint:govet
	_, _, e := syscall.RawSyscall(syscall.SYS_MPROTECT, lo, hi-lo, syscall.PROT_READ|syscall.PROT_EXEC)
	return e
}

// syncCores makes every thread of the process serialize its instruction
// stream before it next runs (cross-modifying code); registered by
// goload_patcher_open. Without it, leaving the stopped world goes through
// futex wake-ups whose return to user mode serializes in practice.
func syncCores() {
	syscall.RawSyscall(sysMembarrier, membarrierPrivateExpeditedSyncCore, 0, 0) //nolint:errcheck
}
