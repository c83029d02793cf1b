package binding

// What runs with the world stopped: the goroutine check and the entry
// writes. Nothing here may allocate (a GC start would wait for the world
// we hold) or enter the scheduler: no cgo, no syscall.Syscall, only raw
// system calls.

import (
	"runtime"
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
	parked       uintptr // the entry it is parked at (scanState.entries), 0 for a range
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

// parkAt is where a call of a function is still to run its entry: the
// entry itself, or resume, the return address of the prologue's call of
// runtime.morestack (0: none), where a call preempted in its prologue
// waits and from which it jumps back to the entry.
type parkAt struct{ entry, resume uintptr }

// parkedAt records a goroutine that resumes at pc, with its return
// address in the stack word ret (0: unknown), against scanState.entries:
// parked at one unless the return address follows a direct call of that
// entry (a call of the function itself). It is the entry where the stop
// must retry (block), or 0.
func parkedAt(pc, ret, lo, hi uintptr) uintptr {
	for i, e := range scanState.entries {
		if pc != e.entry && (pc != e.resume || pc == 0) {
			continue
		}
		if ret != 0 && ret >= lo && ret+8 <= hi && calledDirectly(peek(ret), e.entry) {
			continue
		}
		scanState.parked[i] = true
		if scanState.block[i] {
			return e.entry
		}
	}
	return 0
}

// calledDirectly reports whether the return address in word ret follows
// a direct call of entry (amd64 CALL rel32): then the call parked at
// entry is a call of that function, not one that came through another's
// jump, and it may run whatever entry holds when it resumes. Indirect
// calls (func values, interfaces) cannot tell, and arm64 is not read:
// those wait, as before.
func calledDirectly(ret, entry uintptr) bool {
	if runtime.GOARCH != "amd64" || ret < 4096+5 {
		return false
	}
	return *(*byte)(unsafe.Pointer(ret - 5)) == 0xe8 && //nolint:govet // code bytes
		ret+uintptr(int64(int32(peek32(ret-4)))) == entry
}

// asyncFrames locates the PC a goroutine stopped by an asynchronous
// preemption was stopped at (goload_patcher_async_frames): g.sched is in
// runtime.asyncPreempt2, under it runtime.asyncPreempt, the call the
// signal handler injected. ok is false where they could not be read:
// then every stack word is taken for that PC, as before.
type asyncFrames struct {
	ok                      bool
	async2, async2End       uintptr
	async, asyncEnd         uintptr
	async2Frame, asyncFrame uintptr
}

// asyncPC is the PC goroutine g was stopped at by an asynchronous
// preemption and the stack word holding it, following the two frames as
// the runtime's unwinder does. async is false for a goroutine whose
// g.sched is not in asyncPreempt2 (it saved its own PC there: stopped
// in a call, or preempted in a prologue); known is false when the
// frames are not what they should be.
func asyncPC(g uintptr, o *gOffsets, a *asyncFrames, lo, hi uintptr) (pc, at uintptr, async, known bool) {
	spc, sp := peek(g+o.schedPC), peek(g+o.schedSP)
	if spc < a.async2 || spc >= a.async2End {
		return 0, 0, false, true
	}
	var ret, slot uintptr
	if runtime.GOARCH == "arm64" {
		// LR machine: a frame's saved LR is its word 0.
		ret, slot = sp, sp+a.async2Frame
	} else {
		// asyncPreempt2's return address above its frame, then
		// asyncPreempt's frame and the PC the signal handler pushed.
		ret = sp + a.async2Frame
		slot = ret + 8 + a.asyncFrame
	}
	if sp < lo || slot+8 > hi {
		return 0, 0, true, false
	}
	if r := peek(ret); r < a.async || r >= a.asyncEnd {
		return 0, 0, true, false
	}
	return peek(slot), slot, true, true
}

// The stopped-world scan: scanVisit is the callback runtime.forEachG
// calls for each goroutine; it is made once (a closure would allocate) and
// reports through scanState.
var scanState struct {
	o    *gOffsets
	rs   []rng
	busy busyG
	hit  bool
	// entries are function entries where calls parked (a saved PC, or
	// the PC an async preemption pushed on the stack) are looked for:
	// see parkWatch.
	entries []parkAt
	// block[i]: a call parked at entries[i] makes the stop retry;
	// parked[i] is set when one is found (parkWatch).
	block, parked []bool
	async         asyncFrames
	// asyncRead and asyncUnknown count the goroutines stopped by an
	// asynchronous preemption whose PC was read, and those whose frames
	// were not what asyncFrames says (every stack word was taken then):
	// the tests check the second stays 0 on every Go version.
	asyncRead, asyncUnknown int
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
// live stack lies strictly inside one of the ranges, or that is parked at
// one of scanState.entries. Stack words cover return addresses and the PC
// an async preemption pushed before calling asyncPreempt; a stale word
// only costs a retry. Every other thread is
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
	// A call parked at an entry (scanState.entries) was preempted there,
	// or in the prologue's stack check: its goroutine is runnable, or
	// preempted for a stack scan, and the PC it resumes at is g.sched's,
	// or the one an asynchronous preemption pushed. A waiting goroutine
	// is somewhere else, and an entry's address in its frames is data or
	// a stale slot that stays as long as it waits (a module's first
	// function is at the module's base address; Go 1.21's finalizer
	// goroutine kept one, and every Revert of a patch by it was refused
	// busy after 200 stops).
	entries := scanState.entries
	if st := b.status &^ o.gScan; st != gRunnable && st != gPreempted {
		entries = nil
	}
	lo, hi := peek(g+o.stackLo), peek(g+o.stackHi)
	stack := lo < hi && lo%8 == 0 && hi%8 == 0
	for _, off := range [2]uintptr{o.schedPC, o.syscallPC} {
		if pc := peek(g + off); inRanges(pc, rs) {
			b.pc, b.at = pc, g+off
			return b, true
		}
	}
	if !stack {
		return busyG{}, false // no stack: dead or never started
	}
	// everyWord: the PC an asynchronous preemption pushed could not be
	// located, and every word of the stack is taken for it.
	everyWord := false
	if len(entries) > 0 {
		// Parked at the entry, or preempted in the prologue's stack
		// check: the return address is the word at g.sched.sp.
		pc, sp := peek(g+o.schedPC), peek(g+o.schedSP)
		if e := parkedAt(pc, sp, lo, hi); e != 0 {
			b.pc, b.at, b.parked = pc, g+o.schedPC, e
			return b, true
		}
		everyWord = !scanState.async.ok
	}
	if len(entries) > 0 && scanState.async.ok {
		// Only that one word: any other word of the stack that holds an
		// entry is data, or a slot of a frame that was never written
		// and keeps what the stack's last user left there (a copy of
		// the entry from an earlier goroutine made Apply refuse busy for
		// as long as a caller ran; TestPatchStaleEntryOnStack).
		pc, at, async, known := asyncPC(g, o, &scanState.async, lo, hi)
		if async && known {
			scanState.asyncRead++
			// The return address is the word above the pushed PC (amd64).
			if e := parkedAt(pc, at+8, lo, hi); e != 0 {
				b.pc, b.at, b.parked = pc, at, e
				return b, true
			}
		} else if async {
			scanState.asyncUnknown++
		}
		everyWord = !known
	}
	if scanState.pcsOnly {
		return busyG{}, false
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
		v := peek(a)
		if inRanges(v, rs) {
			b.pc, b.at = v, a
			return b, true
		}
		if everyWord {
			if e := parkedAt(v, 0, lo, hi); e != 0 {
				b.pc, b.at, b.parked = v, a, e
				return b, true
			}
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
