package binding

/*
#include <stdlib.h>
#include "goload.h"

extern char *goloadDepArchive(char *pkg);
static char *goload_dep_hook(void *ctx, const char *pkg) { return goloadDepArchive((char *)pkg); }
static void goload_set_dep_hook(goload_link_opts *o) { o->dep_archive = goload_dep_hook; }
*/
import "C"

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Module is a set of Go packages loaded into the running program.
type Module struct {
	m *C.goload_module
	// stub: every package was the host's or an earlier module's; nothing
	// is mapped or registered, lookups go to those modules (uses).
	stub bool
	// uses are the earlier modules whose packages this one reuses (one
	// copy of a package build per process): they stay while it is open.
	uses []*Module
	// times: where Open and Close spent their time (Timings).
	times Timings
	// ext: a host extension (hostExts), never closed.
	ext bool
}

// loadMu serializes module registration: the runtime's modulesinit is not
// reentrant and the module list is appended without a lock.
var loadMu sync.Mutex

// Open links the archives (compiled by the host's own Go toolchain, e.g.
// the paths `go list -export` prints) into the running program, registers
// them with the runtime and runs their package initializers in order.
// Packages the host already contains must not be passed: the loaded code
// uses the host's copy of them.
func Open(archives ...string) (*Module, error) {
	t := Timings{}
	load, hostPkgs, hostArchives := splitHostBuild(archives)
	if len(load) == 0 && len(archives) > 0 {
		return nil, errorf("Open: nothing to load: every archive is of a package of the host's build (%s), whose code goes into host extensions when a module needs it", strings.Join(hostPkgs, ", "))
	}
	m, err := open(load, hostPkgs, hostArchives, time.Now(), &t, debugFlags(nil))
	if err == nil {
		m.debugOpenTimes("Open")
	}
	return m, err
}

// open links archives; hostPkgs[i] (compiled into hostArchives[i]) are
// packages the host has, read only for what its linker dropped. The
// phases' times go to t, the whole call's since start.
// fix (OpenFix) gives the only functions defined, from hostArchives.
func open(archives, hostPkgs, hostArchives []string, start time.Time, t *Timings, dbg C.uint, fix ...*fixSpec) (*Module, error) {
	var roots []string
	var fixVars map[string]uint64
	if len(fix) > 0 {
		roots, fixVars = fix[0].funcs, fix[0].vars
	}
	t0 := time.Now()
	prepareDebug(dbg) // the perf map's file, made meanwhile (debug.go)
	r, err := runtimeCalls()
	if err != nil {
		return nil, err
	}
	h, err := theHost()
	if err != nil {
		return nil, err
	}
	t.HostIndex += time.Since(t0)
	var copts C.goload_link_opts
	goroot := C.CString(runtime.GOROOT())
	defer C.free(unsafe.Pointer(goroot))
	copts.goroot = goroot
	if lvl := buildSetting("GOAMD64"); lvl != "" {
		cl := C.CString(lvl)
		defer C.free(unsafe.Pointer(cl))
		copts.goamd64 = cl
	}
	copts.debug = C.bool(debugOn())
	C.goload_set_dep_hook(&copts)
	argv, free := cArray(archives)
	defer free()
	hp, freeHP := cArray(hostPkgs)
	defer freeHP()
	ha, freeHA := cArray(hostArchives)
	defer freeHA()
	copts.host_pkgs, copts.host_archives, copts.nhost_archives = hp, ha, C.size_t(len(hostArchives))
	xvars := xVars(buildSetting("-ldflags"))
	xv, freeXV := cArray(xvars)
	defer freeXV()
	copts.xvars, copts.nxvars = xv, C.size_t(len(xvars))
	fr, freeFR := cArray(roots)
	defer freeFR()
	copts.fix_roots, copts.nfix_roots = fr, C.size_t(len(roots))
	if len(fixVars) > 0 {
		names := make([]string, 0, len(fixVars))
		for n := range fixVars {
			names = append(names, n)
		}
		fv, freeFV := cArray(names)
		defer freeFV()
		addrs := (*C.uint64_t)(C.malloc(C.size_t(8 * len(names))))
		defer C.free(unsafe.Pointer(addrs))
		for i, n := range names {
			unsafe.Slice(addrs, len(names))[i] = C.uint64_t(fixVars[n])
		}
		copts.fix_vars, copts.fix_var_addrs, copts.nfix_vars = fv, addrs, C.size_t(len(names))
	}

	loadMu.Lock()
	defer loadMu.Unlock()
	// The open modules, oldest first: a package build one of them loaded
	// is reused, not loaded again.
	var provs []*C.goload_module
	for _, o := range modules {
		if o.m != nil && !o.stub {
			provs = append(provs, o.m)
		}
	}
	if len(provs) > 0 {
		pp := (**C.goload_module)(C.malloc(C.size_t(len(provs)) * C.size_t(unsafe.Sizeof((*C.goload_module)(nil)))))
		defer C.free(unsafe.Pointer(pp))
		copy(unsafe.Slice(pp, len(provs)), provs)
		copts.providers, copts.nproviders = (**C.goload_module)(unsafe.Pointer(pp)), C.size_t(len(provs))
	}
	var cm *C.goload_module
	var e C.goload_err
	// What the host's linker dropped of its packages goes into host
	// extensions (never closed), linked before the module that first
	// needs it: one copy per process of each such variable. Not for a fix:
	// its archives are rebuilt from changed source, and what it takes of
	// them must stay the fix's own (a later fix replaces it); it still
	// binds to the extensions' copies, where the running state is.
	copts.split_host = C.bool(len(hostArchives) > 0 && len(fix) == 0)
	for round := 0; ; round++ {
		exts, freeExts := hostExtensions()
		copts.extensions, copts.nextensions = exts, C.size_t(len(hostExts))
		rc := C.goload_module_link(h, argv, C.size_t(len(archives)), &copts, &cm, &e)
		if rc < 0 {
			freeExts()
			return nil, cError(&e)
		}
		t.linkTimes(cm)
		if !C.goload_module_needs_extension(cm) {
			freeExts()
			break
		}
		var by *C.char
		if b := C.goload_module_split_blocked(cm, &by); b != nil {
			// Dropped host code that needs a package this module loads
			// itself: OpenPackage makes every package of the host's build
			// a host package (load_hostgraph.go), so that package is
			// another build. An extension cannot hold code depending on a
			// module, and module-owned copies of host-package variables
			// would not outlive the module: refused (docs/unload.md).
			err := errorf("host extension: %s, code of a host package that the host's linker dropped, needs %s, which this module loads itself: "+
				"its package is not of the host's build (GOLOAD_DEBUG=1 says why), and code a host extension holds for the process's life cannot depend on a module",
				C.GoString(b), C.GoString(by))
			freeExts()
			C.goload_module_free(cm)
			return nil, err
		}
		var ce *C.goload_module
		rc = C.goload_extension_link(h, cm, &copts, &ce, &e)
		freeExts()
		C.goload_module_free(cm)
		if rc < 0 {
			return nil, cError(&e)
		}
		t.linkTimes(ce)
		err := register(r, ce, t, dbg)
		if err != nil {
			return nil, err
		}
		x := opened(ce, false, t)
		x.ext = true
		hostExts = append(hostExts, x)
		debugf("host extension %s: %d bytes of dropped host-package code and data, kept for the process's life",
			C.GoString(C.goload_module_name(ce)), x.MappedBytes())
		if round == 2 {
			// Each extension holds what the link asked for; a third
			// request is a goload bug.
			return nil, errorf("host extension: the link of %s still needs dropped host symbols after %d extensions", strings.Join(archives, " "), round+1)
		}
	}
	if C.goload_module_is_stub(cm) {
		t.Open = time.Since(start)
		return opened(cm, true, t), nil
	}
	if err := register(r, cm, t, dbg); err != nil {
		return nil, err
	}
	t.Open = time.Since(start)
	return opened(cm, false, t), nil
}

// hostExts are the host extensions, oldest first (guarded by loadMu; also
// in modules, never closed).
var hostExts []*Module

// hostExtensions is hostExts as a C array and its freer.
func hostExtensions() (**C.goload_module, func()) {
	if len(hostExts) == 0 {
		return nil, func() {}
	}
	pp := (**C.goload_module)(C.malloc(C.size_t(len(hostExts)) * C.size_t(unsafe.Sizeof((*C.goload_module)(nil)))))
	for i, x := range hostExts {
		unsafe.Slice(pp, len(hostExts))[i] = x.m
	}
	return pp, func() { C.free(unsafe.Pointer(pp)) }
}

// register gives a linked module to the runtime (its host type fills,
// moduledata, itabs) and runs its init tasks.
func register(r *rtCalls, cm *C.goload_module, t *Timings, dbg C.uint) error {
	t0 := time.Now()
	var e C.goload_err
	if err := fillHostTypes(r, cm); err != nil {
		// The host's method tables may point into the module already:
		// it stays mapped.
		return err
	}
	if C.goload_module_publish(cm, &e) < 0 {
		C.goload_module_free(cm)
		return cError(&e)
	}
	// From here the runtime knows the module: only Close unmaps it.
	md := C.goload_module_moduledata(cm)
	registerDebug(cm, dbg) // perf and gdb name its code (debug.go)
	r.modulesinit()
	if err := addTypemap(r, cm); err != nil { // typelinksinit for this module, host types hashed once (load_typehash.go)
		return err
	}
	r.verify(md)
	// The itabs are read from C before itabLock is taken: a cgo call is a
	// system call to the scheduler, and one made holding a runtime lock
	// dies with "stopm holding locks" when its P was taken meanwhile (a
	// stop-the-world or sysmon's retake; seen under load on 1.23).
	itabs := make([]unsafe.Pointer, C.goload_module_nitabs(cm))
	for i := range itabs {
		itabs[i] = C.goload_module_itab(cm, C.size_t(i))
	}
	r.lock(r.itabLock)
	for _, it := range itabs {
		r.itabAdd(it)
	}
	r.unlock(r.itabLock)
	t.Register += time.Since(t0)
	t0 = time.Now()
	for i := 0; i < int(C.goload_module_ninittasks(cm)); i++ {
		r.doInit1(C.goload_module_inittask(cm, C.size_t(i)))
	}
	t.Inits += time.Since(t0)
	return nil
}

// cArray is a C array of C copies of ss (NULL when empty) and its freer.
func cArray(ss []string) (**C.char, func()) {
	if len(ss) == 0 {
		return nil, func() {}
	}
	argv := (**C.char)(C.malloc(C.size_t(len(ss)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	v := unsafe.Slice(argv, len(ss))
	for i, s := range ss {
		v[i] = C.CString(s)
	}
	return argv, func() {
		for _, p := range v {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(argv))
	}
}

// Name is the module's unique name, the one errors about it use (a
// refused Close names the modules that must be closed first by it); ""
// once it is closed.
func (m *Module) Name() string {
	loadMu.Lock()
	defer loadMu.Unlock()
	if m.m == nil {
		return ""
	}
	return C.GoString(C.goload_module_name(m.m))
}

// MappedBytes is the memory the module maps: code, read-only data and
// runtime tables, and data.
func (m *Module) MappedBytes() int {
	if m.m == nil {
		return 0
	}
	return int(C.goload_module_mapped(m.m))
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
//
//go:nocheckptr
func Lookup[T any](m *Module, name string) (T, error) {
	var zero T
	if m.m == nil {
		return zero, errClosed("Lookup " + name)
	}
	name = mainName(m, name) // "main.X" of a loaded main package (run.go)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var sym C.goload_symbol
	var e C.goload_err
	if C.goload_module_lookup(m.m, cname, &sym, &e) < 0 {
		return zero, cError(&e)
	}
	want := strings.TrimPrefix(C.GoString(sym._type), "type:")
	t := reflect.TypeOf((*T)(nil)).Elem()
	if sym._func {
		if t.Kind() != reflect.Func {
			return zero, errorf("%s is a function, not a %s", name, t)
		}
		if want != "" && linkName(t) != want {
			return zero, errorf("%s has type %s, not %s", name, want, linkName(t))
		}
		// Objects record no Go type for functions, but their DWARF
		// info lists each parameter's type; functions without it
		// (assembly) are checked by the size of their argument frame.
		if sym.has_sig {
			if err := checkSig(name, t, &sym); err != nil {
				return zero, err
			}
		} else if got := argsSize(t); got != uintptr(sym.args) {
			return zero, errorf("%s takes %d bytes of arguments and results, %s takes %d", name, sym.args, t, got)
		}
		return moduleFunc[T](uintptr(sym.addr)), nil
	}
	if t.Kind() != reflect.Pointer {
		return zero, errorf("%s is a variable: look it up as a pointer, not a %s", name, t)
	}
	if want == "" || linkName(t.Elem()) != want {
		return zero, errorf("%s has type %s, not %s", name, want, linkName(t.Elem()))
	}
	p := unsafe.Pointer(uintptr(sym.addr)) //nolint:govet // module data, outside the Go heap
	return *(*T)(unsafe.Pointer(&p)), nil
}

// argsSize is FuncInfo.Args of a function of type t under the register
// ABI (cmd/compile/internal/abi): stack-assigned parameters, then
// stack-assigned results (pointer-aligned), then the spill area of the
// register-assigned parameters, rounded to a pointer.
func argsSize(t reflect.Type) uintptr {
	const ptr = unsafe.Sizeof(uintptr(0))
	align := func(x, a uintptr) uintptr { return (x + a - 1) &^ (a - 1) }
	var off uintptr
	var spill []reflect.Type
	ints, floats := 9, 15
	for i := 0; i < t.NumIn(); i++ {
		if ni, nf, ok := regsOf(t.In(i)); ok && ni <= ints && nf <= floats {
			ints, floats = ints-ni, floats-nf
			spill = append(spill, t.In(i))
			continue
		}
		off = align(off, uintptr(t.In(i).Align())) + t.In(i).Size()
	}
	off = align(off, ptr)
	ints, floats = 9, 15
	for i := 0; i < t.NumOut(); i++ {
		if ni, nf, ok := regsOf(t.Out(i)); ok && ni <= ints && nf <= floats {
			ints, floats = ints-ni, floats-nf
			continue
		}
		off = align(off, uintptr(t.Out(i).Align())) + t.Out(i).Size()
	}
	off = align(off, ptr)
	for _, p := range spill {
		off = align(off, uintptr(p.Align())) + p.Size()
	}
	return align(off, ptr)
}

// regsOf counts the integer and floating-point registers a value of type t
// takes when register-assigned; ok is false when it cannot be.
func regsOf(t reflect.Type) (ints, floats int, ok bool) {
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return 0, 1, true
	case reflect.Complex64, reflect.Complex128:
		return 0, 2, true
	case reflect.String, reflect.Interface:
		return 2, 0, true
	case reflect.Slice:
		return 3, 0, true
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			fi, ff, fok := regsOf(t.Field(i).Type)
			if !fok {
				return 0, 0, false
			}
			ints, floats = ints+fi, floats+ff
		}
		return ints, floats, true
	case reflect.Array:
		switch t.Len() {
		case 0:
			return 0, 0, true
		case 1:
			return regsOf(t.Elem())
		}
		return 0, 0, false
	}
	return 1, 0, true
}

// linkName spells a type the way the Go linker names its descriptor
// (type:<name>): named types with their full package path.
func linkName(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() != "" {
			return t.PkgPath() + "." + t.Name()
		}
		return t.Name()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + linkName(t.Elem())
	case reflect.Slice:
		return "[]" + linkName(t.Elem())
	case reflect.Array:
		return "[" + itoa(t.Len()) + "]" + linkName(t.Elem())
	case reflect.Map:
		return "map[" + linkName(t.Key()) + "]" + linkName(t.Elem())
	case reflect.Chan:
		switch t.ChanDir() {
		case reflect.RecvDir:
			return "<-chan " + linkName(t.Elem())
		case reflect.SendDir:
			return "chan<- " + linkName(t.Elem())
		}
		return "chan " + linkName(t.Elem())
	case reflect.Func:
		var b strings.Builder
		b.WriteString("func(")
		for i := 0; i < t.NumIn(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if t.IsVariadic() && i == t.NumIn()-1 {
				b.WriteString("..." + linkName(t.In(i).Elem()))
			} else {
				b.WriteString(linkName(t.In(i)))
			}
		}
		b.WriteString(")")
		switch t.NumOut() {
		case 0:
		case 1:
			b.WriteString(" " + linkName(t.Out(0)))
		default:
			b.WriteString(" (")
			for i := 0; i < t.NumOut(); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(linkName(t.Out(i)))
			}
			b.WriteString(")")
		}
		return b.String()
	}
	return t.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// xVars are the variables -ldflags sets with -X ("import/path.name"),
// from the flags the build info records, split as cmd/go splits them
// (spaces outside single or double quotes).
func xVars(ldflags string) []string {
	var args []string
	var cur strings.Builder
	var quote byte
	in := false
	for i := 0; i < len(ldflags); i++ {
		c := ldflags[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t' || c == '\n':
			if in {
				args = append(args, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		args = append(args, cur.String())
	}
	var vars []string
	for i := 0; i < len(args); i++ {
		a := strings.TrimPrefix(args[i], "-")
		var def string
		switch {
		case a == "-X" || a == "X":
			if i+1 < len(args) {
				i++
				def = args[i]
			}
		case strings.HasPrefix(a, "X="), strings.HasPrefix(a, "-X="):
			def = a[strings.IndexByte(a, '=')+1:]
		default:
			continue
		}
		if name, _, ok := strings.Cut(def, "="); ok && name != "" {
			vars = append(vars, name)
		}
	}
	return vars
}
