package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// FuncPatch replaces one function of the running program by another. The
// function's first bytes become a 5-byte JMP to a stub that calls the
// replacement; Original runs the replaced code through a trampoline.
type FuncPatch struct {
	name  string
	entry uintptr
	site  *C.goload_patch_site
	info  C.goload_patch_site_info
	typ   reflect.Type // the replacement's type (the target's, checked)
	repl  any          // keeps the replacement's func value alive
	fv    uintptr      // its funcval, the word the stub jumps through
	orig  any
	on    bool
	// mod is the module whose code the replacement is (nil: the host's);
	// modName its name, kept for the refusal once it is closed.
	mod     *Module
	modName string
	// tmod is the loaded module whose function the target is (nil: a
	// host function): Close refuses while the patch is applied, and once
	// the module is closed Apply refuses and Original is nil.
	tmod *Module
}

// PatchError is a refusal: Reason is machine-readable ("inlined",
// "signature", "busy", ...), Msg names the function and the cause.
type PatchError struct {
	Reason string
	Msg    string
}

func (e *PatchError) Error() string { return "goload: patch refused (" + e.Reason + "): " + e.Msg }

func refusal(reason int, format string, args ...any) error {
	return &PatchError{Reason: C.GoString(C.goload_patch_reason_name(C.int(reason))), Msg: fmt.Sprintf(format, args...)}
}

// PauseStats describes the last Apply or Revert: how long the world was
// stopped, and how many stops it took (a goroutine found inside the bytes
// to write makes it start the world and try again). Stop, Check, Write
// and Start split the last stop's Pause: the runtime's stopTheWorld, the
// check of every goroutine's saved PCs and stack words, the code writes
// and the cores' serialization, the runtime's startTheWorld.
type PauseStats struct {
	Pause    time.Duration
	Attempts int
	Stop     time.Duration
	Check    time.Duration
	Write    time.Duration
	Start    time.Duration
}

var patcher struct {
	mu      sync.Mutex
	p       *C.goload_patcher
	w       world
	offs    gOffsets
	memfd   int
	memFile *os.File
	err     error
	once    sync.Once
	applied map[uintptr]*FuncPatch // entry -> the patch whose jump is there
	last    PauseStats
	ranges  []rng // scratch for the stopped world
	// closed once the membarrier registration (syncCores) is done: it
	// waits for an RCU grace period, 10-20 ms, spent on its own thread
	// so that the first NewPatch and Close do not; code writes wait.
	syncCoreReady chan struct{}
	visit         func(unsafe.Pointer) // scanVisit as a func value, made once
	asyncTried    bool                 // loadAsyncFrames ran
	// stale are the replacements' entries where, at the last stop, a
	// call was parked that came through a jump since taken away (or may
	// have: parkWatch), by entry; resume caches resumeOf.
	stale  map[uintptr]parkAt
	resume map[uintptr]uintptr
}

// warmSample is how much of the binding's own code goload_patcher_warm
// decodes: 60-80 instructions from the entry of a large Go function, the
// opcodes a plan meets (1024 bytes took up to 0.6 ms, longer than the
// host index it runs beside).
const warmSample = 256

func thePatcher() error {
	patcher.once.Do(func() {
		patcher.err = func() error {
			v := C.CString(runtime.Version())
			defer C.free(unsafe.Pointer(v))
			var e C.goload_err
			if C.goload_patcher_open(v, &patcher.p, &e) < 0 {
				return cError(&e)
			}
			// /proc/self/mem tried and the decoder's tables paged in
			// (goload_patcher_warm, waited for below), then the
			// membarrier registration (the first code write waits for
			// it): on a goroutine of its own while this reads the host
			// index, or inside the call, as before (bench/load.sh).
			patcher.syncCoreReady = make(chan struct{})
			warmed := make(chan struct{})
			sample := C.uint64_t(reflect.ValueOf(newPatchCovered).Pointer())
			slow := func() {
				C.goload_patcher_warm(patcher.p, sample, warmSample)
				close(warmed)
				C.goload_patcher_register_sync_core()
				close(patcher.syncCoreReady)
			}
			if benchBefore() {
				slow()
			} else {
				go slow()
			}
			prepareDebug(C.goload_debug_env_flags() | C.GOLOAD_DEBUG_DEFER) // the perf map's file and writer, meanwhile (debug.go)
			// One image of the executable for the loader and the patcher;
			// without one the patcher opens its own.
			if h, err := openHost(); err == nil && C.goload_patcher_share_host(patcher.p, h, &e) < 0 {
				return cError(&e)
			}
			l := gLayout(patcher.p)
			patcher.offs = gOffsets{uintptr(l.stack_lo), uintptr(l.stack_hi), uintptr(l.sched_sp), uintptr(l.sched_pc),
				uintptr(l.syscallsp), uintptr(l.syscallpc), uintptr(l.atomicstatus), uintptr(l.goid),
				uint32(l.grunning), uint32(l.gscan)}
			if err := patcher.w.resolve(patcher.p, int(l.worldstop_words)); err != nil {
				return err
			}
			<-warmed
			// The patcher's /proc/self/mem, kept open for the life of
			// the process. Where the kernel refuses forced writes the
			// patcher has none, and the binding opens its own: Close's
			// writes to writable data still go through it (code writes
			// fail and say so).
			patcher.memfd = int(C.goload_patcher_memfd(patcher.p))
			if !codeMemfd(patcher.p) {
				patcher.memfd = -1
			} else if patcher.memfd < 0 {
				if f, err := os.OpenFile("/proc/self/mem", os.O_RDWR, 0); err == nil {
					patcher.memfd = int(f.Fd())
					patcher.memFile = f
				}
			}
			patcher.applied = map[uintptr]*FuncPatch{}
			patcher.stale = map[uintptr]parkAt{}
			patcher.resume = map[uintptr]uintptr{}
			scanState.o = &patcher.offs
			patcher.visit = scanVisit
			return nil
		}()
	})
	return patcher.err
}

// CheckPatch reports whether goload can patch functions in this process,
// and does its one-time setup: the architecture is one goload patches;
// the patcher opens for this Go version (its scheduler layout) and the
// executable's function table and inline trees read (the host index, or
// its cache); the runtime functions that stop the world resolve; the
// planner reads a prologue of this program's own toolchain (a function
// with a stack check, planned and not written); and /proc/self/mem takes
// forced writes (else the code writes drop X around the write:
// PatchInfo). Called at startup it keeps that setup out of the first
// patch: 0.5-1 ms of work in a fresh process (most of it the host's pages
// and the instruction decoder's tables paged in), and the registration
// for membarrier(SYNC_CORE), whose RCU grace period (10-15 ms asleep)
// the first Apply would otherwise wait for.
func CheckPatch() error {
	if err := patchArch(runtime.GOARCH); err != nil {
		return err
	}
	if err := thePatcher(); err != nil {
		return err
	}
	// The membarrier registration the first Apply would wait for: the
	// kernel's RCU grace period, 10-15 ms asleep on this machine.
	<-patcher.syncCoreReady
	pc := reflect.ValueOf(newPatchCovered).Pointer()
	name, size, err := hostFuncAt(pc)
	if err != nil {
		return err
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	if _, _, err := inlinedCallers(name, cn); err != nil {
		return err
	}
	var info C.goload_patch_site_info
	var reason C.int
	var e C.goload_err
	if C.goload_patch_plan_check(patcher.p, C.uint64_t(pc), C.uint64_t(planSize(size)), cn,
		C.uint64_t(patcher.w.morestack), &info, &reason, &e) < 0 {
		return siteError(reason, &e)
	}
	if !info.has_stub || info.resume == 0 {
		return errorf("patch: the planner found no stack check in %s, built by %s: this toolchain's prologues are not the ones it reads",
			name, runtime.Version())
	}
	return nil
}

// planSize is the bytes a plan may read of a function of size bytes: the
// symbol ends at the last instruction; the alignment padding after it
// (INT3, up to the 32-byte function alignment) may lend bytes to a very
// short function, and the planner checks that it is padding.
func planSize(size uintptr) uintptr { return (size + 31) &^ 31 }

// siteError is a planner's failure: a refusal with its reason, else the
// error as it is.
func siteError(reason C.int, e *C.goload_err) error {
	if reason != 0 {
		return refusal(int(reason), "%s", C.GoString(&e.msg[0]))
	}
	return cError(e)
}

// patchArch refuses an architecture goload does not patch: the entry jump,
// the stub and the trampoline are x86-64 code, which on any other CPU
// would be bytes it cannot run (a SIGILL at the next call).
func patchArch(goarch string) error {
	ca := C.CString(goarch)
	defer C.free(unsafe.Pointer(ca))
	if !C.goload_patch_arch_supported(ca) {
		return refusal(C.GOLOAD_PATCH_R_ARCH, "goload patches only amd64 and arm64 code; this program is %s/%s", runtime.GOOS, goarch)
	}
	return nil
}

// funcPC is the code pointer of a func value held in an interface.
func funcPC(f any) (fv, pc uintptr) {
	fv = uintptr((*[2]unsafe.Pointer)(unsafe.Pointer(&f))[1])
	if fv == 0 {
		return 0, 0
	}
	return fv, peek(fv)
}

// frameArgs is _func.args of the function at pc: the bytes of stack
// arguments, results and register spill slots -- the same for two
// functions only if their parameters take the same room. runtime.Func is
// the _func itself for non-inlined PCs (offset 8, Go 1.16 through 1.27).
//
//go:nocheckptr
func frameArgs(pc uintptr) int32 {
	f := runtime.FuncForPC(pc)
	if f == nil {
		return -1
	}
	return *(*int32)(unsafe.Add(unsafe.Pointer(f), 8))
}

// NewPatch prepares replacing target (a func value naming a function,
// method expression or closure body) by replacement, a func of the same
// type. Nothing is written until Apply.
func NewPatch(target, replacement any) (*FuncPatch, error) {
	tt, rt := reflect.TypeOf(target), reflect.TypeOf(replacement)
	if tt == nil || tt.Kind() != reflect.Func || rt == nil || rt.Kind() != reflect.Func {
		return nil, refusal(C.GOLOAD_PATCH_R_SIGNATURE, "target and replacement must be funcs, got %v and %v", tt, rt)
	}
	_, pc := funcPC(target)
	if pc == 0 {
		return nil, refusal(C.GOLOAD_PATCH_R_SIGNATURE, "target is a nil func")
	}
	if err := patchArch(runtime.GOARCH); err != nil {
		return nil, err
	}
	if err := thePatcher(); err != nil {
		return nil, err
	}
	name, _, tmod, err := targetFuncAt(pc)
	if err != nil {
		return nil, refusal(C.GOLOAD_PATCH_R_WRAPPER, "target code 0x%x is not a function entry: %v", pc, err)
	}
	if tt != rt {
		return nil, refusal(C.GOLOAD_PATCH_R_SIGNATURE, "%s has type %v, the replacement %v", name, tt, rt)
	}
	return newPatchOf(name, pc, tmod, replacement)
}

// targetFuncAt names the function whose entry is pc: the host's, or else
// an open module's (then mod is that module).
func targetFuncAt(pc uintptr) (name string, size uintptr, mod *Module, err error) {
	if name, size, err = hostFuncAt(pc); err == nil {
		return name, size, nil, nil
	}
	loadMu.Lock()
	defer loadMu.Unlock()
	return targetFuncAtLocked(pc)
}

// targetFuncAtLocked is targetFuncAt for a caller that holds loadMu.
func targetFuncAtLocked(pc uintptr) (name string, size uintptr, mod *Module, err error) {
	if name, size, err = hostFuncAt(pc); err == nil {
		return name, size, nil, nil
	}
	m := moduleOfPC(pc)
	if m == nil {
		return "", 0, nil, err
	}
	var cname *C.char
	var csize C.uint64_t
	var e C.goload_err
	if C.goload_patch_module_func_at(m.m, C.uint64_t(pc), &cname, &csize, &e) < 0 {
		return "", 0, nil, cError(&e)
	}
	return C.GoString(cname), uintptr(csize), m, nil
}

// hostFuncAt names the host function at pc (with its type arguments when
// .symtab has them: runtime.FuncForPC elides them) and gives its size.
func hostFuncAt(pc uintptr) (string, uintptr, error) {
	var name *C.char
	var size C.uint64_t
	var e C.goload_err
	if C.goload_patch_func_at(patcher.p, C.uint64_t(pc), &name, &size, &e) < 0 {
		return "", 0, cError(&e)
	}
	return C.GoString(name), uintptr(size), nil
}

// NewPatchSymbol prepares replacing the function named by its linker name
// ("main.handler", "pkg.(*T).method", "pkg.F.func1",
// "pkg.G[go.shape.int]") by replacement. Without the target's Go type the
// check is the ABI one: both must use the same argument frame.
func NewPatchSymbol(name string, replacement any) (*FuncPatch, error) {
	rt := reflect.TypeOf(replacement)
	if rt == nil || rt.Kind() != reflect.Func {
		return nil, refusal(C.GOLOAD_PATCH_R_SIGNATURE, "replacement for %s must be a func, got %v", name, rt)
	}
	if err := patchArch(runtime.GOARCH); err != nil {
		return nil, err
	}
	if err := thePatcher(); err != nil {
		return nil, err
	}
	pc, err := patchFuncAddr(patcher.p, name)
	var tmod *Module
	if err != nil {
		// Not the host's: a function of an open module?
		if tmod, pc = moduleFuncAddr(name); tmod == nil {
			return nil, err
		}
	}
	return newPatchOf(name, pc, tmod, replacement)
}

// moduleFuncAddr is the entry of the function name defined by an open
// module, and that module; nil when no open module defines it.
func moduleFuncAddr(name string) (*Module, uintptr) {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	loadMu.Lock()
	defer loadMu.Unlock()
	for _, m := range modules {
		if m.m == nil {
			continue
		}
		var sym C.goload_symbol
		var e C.goload_err
		if C.goload_module_lookup(m.m, cn, &sym, &e) == 0 && sym._func {
			// A provider's function: the module that has its code.
			if o := moduleOfPC(uintptr(sym.addr)); o != nil {
				return o, uintptr(sym.addr)
			}
		}
	}
	return nil, 0
}

func newPatchOf(name string, pc uintptr, tmod *Module, replacement any) (*FuncPatch, error) {
	fv, rpc := funcPC(replacement)
	if rpc == 0 {
		return nil, refusal(C.GOLOAD_PATCH_R_SIGNATURE, "replacement for %s is a nil func", name)
	}
	rname := "the replacement"
	if f := runtime.FuncForPC(rpc); f != nil {
		rname = f.Name()
	}
	return newPatch(name, pc, tmod, fv, frameArgs(rpc), rname, reflect.TypeOf(replacement), replacement)
}

// newPatch prepares the site of the function name at pc to call the func
// value fv (whose code takes rargs bytes of arguments and results); keep
// holds what keeps fv alive, typ its type (nil: Original is unavailable).
func newPatch(name string, pc uintptr, tmod *Module, fv uintptr, rargs int32, rname string, typ reflect.Type, keep any) (*FuncPatch, error) {
	return newPatchCovered(name, pc, tmod, fv, rargs, rname, typ, keep, nil)
}

// newPatchCovered is newPatch where the inlined copies of the target in
// the callers of covered are no refusal: those callers are patched in the
// same transaction (OpenFix).
func newPatchCovered(name string, pc uintptr, tmod *Module, fv uintptr, rargs int32, rname string, typ reflect.Type, keep any, covered map[string]bool) (*FuncPatch, error) {
	if err := patchArch(runtime.GOARCH); err != nil {
		return nil, err
	}
	if err := thePatcher(); err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, "-fm") {
		return nil, refusal(C.GOLOAD_PATCH_R_WRAPPER,
			"%s is the wrapper of a method value; patch the method itself (a method expression such as (*T).M)", name)
	}
	if shape := genericShape(name, pc); shape != "" {
		return nil, refusal(C.GOLOAD_PATCH_R_GENERIC_WRAPPER,
			"%s is a dictionary wrapper that only func values go through; direct calls run the shape body %s, shared by every instantiation of that shape: patch it with PatchSymbol(%q, func(dict unsafe.Pointer, <parameters>) ...)",
			name, shape, shape)
	}
	if err := selfPatch(name, pc, fv); err != nil {
		return nil, err
	}
	mod, modName := moduleOfFunc(fv)
	if a := frameArgs(pc); a != rargs {
		return nil, refusal(C.GOLOAD_PATCH_R_SIGNATURE,
			"%s takes %d bytes of arguments and results, %s %d", name, a, rname, rargs)
	}
	var size uintptr
	var err error
	if tmod == nil {
		_, size, err = hostFuncAt(pc)
	} else {
		_, size, tmod, err = targetFuncAt(pc)
	}
	if err != nil {
		return nil, err
	}
	size = planSize(size)
	var mcallers int
	var mlist string
	var merr error
	if tmod != nil {
		// Before patcher.mu: it takes loadMu (the order is loadMu, then
		// patcher.mu).
		mcallers, mlist, merr = moduleInlinedCallers(name)
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	var site *C.goload_patch_site
	var reason C.int
	var e C.goload_err
	var ncallers int
	var list string
	if tmod == nil {
		ncallers, list, err = inlinedCallers(name, cn)
	} else {
		ncallers, list, err = mcallers, mlist, merr
	}
	if err != nil {
		return nil, err
	}
	if ncallers > 0 && covered != nil {
		ncallers, list = uncovered(list, covered)
	}
	if ncallers > 0 {
		return nil, refusal(C.GOLOAD_PATCH_R_INLINED,
			"%s has inlined copies in %d functions the entry jump would not reach: %s; build with //go:noinline on it (or -gcflags=-l), or patch those callers too",
			name, ncallers, list)
	}
	if C.goload_patch_site_open(patcher.p, C.uint64_t(pc), C.uint64_t(size), cn, C.uint64_t(patcher.w.morestack),
		&site, &reason, &e) < 0 {
		return nil, siteError(reason, &e)
	}
	return &FuncPatch{
		name: name, entry: pc, site: site, info: *C.goload_patch_site_get_info(site),
		typ: typ, repl: keep, fv: fv, mod: mod, modName: modName, tmod: tmod,
	}, nil
}

// genericShape names the shape body a generic dictionary wrapper calls, or
// "" when name is not such a wrapper. Instantiations named with concrete
// types ("pkg.F[int]") are wrappers; bodies are named with shapes.
//
//go:nocheckptr
func genericShape(name string, pc uintptr) string {
	if !strings.Contains(name, "[") || strings.Contains(name, "go.shape.") {
		return ""
	}
	// pclntab (a stripped executable) writes both the wrapper and the
	// shape body as "F[...]": the wrapper is the one that calls the other.
	elided := strings.HasSuffix(name, "[...]")
	code := unsafe.Slice((*byte)(unsafe.Pointer(pc)), 64) //nolint:govet
	for i := 0; i+5 <= len(code); i++ {
		if code[i] != 0xe8 && code[i] != 0xe9 { // CALL/JMP rel32
			continue
		}
		rel := int32(uint32(code[i+1]) | uint32(code[i+2])<<8 | uint32(code[i+3])<<16 | uint32(code[i+4])<<24)
		t := pc + uintptr(i+5) + uintptr(rel)
		if callee, _, err := hostFuncAt(t); err == nil && t != pc &&
			(strings.Contains(callee, "go.shape.") || elided && callee == name) {
			return callee
		}
	}
	if elided {
		return ""
	}
	return name + " (shape body not found)"
}

// Patch replaces target by replacement now; see NewPatch.
func Patch(target, replacement any) (*FuncPatch, error) {
	p, err := NewPatch(target, replacement)
	if err != nil {
		return nil, err
	}
	return p, Apply(p)
}

// PatchSymbol replaces the function called name by replacement now; see
// NewPatchSymbol.
func PatchSymbol(name string, replacement any) (*FuncPatch, error) {
	p, err := NewPatchSymbol(name, replacement)
	if err != nil {
		return nil, err
	}
	return p, Apply(p)
}

// Name is the patched function's linker name.
func (p *FuncPatch) Name() string { return p.name }

// Applied reports whether the entry jump is in place.
func (p *FuncPatch) Applied() bool {
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	return p.on
}

// Original returns a func of the replacement's type that runs the code
// the patch replaced, whether or not the patch is applied. nil for the body
// of a func literal, which needs its closure context, and for PatchHost
// patches, whose types are not known on the Go side.
func (p *FuncPatch) Original() any {
	if p.info.ctxt || p.typ == nil {
		return nil
	}
	if p.tmod != nil {
		loadMu.Lock()
		closed := p.tmod.m == nil
		loadMu.Unlock()
		if closed {
			return nil // the code it would run is gone
		}
	}
	if p.orig == nil {
		word := new(uintptr) // the funcval: its first word is the code pointer
		*word = uintptr(p.info.trampoline)
		fn := unsafe.Pointer(word)
		p.orig = reflect.NewAt(p.typ, unsafe.Pointer(&fn)).Elem().Interface()
	}
	return p.orig
}

// Apply writes the entry jumps of every patch, all or none, with the world
// stopped; a goroutine stopped inside bytes to be written makes it start
// the world and try again. A patch of a function that another patch has
// already replaced (v2 of a fix over v1) replaces that patch in the same
// stop: the entry jump stays, calls go to v1 until the stop and to v2 from
// then on, never to the original code; v1 is then no longer applied
// (Applied reports false, its Revert does nothing).
func Apply(ps ...*FuncPatch) error { return setPatches(ps, true) }

// Revert puts the original bytes back.
func (p *FuncPatch) Revert() error { return setPatches([]*FuncPatch{p}, false) }

// Revert puts the original bytes of several patches back, all or none.
func Revert(ps ...*FuncPatch) error { return setPatches(ps, false) }

// LastPause reports the stop of the most recent Apply or Revert.
func LastPause() PauseStats {
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	return patcher.last
}

const stopAttempts = 200

func setPatches(ps []*FuncPatch, on bool) error {
	if err := thePatcher(); err != nil {
		return err
	}
	// loadMu first (Close's order): a module cannot close between the
	// check that a replacement's module is open and the write.
	loadMu.Lock()
	defer loadMu.Unlock()
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	var todo, writes, swaps []*FuncPatch
	var replaced []*FuncPatch // swaps[i] replaces replaced[i]
	seen := map[uintptr]bool{}
	for i, p := range ps {
		if p == nil {
			return errorf("patch: argument %d is a nil *FuncPatch", i+1)
		}
		if seen[p.entry] {
			return errorf("patch: %s appears twice", p.name)
		}
		seen[p.entry] = true
		cur := patcher.applied[p.entry]
		switch {
		case on && cur == p, !on && !p.on:
			continue
		case on && cur != nil && cur.info.slot != p.info.slot:
			return errorf("patch: %s: two sites for one entry (a goload bug)", p.name)
		case on && cur != nil:
			// Another patch of the same function is applied (v1 of a
			// fix, p its v2): p replaces it in one step. Both share the
			// entry's site (one stub, one slot), so the jump stays and
			// only the slot's func value changes, with the world stopped:
			// no call runs the original code in between.
			swaps, replaced = append(swaps, p), append(replaced, cur)
		default:
			writes = append(writes, p)
		}
		todo = append(todo, p)
	}
	if len(todo) == 0 {
		return nil
	}
	if on {
		if err := checkApply(todo); err != nil {
			return err
		}
	}
	patcher.ranges = patcher.ranges[:0]
	for _, p := range writes {
		patcher.ranges = append(patcher.ranges, rng{p.entry, p.entry + uintptr(p.info.cover)})
		if on {
			// The stub is unreachable until the jump is written.
			poke(uintptr(p.info.slot), p.fv)
		}
	}
	if ready := patcher.syncCoreReady; ready != nil {
		<-ready // before the first stop that writes code (syncCores)
	}
	if on {
		// The stubs' perf map lines, queued by NewPatch, are on file
		// before a jump can lead there.
		C.goload_debug_flush()
	}
	removed := replaced // the v1 of a v1→v2 swap leaves the slot
	if !on {
		removed = writes
	}
	entries, block := parkWatch(writes, removed)
	parked := make([]bool, len(entries))
	var busy busyG
	var failed *FuncPatch
	var errno error
	st := PauseStats{}
	for st.Attempts < stopAttempts {
		st.Attempts++
		t0 := time.Now()
		patcher.w.stop()
		t1 := time.Now()
		clear(parked)
		scanState.rs, scanState.hit = patcher.ranges, false
		scanState.entries, scanState.block, scanState.parked = entries, block, parked
		patcher.w.forEachG(patcher.visit)
		scanState.entries, scanState.block, scanState.parked = nil, nil, nil
		busy = scanState.busy
		isBusy := scanState.hit
		t2 := time.Now()
		if !isBusy {
			failed, errno = writeAll(writes, on)
			if failed == nil {
				for _, p := range swaps {
					// One aligned word: a stub reads the old value or
					// the new one, never a mix.
					poke(uintptr(p.info.slot), p.fv)
				}
			}
			syncCores()
		}
		t3 := time.Now()
		patcher.w.start()
		t4 := time.Now()
		st.Pause = t4.Sub(t0)
		st.Stop, st.Check, st.Write, st.Start = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3)
		if !isBusy {
			codeWritten(writes)
		}
		if !isBusy {
			break
		}
		runtime.Gosched()
		if st.Attempts >= 8 {
			// The goroutine in the way is runnable but has not run since
			// (its thread waits for a CPU on a loaded machine): give it
			// time, up to about 0.5 s over all the attempts (0.2 s was
			// not always enough for a call parked at an entry, see
			// parkWatch, with more busy goroutines than Ps and a load
			// of 13 on 2 cores).
			time.Sleep(time.Duration(st.Attempts) * 25 * time.Microsecond)
		}
	}
	patcher.last = st
	if failed != nil {
		return errorf("patch: writing %s at 0x%x: %v", failed.name, failed.entry, errno)
	}
	if st.Attempts == stopAttempts && busy.pc != 0 {
		if busy.parked != 0 {
			return refusal(C.GOLOAD_PATCH_R_BUSY, "goroutine %d (status %d) stays parked at 0x%x (found at 0x%x), about to run the entry 0x%x that a patch's jump led to, after %d stops",
				busy.goid, busy.status, busy.pc, busy.at, busy.parked, stopAttempts)
		}
		return refusal(C.GOLOAD_PATCH_R_BUSY, "goroutine %d (status %d) stays at 0x%x inside the bytes to write (found at 0x%x) after %d stops",
			busy.goid, busy.status, busy.pc, busy.at, stopAttempts)
	}
	for i, at := range entries {
		if parked[i] {
			patcher.stale[at.entry] = at
		} else {
			delete(patcher.stale, at.entry)
		}
	}
	for _, q := range replaced {
		q.on = false
	}
	for _, p := range todo {
		p.on = on
		if on {
			patcher.applied[p.entry] = p
		} else {
			delete(patcher.applied, p.entry)
		}
	}
	return nil
}

// writeAll runs with the world stopped: it writes every patch's bytes and
// on failure puts back those already written.
func writeAll(todo []*FuncPatch, on bool) (*FuncPatch, error) {
	for i, p := range todo {
		if e := writeCode(patcher.memfd, p.entry, p.bytes(on)); e != 0 {
			for _, q := range todo[:i] {
				writeCode(patcher.memfd, q.entry, q.bytes(!on))
			}
			return p, e
		}
	}
	return nil, nil
}

func (p *FuncPatch) bytes(on bool) []byte {
	n := int(p.info.cover)
	if on {
		return unsafe.Slice((*byte)(unsafe.Pointer(&p.info.jump[0])), n)
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&p.info.original[0])), n)
}
