// Package goload loads Go packages compiled by the standard toolchain into
// the running program, unloads them, and hot-patches functions of the
// running program: Open and OpenPackage link and register a Module, Lookup
// gives its functions and variables typed, Module.Close unloads it once
// nothing refers to it, and Patch, PatchSymbol and Module.PatchHost replace
// functions. When goload cannot do a thing exactly as a normal build would,
// it refuses with an error naming the symbol, type or holder and the
// reason. linux/amd64; hosts built by Go 1.21 to 1.27.
//
// See the README and docs/ (load.md, unload.md, patch.md,
// api-sequences.md, stripped-hosts.md) of the repository.
package goload

// This file is the package's front door: the whole public API, each
// declaration forwarding to the implementation in internal/binding (the
// cgo glue, load_*, unload_*, patch_*, runtime_* and their tests).
//
// The types are real declarations, not aliases (type Module =
// binding.Module), so that go doc and pkgsite show every field and method
// here. Module and FuncPatch hold the implementation's value; the plain
// data types (OpenOptions, Timings, PauseStats) and the error types
// (Error, PatchError, UnloadError) repeat its fields and are converted at
// the boundary (a Go conversion between identical struct types: the
// compiler fails the build if the two drift apart, and a converted error
// is the same object). The trade-off for the errors: every call here that
// returns an error passes it through pub, so that errors.As(err,
// &*goload.UnloadError) and err.(*goload.PatchError) keep working; an
// implementation error wrapped inside another error would not be
// converted (the implementation returns its errors unwrapped; nothing in
// it uses %w). Aliases would need no conversion, but pkgsite would show
// only "type UnloadError = binding.UnloadError", the fields in prose.

import (
	"context"
	"time"

	"github.com/goload/goload/internal/binding"
)

// Module is a set of Go packages loaded into the running program.
type Module struct {
	m *binding.Module
}

// OpenOptions configures OpenPackage.
type OpenOptions struct {
	// Dir is the directory the pattern is resolved in, and whose module
	// selects dependency versions; "" is the current directory.
	Dir string
	// NoPerfMap and NoGDB turn off naming the module's code in
	// /tmp/perf-PID.map and registering it with gdb's JIT interface
	// (both on by default; GOLOAD_PERFMAP=0 and GOLOAD_GDBJIT=0 turn them
	// off for every module). See docs/debugging.md.
	NoPerfMap, NoGDB bool
}

// Open links the archives (compiled by the host's own Go toolchain, e.g.
// the paths `go list -export` prints) into the running program, registers
// them with the runtime and runs their package initializers in order.
// Packages the host already contains must not be passed: the loaded code
// uses the host's copy of them.
func Open(archives ...string) (*Module, error) {
	m, err := binding.Open(archives...)
	return module(m), pub(err)
}

// OpenPackage builds the packages matching pattern, and every dependency,
// with the host's own toolchain and build settings (Go version, GOAMD64,
// GOEXPERIMENT, CGO_ENABLED, build tags), then loads the packages the host
// lacks, in dependency order, reusing every package the host has. ctx
// cancels the go command.
//
// The host's packages stay the host's: their variables, types and init
// state are shared with the loaded code. A function of theirs the host's
// linker dropped (one the host never called) is taken from the package's
// archive. It is an error to need a package the host has at another
// module version, or a package the host lacks that needs cgo.
//
// net and os/user, when the host lacks them, are built with the netgo and
// osusergo tags: their pure-Go variants need no C code.
func OpenPackage(ctx context.Context, pattern string, opts *OpenOptions) (*Module, error) {
	m, err := binding.OpenPackage(ctx, pattern, (*binding.OpenOptions)(opts))
	return module(m), pub(err)
}

// Run runs the main package pattern names as `go run` would, in this
// process: os.Args becomes the program's name (the package's last path
// element) and args, the package and what it needs of what the host
// lacks are loaded (OpenPackage, which runs their inits), then its
// main.main runs. Run returns when main.main returns: the caller should
// then exit 0, as a program whose main returns does. os.Exit in the
// program ends the process with its code, as it would natively. The
// program's symbols live under goload.run/<path>, so they never collide
// with the host's main package; Lookup(m, "main.X") finds them. See
// docs/debugging.md.
func Run(ctx context.Context, pattern string, args []string, opts *OpenOptions) error {
	return pub(binding.Run(ctx, pattern, args, (*binding.OpenOptions)(opts)))
}

// SetHostArchives gives the archives of the host's packages as its linker
// saw them (package path -> archive), built with the host's own toolchain
// and settings: a stripped (-s) host's data symbols are then recovered
// from them without running the go command. goload fix's agent passes
// what the command listed.
func SetHostArchives(m map[string]string) { binding.SetHostArchives(m) }

// OpenFix loads a hot fix: funcs ("example.com/p.F", "main.(*T).M") are
// the changed functions of packages the host contains, pkgs[i] rebuilt
// from the changed source into archives[i] with the host's own toolchain
// and build settings. Only those functions are defined in the module,
// from the archives; everything else they reference that the host has
// (package-level variables, types, itabs, unchanged functions) is the
// host's own, so the program's state is kept. What the host lacks (a new
// function, a function its linker dropped) is taken from the archives. A
// type whose layout differs from the host's type of that name, and a
// function of the runtime, are refused.
//
// The returned patches, not yet applied, replace each host function of
// funcs by its new copy: apply them with one Apply (all or none). A
// target inlined into callers is accepted when every such caller is in
// funcs too (its rebuilt code has the new inlined copy); otherwise it is
// refused (reason inlined) naming the callers left. Close the module if
// Apply fails.
//
// vars are variables of the running executable by name and link-time
// address, as goload fix found them in its unchanged code: a stripped
// executable names none, and a variable it neither names nor lists here is
// refused (a new copy would lose the running program's value). May be nil.
func OpenFix(pkgs, archives, funcs []string, vars map[string]uint64) (*Module, []*FuncPatch, error) {
	m, ps, err := binding.OpenFix(pkgs, archives, funcs, vars)
	out := make([]*FuncPatch, len(ps))
	for i, p := range ps {
		out[i] = funcPatch(p)
	}
	return module(m), out, pub(err)
}

// module wraps the implementation's module (nil stays nil).
func module(m *binding.Module) *Module {
	if m == nil {
		return nil
	}
	return &Module{m: m}
}

// Lookup returns a symbol of the module by its full name
// ("example.com/p.F", methods "example.com/p.T.M" and
// "example.com/p.(*T).M"): a function as a func value of type T (a
// method's receiver is its first parameter), a variable as a pointer
// (T = *V). T must match the type recorded in the object: for functions
// the parameter and result types the compiler's DWARF info lists, or,
// for functions without usable DWARF (assembly, compiler-generated method
// wrappers such as (*T).M of a value method), only the size of the
// argument frame.
func Lookup[T any](m *Module, name string) (T, error) {
	v, err := binding.Lookup[T](m.m, name)
	return v, pub(err)
}

// Name is the module's unique name, the one errors about it use (a
// refused Close names the modules that must be closed first by it); ""
// once it is closed.
func (m *Module) Name() string { return m.m.Name() }

// MappedBytes is the memory the module maps: code, read-only data and
// runtime tables, and data.
func (m *Module) MappedBytes() int { return m.m.MappedBytes() }

// Close unloads the module. It refuses (*UnloadError) while anything may
// still reach the module's code or data: a goroutine running in it or
// holding a pointer into it on its stack, a live heap object, host global,
// other module's data, finalizer or defer pointing into it (function
// values, type descriptors in interfaces, strings of its read-only data,
// its variables), or a PatchHost patch of it that is still applied.
// Otherwise the module is taken off the runtime's module list and itab
// table, a full GC runs, and its memory is returned; its addresses stay
// reserved and are never reused. Close is safe to call concurrently with
// code that does not use the module; docs/unload.md lists what it cannot
// see.
func (m *Module) Close() error { return pub(m.m.Close()) }

// PatchHost is the hot-fix workflow: it replaces host functions by
// functions of the module, both by linker name
// ({"main.handler": "example.com/fix.Handler"}), all at once or none.
// Each pair must take the same argument frame (the ABI check; objects
// record no Go types for functions). Revert the returned patches to undo.
func (m *Module) PatchHost(pairs map[string]string) ([]*FuncPatch, error) {
	ps, err := m.m.PatchHost(pairs)
	var out []*FuncPatch
	if ps != nil {
		out = make([]*FuncPatch, len(ps))
		for i, p := range ps {
			out[i] = funcPatch(p)
		}
	}
	return out, pub(err)
}

// Timings returns where the module's Open and Close spent their time.
func (m *Module) Timings() Timings { return Timings(m.m.Timings()) }

// Timings says where the module's Open (or OpenPackage) and Close spent
// their time, by phase (wall clock). GOLOAD_DEBUG=time prints them to
// stderr as each call returns. Phases that did not run are zero: the host
// index is built by the first Open of the process only (Check builds it
// too), GoList is OpenPackage's, Close's are filled in once it succeeds.
type Timings struct {
	// Open
	HostIndex   time.Duration // the host's symbol and type index, runtime functions, stripped-host recovery
	GoList      time.Duration // OpenPackage: the go list run (build included) or its cached result
	Plan        time.Duration // OpenPackage: which packages are the host's (goload_host_has_package)
	Archives    time.Duration // opening and parsing the archives
	Resolve     time.Duration // defining and resolving symbols against the host and earlier modules
	Layout      time.Duration // section layout, func tables and pclntab, mapping the memory
	Relocate    time.Duration // copying data, jumps to host code, relocations
	RuntimeMeta time.Duration // GC masks, type and itab tables, moduledata, page protection
	HostFill    time.Duration // the host's method tables and itab slots the module supplies
	Register    time.Duration // host typemap, moduledata publication, modulesinit, typelinksinit, itabs
	Inits       time.Duration // the packages' init functions
	Open        time.Duration // the whole Open or OpenPackage call

	// Close
	Prepare  time.Duration // typemaps of other modules, patches, itabs, host-word handover
	Scan     time.Duration // the safety check: heap dump and its scan for holders
	ScanGC   time.Duration // the collection before the walk or the dump (of Scan's time)
	Walk     time.Duration // the stopped-world walk (of Scan's time)
	Dump     time.Duration // writing the heap dump (runtime/debug.WriteHeapDump, world stopped; of Scan's time)
	DumpScan time.Duration // reading it for holders (of Scan's time)
	Unlink   time.Duration // taking it off the runtime's module list and itab table, world stopped
	GC       time.Duration // the collection after the unlink
	Unmap    time.Duration // returning its memory
	Close    time.Duration // the whole Close call
}

// OpenString is the Open phases on one line, in milliseconds.
func (t Timings) OpenString() string { return binding.Timings(t).OpenString() }

// CloseString is the Close phases on one line, in milliseconds.
func (t Timings) CloseString() string { return binding.Timings(t).CloseString() }

// Check reports whether goload can load into this process: the host's
// symbol table is readable and every runtime function and variable the
// loader uses resolves and answers a harmless call correctly. It builds
// the host's symbol and type indexes (once per process, else the first
// Open does): called at startup, it keeps them out of the first load.
func Check() error { return pub(binding.Check()) }

// CheckPatch reports whether goload can patch functions in this process:
// the architecture, the patcher's tables for this Go version, the
// executable's function table and inline trees, the runtime functions
// that stop the world, the planner on a prologue of this program's own
// toolchain, and /proc/self/mem. It does the patcher's one-time setup:
// 0.5-1 ms of work in a fresh process, and 10-15 ms asleep while the
// kernel registers the process for membarrier(SYNC_CORE), which the first
// Apply otherwise waits for. Called at startup, in TestMain say, it keeps
// both out of the first patch, as Check does for the first Open.
func CheckPatch() error { return pub(binding.CheckPatch()) }

// FuncPatch replaces one function of the running program by another. The
// function's first bytes become a 5-byte JMP to a stub that calls the
// replacement; Original runs the replaced code through a trampoline.
type FuncPatch struct {
	p *binding.FuncPatch
}

// funcPatch wraps the implementation's patch (nil stays nil; a patch
// returned with an error is wrapped too).
func funcPatch(p *binding.FuncPatch) *FuncPatch {
	if p == nil {
		return nil
	}
	return &FuncPatch{p: p}
}

// funcPatches unwraps ps for the implementation (nil stays nil).
func funcPatches(ps []*FuncPatch) []*binding.FuncPatch {
	out := make([]*binding.FuncPatch, len(ps))
	for i, p := range ps {
		if p != nil {
			out[i] = p.p
		}
	}
	return out
}

// NewPatch prepares replacing target (a func value naming a function,
// method expression or closure body) by replacement, a func of the same
// type. Nothing is written until Apply.
func NewPatch(target, replacement any) (*FuncPatch, error) {
	p, err := binding.NewPatch(target, replacement)
	return funcPatch(p), pub(err)
}

// NewPatchSymbol prepares replacing the function named by its linker name
// ("main.handler", "pkg.(*T).method", "pkg.F.func1",
// "pkg.G[go.shape.int]") by replacement. Without the target's Go type the
// check is the ABI one: both must use the same argument frame.
func NewPatchSymbol(name string, replacement any) (*FuncPatch, error) {
	p, err := binding.NewPatchSymbol(name, replacement)
	return funcPatch(p), pub(err)
}

// Patch replaces target by replacement now; see NewPatch.
func Patch(target, replacement any) (*FuncPatch, error) {
	p, err := binding.Patch(target, replacement)
	return funcPatch(p), pub(err)
}

// PatchSymbol replaces the function called name by replacement now; see
// NewPatchSymbol.
func PatchSymbol(name string, replacement any) (*FuncPatch, error) {
	p, err := binding.PatchSymbol(name, replacement)
	return funcPatch(p), pub(err)
}

// Name is the patched function's linker name.
func (p *FuncPatch) Name() string { return p.p.Name() }

// Applied reports whether the entry jump is in place.
func (p *FuncPatch) Applied() bool { return p.p.Applied() }

// Original returns a func of the replacement's type that runs the code
// the patch replaced, whether or not the patch is applied. nil for the body
// of a func literal, which needs its closure context, and for PatchHost
// patches, whose types are not known on the Go side.
func (p *FuncPatch) Original() any { return p.p.Original() }

// Revert puts the original bytes back.
func (p *FuncPatch) Revert() error { return pub(p.p.Revert()) }

// Apply writes the entry jumps of every patch, all or none, with the world
// stopped; a goroutine stopped inside bytes to be written makes it start
// the world and try again. A patch of a function that another patch has
// already replaced (v2 of a fix over v1) replaces that patch in the same
// stop: the entry jump stays, calls go to v1 until the stop and to v2 from
// then on, never to the original code; v1 is then no longer applied
// (Applied reports false, its Revert does nothing).
func Apply(ps ...*FuncPatch) error { return pub(binding.Apply(funcPatches(ps)...)) }

// Revert puts the original bytes of several patches back, all or none.
func Revert(ps ...*FuncPatch) error { return pub(binding.Revert(funcPatches(ps)...)) }

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

// LastPause reports the stop of the most recent Apply or Revert.
func LastPause() PauseStats { return PauseStats(binding.LastPause()) }

// Error is a failure reported by the C library: a machine-readable code
// and a message naming the file, symbol or offset.
type Error struct {
	Code int    // goload_code
	Name string // "format", "unresolved", ...
	Msg  string
}

func (e *Error) Error() string { return (*binding.Error)(e).Error() }

// PatchError is a refusal: Reason is machine-readable ("inlined",
// "signature", "busy", ...), Msg names the function and the cause.
type PatchError struct {
	Reason string
	Msg    string
}

func (e *PatchError) Error() string { return (*binding.PatchError)(e).Error() }

// UnloadError is Close's refusal. Each reason names what may still use
// the module and where it is held; the module stays loaded and working,
// and Close can be called again once the holders are gone.
type UnloadError struct {
	Module  string
	Reasons []string
}

func (e *UnloadError) Error() string { return (*binding.UnloadError)(e).Error() }

// pub is err with the implementation's error types converted to this
// package's (the same object, seen through the public type).
func pub(err error) error {
	switch e := err.(type) {
	case *binding.Error:
		return (*Error)(e)
	case *binding.PatchError:
		return (*PatchError)(e)
	case *binding.UnloadError:
		return (*UnloadError)(e)
	}
	return err
}
