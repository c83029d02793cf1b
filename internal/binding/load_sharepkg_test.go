package binding

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// One copy of a package build per process (testdata/sharepkg): usea and
// useb both import shared, which the host lacks, and are loaded as two
// modules. The second reuses the first's shared: one counter, one
// shared.Tok (type assertions, type switches, reflect.Type equality, the
// same itab), exactly what the same code prints linked natively
// (testdata/sharepkg/twin). Close of the first is refused, naming the
// second, until the second is closed; closing the second first works.

const shareHost = "./testdata/sharepkg/host"

func shareTwin(t *testing.T, tc toolchain) string {
	t.Helper()
	want, err := tc.cmd("run", "./testdata/sharepkg/twin").Output()
	if err != nil {
		t.Fatalf("go run twin: %v", err)
	}
	return string(want)
}

// shareCloses is what the host prints after the script for each order.
var shareCloses = map[string]string{
	"ab": "close usea's module first: refused\nclose useb's module: <nil>\nclose usea's module: <nil>\n",
	"ba": "close useb's module: <nil>\nclose usea's module: <nil>\n",
}

func TestSharePackageOpenPackage(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want := shareTwin(t, tc)
		bin := buildHost(t, tc, shareHost, "")
		for _, order := range []string{"ab", "ba"} {
			if got := runHost(t, bin, nil, "pkg", order); got != want+shareCloses[order] {
				t.Fatalf("order %s: the loaded modules printed\n%s\nthe native twin\n%s(then %q)", order, got, want, shareCloses[order])
			}
		}
		_, log := runDebug(t, bin, "", "pkg", "ab")
		if !strings.Contains(log, "package github.com/goload/goload/internal/binding/testdata/sharepkg/shared (") ||
			!strings.Contains(log, "reused from module goload.module.") {
			t.Fatalf("the log does not say shared was reused from the first module:\n%s", tail(log, 3000))
		}
		t.Log(strings.TrimSpace(want))
	})
}

// The same with goload.Open of the archives: the second Open is given
// shared's archive too, and reuses the first module's copy.
func TestSharePackageArchives(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want := shareTwin(t, tc)
		bin := buildHost(t, tc, shareHost, "")
		archives := []string{archiveBy(t, tc, "./testdata/sharepkg/shared"), archiveBy(t, tc, "./testdata/sharepkg/usea"),
			archiveBy(t, tc, "./testdata/sharepkg/useb")}
		for _, order := range []string{"ab", "ba"} {
			if got := runHost(t, bin, nil, append([]string{"archives", order}, archives...)...); got != want+shareCloses[order] {
				t.Fatalf("order %s: the loaded modules printed\n%s\nthe native twin\n%s(then %q)", order, got, want, shareCloses[order])
			}
		}
	})
}

// overlayFile writes a go build -overlay file replacing the repository's
// file rel by src; it returns the overlay's path.
func overlayFile(t *testing.T, rel, src string) string {
	t.Helper()
	dir := t.TempDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	alt := filepath.Join(dir, filepath.Base(rel))
	if err := os.WriteFile(alt, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ov := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(ov, []byte(fmt.Sprintf(`{"Replace":{%q:%q}}`, filepath.Join(wd, rel), alt)), 0o644); err != nil {
		t.Fatal(err)
	}
	return ov
}

// A module whose Close was refused (a goroutine still runs in it), then
// OpenPackage of the same package again: the same build is the first
// module's (the counter goes on), another build (shared.Next counts by 2:
// GOFLAGS=-overlay) is a copy of its own. Both answer, none crashes the
// host, and the first closes once the others are closed and its goroutine
// is gone. Before, the same build was loaded a second time, and the
// second copy of hostiface.Sizer (a descriptor the host dropped, taken
// from its archive) had its methods' type offsets pointing at jumps in the
// text (their types are the host's): typelinksinit compared the copies
// and the host died with "fatal error: runtime: type offset out of range"
// (typesEqual <- resolveTypeOff), every run on Go 1.26.
func TestShareReopenAfterRefusedClose(t *testing.T) {
	src, err := os.ReadFile("testdata/sharepkg/shared/shared.go")
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(string(src), "counter++", "counter += 2", 1)
	if other == string(src) {
		t.Fatal("shared.go has no counter++")
	}
	ov := overlayFile(t, "testdata/sharepkg/shared/shared.go", other)
	forEach(t, func(t *testing.T, tc toolchain) {
		want := shareTwin(t, tc)
		i := strings.Index(want, "a.MapMethods ")
		if i < 0 {
			t.Fatalf("the twin printed no MapMethods line:\n%s", want)
		}
		methods := strings.TrimSpace(want[i+len("a.MapMethods "):])
		got := runHost(t, buildHost(t, tc, shareHost, ""), nil, "reopen", ov)
		exp := "first: next 1 methods: " + methods + "\n" +
			"first: close refused (a goroutine runs in shared)\n" +
			"again (same build): next 2 first: next 3\n" +
			"first: sizers 40\n" +
			"other build: next 2 4 make Tok(6, o) first: next 4 methods: " + methods + "\n" +
			"close again: <nil> close other: <nil>\n" +
			"first: closed\n"
		if got != exp {
			t.Fatalf("the host printed\n%s\nwant\n%s", got, exp)
		}
	})
}

// Two layouts under one name: the host knows lay.T (a Lookup type) but
// none of lay's code, so a module loads lay. A build whose T has the
// host's layout loads (the module keeps its own T of that layout); one
// with another layout is refused with a mismatch naming lay.T, as
// packages reused from the host are: a normal build has one package of a
// path, so one layout per type name.
func TestShareLayoutMismatch(t *testing.T) {
	src, err := os.ReadFile("testdata/sharepkg/lay/lay.go")
	if err != nil {
		t.Fatal(err)
	}
	swapped := strings.Replace(string(src), "\tA int\n\tB string\n", "\tB string\n\tA int\n", 1)
	if swapped == string(src) {
		t.Fatal("lay.go: no fields to swap")
	}
	ov := overlayFile(t, "testdata/sharepkg/lay/lay.go", swapped)
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, shareHost, "")
		nm, err := tc.cmd("tool", "nm", bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		// Go 1.21's linker keeps lay.T's methods (the host's Lookup
		// type): the package is then the host's, and a reused package's
		// types were checked before. Elsewhere the module loads lay.
		want, wantDiff := "same layout: {A:7 B:lay}\n", "differs from the host's: "
		if strings.Contains(string(nm), "testdata/sharepkg/lay.T.Sum") {
			want, wantDiff = "same layout: the host has lay's code\n", "refused: the host has lay's code"
		}
		if got := runHost(t, bin, nil, "layout", "same", archiveBy(t, tc, "./testdata/sharepkg/lay")); got != want {
			t.Fatalf("the same layout: %q, want %q", got, want)
		}
		out, err := tc.cmd("list", "-export", "-overlay="+ov, "-f", "{{.Export}}", "./testdata/sharepkg/lay").Output()
		if err != nil {
			t.Fatalf("go list -overlay: %v", err)
		}
		got := runHost(t, bin, nil, "layout", "differs", strings.TrimSpace(string(out)))
		if !strings.Contains(got, wantDiff) {
			t.Fatalf("another layout: %q", got)
		}
		t.Log(strings.TrimSpace(got))
	})
}
