package binding

import (
	"regexp"
	"strings"
	"testing"
)

// Modules that each supply the host's dropped methods (shapes.Rect.Area,
// Perim, (*Circle).Area: called through the host's own itabs, itabs the
// runtime builds, an itab the host's type-assertion cache keeps, and
// directly) close in every order, two and three of them: the first
// module fills the host's entries, a later one records its own copy, and
// Close of the filler hands each entry over to a live module's copy (or
// writes the linker's value back when none is left). After each Close the
// remaining modules are called again; everything printed must equal the
// same packages linked natively (testdata/closeorder/twin). Before the
// handover, closing the first module was refused while a later one was
// open ("was opened after it ... close it first"). Since host extensions
// the methods are the extension's (linked by the first OpenPackage, never
// closed): no module fills, hands over or writes back a host entry.
func TestCloseOrderDroppedMethods(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/closeorder/twin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/closeorder/host", "")
		nm, err := tc.cmd("tool", "nm", bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, meth := range []string{"shapes.Rect.Area", "shapes.Rect.Perim", "shapes.(*Circle).Area"} {
			if strings.Contains(string(nm), meth) {
				t.Fatalf("the host has %s: the test needs it dropped", meth)
			}
		}
		got, log := runDebug(t, bin, "")
		if got != string(want) {
			t.Fatalf("loaded modules printed\n%s\nthe native twin printed\n%s\nlog (tail):\n%s", got, want, tail(log, 3000))
		}
		handed := regexp.MustCompile(`(\d+) handed over to other modules, (\d+) written back`).FindAllStringSubmatch(log, -1)
		var over, back int
		for _, h := range handed {
			if h[1] != "0" {
				over++
			}
			if h[2] != "0" {
				back++
			}
		}
		// 8 orders, 20 Closes: the host extension filled the entries; a
		// module that handed one over or wrote one back owned it.
		if over != 0 || back != 0 || !strings.Contains(log, "goload: host extension goload.hostext.") {
			t.Fatalf("%d Closes handed host entries over, %d wrote them back (want 0 and 0: the host extension's):\n%s", over, back, tail(log, 3000))
		}
		t.Logf("%s: the host's entries are the host extension's; no Close handed over or wrote back", tc.version)
	})
}

// A module opened with Open (no host archives) while an OpenPackage
// module needed the host's dropped Rect.Area has no copy of its own and
// calls that one through an itab the runtime builds. The supplier's Close
// refused, naming the module and the method, until that module was closed;
// since host extensions the method is the extension's, so the first Close
// succeeds and the plain module still calls Area (48, as natively).
func TestCloseOrderStranded(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, "./testdata/closeorder/host", "")
		out, err := tc.cmd("list", "-export", "-f", "{{.Export}}", "./testdata/closeorder/modplain").Output()
		if err != nil {
			t.Fatalf("go list -export: %v", err)
		}
		got, log := runDebug(t, bin, "", "plain", strings.TrimSpace(string(out)))
		re := regexp.MustCompile(`^plain area 42\nclose a: <nil>\n` +
			`plain area 48\nclose plain: <nil>\nclose a: goload: inval: Close: the module is closed\n$`)
		// Go 1.21: the host "lacks" runtime/internal/atomic (none of its
		// own functions are in the host), so module a loads it and fills
		// the host's dropped methods of its types (which the host has)
		// itself: the old refusal stays, for those methods only.
		old := regexp.MustCompile(`^plain area 42\n` +
			`close a: goload: module goload\.module\.[0-9a-f]+ is still in use: module goload\.module\.[0-9a-f]+ was opened while \d+ of the host's dropped methods \(runtime/internal/atomic\.[^\n]+\) pointed into this module, and has no copy of its own to take them over \(it may call them through an interface; close it first\)\n` +
			`plain area 48\nclose plain: <nil>\nclose a: <nil>\n$`)
		if !re.MatchString(got) && !(tc.minor == "21" && old.MatchString(got)) {
			t.Fatalf("host printed\n%s\nlog (tail):\n%s", got, tail(log, 3000))
		}
	})
}

// A host using encoding/json, encoding/xml, encoding/binary and reflect
// loads a package that passes them its own types (their caches keep
// those: encoderCache, fieldCache, tinfoMap, structSize, ptrMap,
// lookupCache, funcLookupCache, structLookupCache, layoutCache,
// runtime.reflectOffs; on 1.27 encoding/json/v2's arshaler cache). Close
// drops those entries and closes; the host then uses the same packages
// with its own types. Everything printed equals the natively linked twin
// (testdata/closeorder/cachetwin). Before, Close refused, naming the
// caches.
func TestCloseOrderStdCaches(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/closeorder/cachetwin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/closeorder/cachehost", "")
		got, log := runDebug(t, bin, "")
		if got != string(want) {
			t.Fatalf("loaded module printed\n%s\nthe native twin printed\n%s\nlog (tail):\n%s", got, want, tail(log, 3000))
		}
		m := regexp.MustCompile(`only standard caches hold the module .*; dropped from them: (map\[.*\])`).FindStringSubmatch(log)
		if m == nil {
			t.Fatalf("the log does not say which caches Close cleaned:\n%s", tail(log, 3000))
		}
		t.Logf("%s: dropped %s", tc.version, m[1])
	})
}
