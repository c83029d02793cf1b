package binding

// #include "goload.h"
import "C"

import (
	"fmt"
	"os"
	"time"
)

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
	Walk     time.Duration // the stopped-world walk (unload_fastscan.go; of Scan's time)
	Dump     time.Duration // writing the heap dump (runtime/debug.WriteHeapDump, world stopped; of Scan's time)
	DumpScan time.Duration // reading it for holders (of Scan's time)
	Unlink   time.Duration // taking it off the runtime's module list and itab table, world stopped
	GC       time.Duration // the collection after the unlink
	Unmap    time.Duration // returning its memory
	Close    time.Duration // the whole Close call
}

// Timings returns where the module's Open and Close spent their time.
func (m *Module) Timings() Timings {
	loadMu.Lock()
	defer loadMu.Unlock()
	return m.times
}

// linkTimes copies the C linker's per-phase times into t.
func (t *Timings) linkTimes(cm *C.goload_module) {
	ns := func(p C.int) time.Duration { return time.Duration(C.goload_module_phase_ns(cm, p)) }
	t.HostIndex += ns(C.GOLOAD_PHASE_HOST)
	t.Archives += ns(C.GOLOAD_PHASE_ARCHIVES)
	t.Resolve += ns(C.GOLOAD_PHASE_RESOLVE)
	t.Layout += ns(C.GOLOAD_PHASE_LAYOUT)
	t.Relocate += ns(C.GOLOAD_PHASE_RELOC)
	t.RuntimeMeta += ns(C.GOLOAD_PHASE_RTMETA)
	t.HostFill += ns(C.GOLOAD_PHASE_HOSTFILL)
}

func debugTime() bool { return debugFlag("time") }

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/1e6) }

// OpenString is the Open phases on one line, in milliseconds.
func (t Timings) OpenString() string {
	s := fmt.Sprintf("host index %s, archives %s, resolve %s, layout %s, relocate %s, runtime metadata %s, host fills %s, register %s, inits %s",
		ms(t.HostIndex), ms(t.Archives), ms(t.Resolve), ms(t.Layout), ms(t.Relocate), ms(t.RuntimeMeta), ms(t.HostFill), ms(t.Register), ms(t.Inits))
	if t.GoList != 0 || t.Plan != 0 {
		s = fmt.Sprintf("go list %s, plan %s, ", ms(t.GoList), ms(t.Plan)) + s
	}
	return fmt.Sprintf("%s ms (%s)", ms(t.Open), s)
}

// CloseString is the Close phases on one line, in milliseconds.
func (t Timings) CloseString() string {
	return fmt.Sprintf("%s ms (prepare %s, safety scan %s [GC %s, walk %s, heap dump %s, its scan %s], unlink %s, GC %s, unmap %s)",
		ms(t.Close), ms(t.Prepare), ms(t.Scan), ms(t.ScanGC), ms(t.Walk), ms(t.Dump), ms(t.DumpScan), ms(t.Unlink), ms(t.GC), ms(t.Unmap))
}

func (m *Module) debugOpenTimes(what string) {
	if debugTime() {
		fmt.Fprintf(os.Stderr, "goload: time: %s: %s\n", what, m.times.OpenString())
	}
}

// closeTimes records Close's phases (Open's stay) and prints them for
// GOLOAD_DEBUG=time.
func (m *Module) closeTimes(ct Timings) {
	t := &m.times
	t.Prepare, t.Scan, t.ScanGC, t.Dump, t.DumpScan = ct.Prepare, ct.Scan, ct.ScanGC, ct.Dump, ct.DumpScan
	t.Walk = ct.Walk
	t.Unlink, t.GC, t.Unmap, t.Close = ct.Unlink, ct.GC, ct.Unmap, ct.Close
	if debugTime() {
		fmt.Fprintf(os.Stderr, "goload: time: Close: %s\n", t.CloseString())
	}
}
