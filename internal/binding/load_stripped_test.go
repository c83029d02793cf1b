package binding

import (
	"debug/elf"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Hosts built the other ways users build them load exactly like a plain
// `go build`: stripped (functions from pclntab, data symbols recovered from
// the host's packages' objects), position-independent (every address
// from the file moved by the load bias), both, and stripped with the Go
// linker (g at %fs:-8) instead of the external one cgo implies.
var hostVariants = []struct {
	name, ldflags string
	flags         []string
}{
	{"stripped", "-s -w", nil},
	{"pie", "", []string{"-buildmode=pie"}},
	{"pie-stripped", "-s -w", []string{"-buildmode=pie"}},
	{"internal-stripped", "-s -w -linkmode=internal", nil},
}

// variantEnv lets a stripped host's `go list -export` find the archives
// its own build used: the test hosts are built with treeOverlay's extra
// file in package goload, which the build info does not record.
func variantEnv(t *testing.T) []string { return []string{"GOFLAGS=-overlay=" + treeOverlay(t)} }

func TestLoadHostVariants(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/initorder").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range hostVariants {
			t.Run(v.name, func(t *testing.T) {
				bin := testHost(t, tc, v.ldflags, v.flags...)
				env := variantEnv(t)
				loadCheckIn(t, tc, bin, env, "check")
				loadCheckIn(t, tc, bin, env, "plain", "./testdata/fix/plain")
				loadCheckIn(t, tc, bin, env, "asm", "./testdata/fix/asmfix")
				loadCheckIn(t, tc, bin, append(env, "GOGC=1"), "feat", "./testdata/fix/feat")
				loadCheckIn(t, tc, bin, env, "std", "./testdata/fix/stdfix")
				loadCheckIn(t, tc, bin, env, "reuse", "./testdata/fix/usestwin", "./testdata/fix/twin/feat")
				out := loadCheckIn(t, tc, bin, env, "init", "./testdata/fix/inita", "./testdata/fix/initb")
				if out != string(want)+"ok\n" {
					t.Fatalf("loaded init order %q, go build's %q", out, want)
				}
			})
		}
	})
}

var recoveredLine = regexp.MustCompile(`goload: stripped host: .*`)

// The price of a stripped host is paid by the first Open: one `go list
// -export -deps` of the host's packages, then matching its code. Printed
// next to the same Open in the unstripped host.
func TestStrippedHostCost(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		plainArchive := archiveBy(t, tc, "./testdata/fix/plain")
		timed := func(bin string) (time.Duration, string) {
			cmd := exec.Command(bin, "plain", plainArchive)
			cmd.Env = append(append(os.Environ(), variantEnv(t)...), "GOLOAD_DEBUG=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			start := time.Now()
			if out, err := cmd.Output(); err != nil || !strings.HasSuffix(string(out), "ok\n") {
				t.Fatalf("%s plain: %v\n%s\n%s", bin, err, out, stderr.String())
			}
			return time.Since(start), recoveredLine.FindString(stderr.String())
		}
		plain := testHost(t, tc, "")
		timed(plain) // warm the page cache and the build cache's entries
		dPlain, _ := timed(plain)
		stripped := testHost(t, tc, "-s -w")
		dStripped, line := timed(stripped)
		if line == "" {
			t.Fatal("the stripped host did not report recovering its data symbols")
		}
		t.Logf("host process with one Open: unstripped %v, stripped %v\n%s", dPlain.Round(time.Millisecond),
			dStripped.Round(time.Millisecond), line)
	})
}

// A data symbol recovery cannot find is named with what needs it, and the
// error says why: here the archive go list gives for the twin package is
// compiled with other flags than the host's copy, so none of its code
// matches and its variable Held (referenced by the host's main and by that
// package alone) stays unknown.
func TestStrippedHost(t *testing.T) {
	var last toolchain
	for _, tc := range toolchains(t) {
		if tc.supported() {
			last = tc
		}
	}
	bin := testHost(t, last, "-s -w")
	env := []string{"GOFLAGS=-overlay=" + treeOverlay(t) + " -gcflags=github.com/goload/goload/internal/binding/testdata/fix/twin/feat=-N"}
	msg := runHost(t, bin, env, "mismatch", archiveBy(t, last, "./testdata/fix/usestwin"),
		"twin/feat.Held (referenced by github.com/goload/goload/internal/binding/testdata/fix/usestwin.", "stripped")
	t.Log(msg)
}

var resolveLine = regexp.MustCompile(`(?m)^goload: resolve (\S+) -> host (0x[0-9a-f]+)$`)

// Every host symbol the loaded code uses resolves in the stripped host to
// the address the linker's own symbol table gives in its twin built with
// -ldflags='-w -w' (the same length of build info, so the same layout,
// with .symtab kept).
func TestStrippedHostResolvesLikeSymtab(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		resolved := func(bin string) map[string]string {
			got := map[string]string{}
			for _, run := range [][]string{{"feat", "./testdata/fix/feat"}, {"std", "./testdata/fix/stdfix"},
				{"reuse", "./testdata/fix/usestwin", "./testdata/fix/twin/feat"}} {
				args := []string{run[0]}
				for _, fix := range run[1:] {
					args = append(args, archiveBy(t, tc, fix))
				}
				check := run[0]
				cmd := exec.Command(bin, args...)
				cmd.Env = append(append(os.Environ(), variantEnv(t)...), "GOLOAD_DEBUG=1")
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if out, err := cmd.Output(); err != nil || !strings.HasSuffix(string(out), "ok\n") {
					t.Fatalf("%s %s: %v\n%s\n%s", bin, check, err, out, stderr.String())
				}
				for _, m := range resolveLine.FindAllStringSubmatch(stderr.String(), -1) {
					// Looked up only to order the module's inits; a host
					// package's init task counts as run, found or not
					// (recovery does not name them: no code refers to them).
					if !strings.HasSuffix(m[1], "..inittask") {
						got[m[1]] = m[2]
					}
				}
			}
			return got
		}
		twin := testHost(t, tc, "-w -w")
		want := resolved(twin)
		got := resolved(testHost(t, tc, "-s -w"))
		f, err := elf.Open(twin)
		if err != nil {
			t.Fatal(err)
		}
		syms, err := f.Symbols()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		isData := map[string]bool{}
		for _, s := range syms {
			isData[s.Name] = elf.ST_TYPE(s.Info) == elf.STT_OBJECT
		}
		data := 0
		for name, a := range want {
			if got[name] != a {
				t.Errorf("%s: stripped host gives %q, the twin's .symtab %s", name, got[name], a)
			}
			if isData[name] {
				data++
			}
		}
		if len(want) < 50 || data == 0 {
			t.Fatalf("only %d host symbols (%d variables) resolved in the unstripped twin", len(want), data)
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("%s resolved only in the stripped host", name)
			}
		}
		t.Logf("%d host symbols resolved alike, %d of them variables", len(want), data)
	})
}
