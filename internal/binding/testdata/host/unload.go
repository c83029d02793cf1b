package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/goload/goload"
)

const (
	modPkg   = "github.com/goload/goload/internal/binding/testdata/unload/mod"
	cyclePkg = "github.com/goload/goload/internal/binding/testdata/unload/cycle"
	cleanPkg = "github.com/goload/goload/internal/binding/testdata/unload/cleanup"
)

// unload CASE ARGS...: the checks of unload_test.go.
func unload(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: unload goroutine|value|patch|cycle|ver ARGS")
	}
	switch args[0] {
	case "goroutine":
		return unloadGoroutine(args[1])
	case "value":
		return unloadValue(args[1])
	case "patch":
		return unloadPatch(args[1])
	case "large":
		return unloadLarge(args[1])
	case "cleanup":
		return unloadCleanup(args[1])
	case "cleanupq":
		return unloadCleanupQueued(args[1])
	case "heap", "itab", "finalizer", "queued", "stack":
		return unloadHolders(args[0], args[1]) // holders.go
	case "selfheld":
		return unloadSelfHeld(args[1]) // selfheld.go
	case "cycle":
		n, err := strconv.Atoi(args[1])
		if err != nil || len(args) != 3 {
			return fmt.Errorf("unload cycle N ARCHIVE")
		}
		return unloadCycle(n, args[2])
	case "opengc":
		n, err := strconv.Atoi(args[1])
		if err != nil || len(args) != 3 {
			return fmt.Errorf("unload opengc N ARCHIVE")
		}
		return openUnderGC(n, args[2])
	case "ver":
		if len(args) != 4 {
			return fmt.Errorf("unload ver ORDER V1 V2")
		}
		return unloadVersions(args[1], args[2], args[3])
	}
	return fmt.Errorf("unknown unload check %q", args[0])
}

// refused checks that err is an *UnloadError with a reason containing
// every one of wants, and prints it.
func refused(err error, wants ...string) error {
	var ue *goload.UnloadError
	if !errors.As(err, &ue) {
		return fmt.Errorf("Close returned %v, want an *UnloadError", err)
	}
	fmt.Println("refused:", err)
	for _, w := range wants {
		found := false
		for _, r := range ue.Reasons {
			found = found || strings.Contains(r, w)
		}
		if !found {
			return fmt.Errorf("no reason names %q: %v", w, ue.Reasons)
		}
	}
	return nil
}

// hostGlobal is how a refusal names a variable of main: by name, or by
// address in a host built -s -w, whose data symbols come from recovery,
// which matches the host's packages but not main's own code.
func hostGlobal(name string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-ldflags" && strings.Contains(" "+s.Value+" ", " -s ") {
				return "host global 0x"
			}
		}
	}
	return "host global " + name
}

// closedChecks: a closed module refuses Lookup and a second Close.
func closedChecks(m *goload.Module, sym string) error {
	if _, err := goload.Lookup[func()](m, sym); err == nil || !strings.Contains(err.Error(), "closed") {
		return fmt.Errorf("Lookup on a closed module: %v", err)
	}
	if err := m.Close(); err == nil || !strings.Contains(err.Error(), "closed") {
		return fmt.Errorf("second Close: %v", err)
	}
	return nil
}

func unloadGoroutine(archive string) error {
	m, err := goload.Open(archive)
	if err != nil {
		return err
	}
	block, err := goload.Lookup[func()](m, modPkg+".Block")
	if err != nil {
		return err
	}
	release, err := goload.Lookup[func()](m, modPkg+".Release")
	if err != nil {
		return err
	}
	block()
	if err := refused(m.Close(), "goroutine", modPkg+".Block.func1"); err != nil {
		return err
	}
	// The module still works after the refusal.
	release()
	tries := 0
	for ; ; tries++ {
		err = m.Close()
		if err == nil {
			break
		}
		if tries == 500 {
			return fmt.Errorf("Close still refused after the goroutine ended: %v", err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Printf("closed after the goroutine ended (%d retries)\n", tries)
	return closedChecks(m, modPkg+".Block")
}

// kept is a host global holding a value of a module-defined type.
var kept any

func unloadValue(archive string) error {
	m, err := goload.Open(archive)
	if err != nil {
		return err
	}
	newT, err := goload.Lookup[func(int) any](m, modPkg+".New")
	if err != nil {
		return err
	}
	kept = newT(21)
	newT = nil
	if err := refused(m.Close(), "type:"+modPkg+".T", hostGlobal("main.kept")); err != nil {
		return err
	}
	// The value is usable after the refusal: fmt, %v, a method call through an interface.
	fmt.Println("kept:", kept)
	fmt.Printf("kept %%v: %v\n", kept)
	tw, ok := kept.(interface{ Twice() int })
	if !ok {
		return fmt.Errorf("kept %T has no Twice method", kept)
	}
	if got := tw.Twice(); got != 42 {
		return fmt.Errorf("Twice() = %d", got)
	}
	if s := fmt.Sprint(kept); s != "T(21, module)" {
		return fmt.Errorf("kept prints as %q", s)
	}
	tw = nil
	kept = nil
	if err := m.Close(); err != nil {
		return fmt.Errorf("Close after dropping the value: %v", err)
	}
	fmt.Println("closed after the value was dropped")
	return closedChecks(m, modPkg+".New")
}

// keptInt points into a large object of a module-defined type.
var keptInt *int

func unloadLarge(archive string) error {
	m, err := goload.Open(archive)
	if err != nil {
		return err
	}
	interior, err := goload.Lookup[func() *int](m, modPkg+".Interior")
	if err != nil {
		return err
	}
	keptInt = interior()
	interior = nil
	*keptInt = 5
	err = m.Close()
	if err != nil {
		if err := refused(err, "type:"+modPkg+".Big", hostGlobal("main.keptInt")); err != nil {
			return err
		}
	} else {
		fmt.Println("closed: this Go version keeps no type for large objects")
	}
	// Whatever Close decided, the GC must still scan the object safely.
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	if *keptInt != 5 {
		return fmt.Errorf("*keptInt = %d", *keptInt)
	}
	if err == nil {
		return nil
	}
	keptInt = nil
	if err := m.Close(); err != nil {
		return fmt.Errorf("Close after dropping the pointer: %v", err)
	}
	fmt.Println("closed after the pointer was dropped")
	return nil
}

// keptBuf carries the module's cleanup.
var keptBuf *[64]byte

// openCleanup loads the cleanup fixture and looks up its callback.
func openCleanup(archive string) (*goload.Module, func(int32), error) {
	m, err := goload.Open(archive)
	if err != nil {
		return nil, nil, err
	}
	onCleanup, err := goload.Lookup[func(int32)](m, cleanPkg+".OnCleanup")
	return m, onCleanup, err
}

func unloadCleanup(archive string) error {
	m, onCleanup, err := openCleanup(archive)
	if err != nil {
		return err
	}
	keptBuf = new([64]byte)
	supported := addCleanup(keptBuf, onCleanup)
	onCleanup = nil
	if !supported {
		if err := m.Close(); err != nil {
			return err
		}
		fmt.Println("closed: no runtime.AddCleanup before Go 1.24")
		return nil
	}
	if err := refused(m.Close(), "a cleanup (runtime.AddCleanup) on the object at", "would run "+cleanPkg+".OnCleanup"); err != nil {
		return err
	}
	// The object dies: the runtime runs the cleanup (the module's code,
	// still loaded), and nothing is left to call into the module.
	ran, err := goload.Lookup[func() int32](m, cleanPkg+".Ran")
	if err != nil {
		return err
	}
	keptBuf = nil
	for i := 0; i < 200 && ran() == 0; i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if n := ran(); n != 1 {
		return fmt.Errorf("the cleanup ran %d times, want 1", n)
	}
	ran = nil
	if err := m.Close(); err != nil {
		return fmt.Errorf("Close after the cleanup ran: %v", err)
	}
	fmt.Println("closed after the cleanup ran")
	return nil
}

//go:noinline
func hostAnswer() int { return 42 }

func unloadPatch(archive string) error {
	m, err := goload.Open(archive)
	if err != nil {
		return err
	}
	ps, err := m.PatchHost(map[string]string{"main.hostAnswer": modPkg + ".Answer"})
	if err != nil {
		return err
	}
	if got := hostAnswer(); got != 4242 {
		return fmt.Errorf("patched hostAnswer() = %d", got)
	}
	if err := refused(m.Close(), "main.hostAnswer", modPkg+".Answer"); err != nil {
		return err
	}
	if got := hostAnswer(); got != 4242 {
		return fmt.Errorf("hostAnswer() = %d after the refused Close", got)
	}
	if err := goload.Revert(ps...); err != nil {
		return err
	}
	ps = nil
	if err := m.Close(); err != nil {
		return fmt.Errorf("Close after Revert: %v", err)
	}
	if got := hostAnswer(); got != 42 {
		return fmt.Errorf("hostAnswer() = %d after Close", got)
	}
	fmt.Println("closed after the patch was reverted")
	return closedChecks(m, modPkg+".Answer")
}

// procFigures: lines of /proc/self/maps and VmRSS in KiB.
// procFigures reads the lines of /proc/self/maps, VmRSS (KiB) and the
// number of OS threads (each thread the runtime adds maps its stack and a
// guard page: two lines that are not goload's).
func procFigures() (lines, rssKiB, threads int) {
	maps, _ := os.ReadFile("/proc/self/maps")
	lines, rssKiB, threads = strings.Count(string(maps), "\n"), -1, -1
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) >= 2 {
			switch fs[0] {
			case "VmRSS:":
				rssKiB, _ = strconv.Atoi(fs[1])
			case "Threads:":
				threads, _ = strconv.Atoi(fs[1])
			}
		}
	}
	return
}

// oneCycle loads, runs and closes the cycle package.
func oneCycle(archive string) (time.Duration, error) {
	m, err := goload.Open(archive)
	if err != nil {
		return 0, err
	}
	run, err := goload.Lookup[func(int) int](m, cyclePkg+".Run")
	if err != nil {
		return 0, err
	}
	want := 64 // len(table)
	for i := 0; i < 8; i++ {
		want += i*i + i*(i+1)
	}
	if got := run(8); got != want {
		return 0, fmt.Errorf("Run(8) = %d, want %d", got, want)
	}
	run = nil
	t0 := time.Now()
	if err := m.Close(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

func unloadCycle(n int, archive string) error {
	const warm = 10
	for i := 0; i < warm; i++ {
		if _, err := oneCycle(archive); err != nil {
			return fmt.Errorf("warm-up cycle %d: %v", i, err)
		}
	}
	runtime.GC()
	maps0, rss0, threads0 := procFigures()
	maxMaps, maxRSS := maps0, rss0
	var closeTime time.Duration
	for i := 0; i < n; i++ {
		d, err := oneCycle(archive)
		if err != nil {
			return fmt.Errorf("cycle %d: %v", i, err)
		}
		closeTime += d
		if i%50 == 49 {
			mp, rs, _ := procFigures()
			maxMaps, maxRSS = max(maxMaps, mp), max(maxRSS, rs)
		}
	}
	runtime.GC()
	maps1, rss1, threads1 := procFigures()
	fmt.Printf("cycles: %d (after %d warm-up)\n", n, warm)
	fmt.Printf("maps lines: start %d end %d max %d\n", maps0, maps1, maxMaps)
	fmt.Printf("VmRSS KiB: start %d end %d max %d\n", rss0, rss1, maxRSS)
	fmt.Printf("threads: start %d end %d\n", threads0, threads1)
	fmt.Printf("close ms: %.3f\n", float64(closeTime.Microseconds())/1000/float64(max(n, 1)))
	return nil
}

// unloadVersions loads v1 and v2 of example.com/ver side by side and
// closes them in ORDER ("12": v1 first, "21": v2 first).
func unloadVersions(order, a1, a2 string) error {
	type ver struct {
		m      *goload.Module
		answer func() (string, int)
		want   string
		path   string
	}
	var vs [2]*ver
	for i, spec := range [2][2]string{{a1, "example.com/ver"}, {a2, "example.com/ver/v2"}} {
		m, err := goload.Open(spec[0])
		if err != nil {
			return fmt.Errorf("%s: %v", spec[1], err)
		}
		f, err := goload.Lookup[func() (string, int)](m, spec[1]+".Answer")
		if err != nil {
			return err
		}
		vs[i] = &ver{m, f, fmt.Sprintf("ver v%d", i+1), spec[1]}
	}
	// Values of the same unnamed type from both versions, through reflect
	// (which resolves types through the typemaps), before and after Close.
	arrays := func(v *ver) (string, error) {
		f, err := goload.Lookup[func() any](v.m, v.path+".Array")
		if err != nil {
			return "", err
		}
		a := f()
		return fmt.Sprintf("%v %v", a, reflect.TypeOf(a)), nil
	}
	for _, v := range vs {
		a, err := arrays(v)
		if err != nil {
			return err
		}
		fmt.Printf("%s: %s\n", v.want, a)
	}
	calls := 0
	check := func(v *ver) error {
		s, n := v.answer()
		if s != v.want || n != calls+1 {
			return fmt.Errorf("Answer() = %q, %d; want %q, %d", s, n, v.want, calls+1)
		}
		fmt.Printf("%s: %s (call %d)\n", v.want, s, n)
		return nil
	}
	for _, v := range vs {
		if err := check(v); err != nil {
			return err
		}
	}
	calls++
	first, second := vs[0], vs[1]
	if order == "21" {
		first, second = vs[1], vs[0]
	}
	first.answer = nil
	// The second module's variable holds a value of the first's type:
	// the first cannot be closed until it lets go.
	get, err := goload.Lookup[func() any](first.m, first.path+".Get")
	if err != nil {
		return err
	}
	kept, err := goload.Lookup[*any](second.m, second.path+".Kept")
	if err != nil {
		return err
	}
	*kept = get()
	get = nil
	if err := refused(first.m.Close(), "variable "+second.path+".Kept", "type:"+first.path+".Info"); err != nil {
		return err
	}
	fmt.Printf("%s holds %v\n", second.want, *kept)
	*kept = nil
	kept = nil
	if err := first.m.Close(); err != nil {
		return fmt.Errorf("closing %s: %v", first.want, err)
	}
	fmt.Println("closed", first.want)
	if err := check(second); err != nil {
		return fmt.Errorf("after closing %s: %v", first.want, err)
	}
	a, err := arrays(second)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s\n", second.want, a)
	second.answer = nil
	if err := second.m.Close(); err != nil {
		return fmt.Errorf("closing %s: %v", second.want, err)
	}
	fmt.Println("closed", second.want)
	return nil
}

// unloadCleanupQueued: the module's cleanup is queued (its object died)
// behind a host cleanup that blocks the only cleanup goroutine. It is no
// special any more: Close must still not unload the module before it ran.
func unloadCleanupQueued(archive string) error {
	runtime.GOMAXPROCS(1) // one cleanup goroutine (runtime.maxCleanupGs)
	m, onCleanup, err := openCleanup(archive)
	if err != nil {
		return err
	}
	ran, err := goload.Lookup[func() int32](m, cleanPkg+".Ran")
	if err != nil {
		return err
	}
	started, release := make(chan bool, 1), make(chan bool)
	blocker := new([64]byte)
	if !addCleanup(blocker, func(int32) { started <- true; <-release }) {
		onCleanup, ran = nil, nil
		if err := m.Close(); err != nil {
			return err
		}
		fmt.Println("closed: no runtime.AddCleanup before Go 1.24")
		return nil
	}
	blocker = nil
	if !gcUntil(func() bool { return len(started) > 0 }) {
		return fmt.Errorf("the host's blocking cleanup never ran")
	}
	obj := new([64]byte)
	addCleanup(obj, onCleanup)
	obj, onCleanup = nil, nil
	runtime.GC()
	runtime.GC()
	if n := ran(); n != 0 {
		return fmt.Errorf("the module's cleanup ran %d times behind a blocked one", n)
	}
	ran = nil
	switch v := runtime.Version(); {
	case strings.HasPrefix(v, "go1.24"):
		// cleanups are queued as finalizers, which the heap dump lists
		if err := refused(m.Close(), "reachable from a finalizer", "points to "+cleanPkg+".OnCleanup"); err != nil {
			return err
		}
	default:
		if err := refused(m.Close(), "cleanups (runtime.AddCleanup) are queued and have not run"); err != nil {
			return err
		}
	}
	if ran, err = goload.Lookup[func() int32](m, cleanPkg+".Ran"); err != nil {
		return err
	}
	close(release)
	if !gcUntil(func() bool { return ran() == 1 }) {
		return fmt.Errorf("the module's cleanup ran %d times, want 1", ran())
	}
	ran = nil
	if err := m.Close(); err != nil {
		return fmt.Errorf("Close after the queued cleanup ran: %v", err)
	}
	fmt.Println("closed after the queued cleanup ran")
	return nil
}

// gcUntil runs the GC until cond holds (at most about 2 s).
func gcUntil(cond func() bool) bool {
	for i := 0; i < 400 && !cond(); i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	return cond()
}

// openUnderGC opens (and runs) the cycle package n times while two
// goroutines force collections without pause: every stop-the-world may
// take the P of a goroutine that is in a cgo call, and Open must not be
// in one while it holds a runtime lock (Go 1.23 died with "stopm holding
// locks" when it read the itabs from C under itabLock). The modules are
// closed at the end.
func openUnderGC(n int, archive string) error {
	stop := make(chan struct{})
	done := make(chan int)
	for k := 0; k < 2; k++ {
		go func() {
			gcs := 0
			for {
				select {
				case <-stop:
					done <- gcs
					return
				default:
					runtime.GC()
					gcs++
				}
			}
		}()
	}
	// Each module is closed before the next Open: an open module's
	// package build would be reused (one copy per process), and every
	// Open must register a module of its own.
	var err error
	opens := 0
	for i := 0; i < n && err == nil; i++ {
		var m *goload.Module
		if m, err = goload.Open(archive); err != nil {
			break
		}
		opens++
		var run func(int) int
		if run, err = goload.Lookup[func(int) int](m, cyclePkg+".Run"); err == nil {
			run(2)
		}
		run = nil
		for tries := 0; err == nil; tries++ {
			if err = m.Close(); err == nil || tries == 100 {
				break
			}
			err = nil
		}
	}
	close(stop)
	gcs := <-done + <-done
	if err != nil {
		return err
	}
	fmt.Printf("%d opens under %d forced GCs, all closed\n", opens, gcs)
	return nil
}
