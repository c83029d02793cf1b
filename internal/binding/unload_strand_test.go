package binding

import (
	"regexp"
	"strings"
	"testing"
)

// Module a loads a package the host lacks (testdata/strand/lack: the host
// has *lack.T's descriptor, none of its code) and fills the host's
// dropped method-table entries of *lack.T with its own methods; module b,
// opened later, needs a host extension (hx's dropped Lookup), linked
// after a and never closed. The extension makes no interface call of
// Double or Half, does not use reflect's Method and puts no *lack.T in an
// interface, so it cannot reach them through the host's table: a's Close
// succeeds, as in the native twin. Before, it was refused for as long as
// the process lived, naming the extension ("was opened while 2 of the
// host's dropped methods ... pointed into this module"; peers'
// eh_two_modules on Go 1.27).
func TestCloseStrandedByExtension(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/strand/twin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/strand/host", "")
		got, log := runDebug(t, bin, "")
		if got != string(want) {
			t.Fatalf("loaded modules printed\n%s\nthe native twin printed\n%s\nlog (tail):\n%s", got, want, tail(log, 4000))
		}
		// The premise: a filled the entries itself, and the extension
		// came after it.
		for _, s := range []string{"dropped method github.com/goload/goload/internal/binding/testdata/strand/lack.(*T).Double filled from its archive",
			"goload: host extension goload.hostext.",
			"cannot call github.com/goload/goload/internal/binding/testdata/strand/lack.(*T).Double through the host's method table"} {
			if !strings.Contains(log, s) {
				t.Fatalf("the log lacks %q: the test's premise does not hold\n%s", s, tail(log, 4000))
			}
		}
	})
}

// The rule stays: modcall, opened with Open after a (no copy of its own),
// calls Double through an interface on the host's *lack.T, reaching a's
// code through the host's method table. a's Close is refused, naming
// modcall and the method, while modcall is open; modcall still gets 42;
// then both close.
func TestCloseStrandedByCaller(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, "./testdata/strand/host", "")
		out, err := tc.cmd("list", "-export", "-f", "{{.Export}}", "./testdata/strand/modcall").Output()
		if err != nil {
			t.Fatalf("go list -export: %v", err)
		}
		got, log := runDebug(t, bin, "", "caller", strings.TrimSpace(string(out)))
		re := regexp.MustCompile(`^used 7\na 42\ncall 42\n` +
			`close a: goload: module goload\.module\.[0-9a-f]+ is still in use: module goload\.module\.[0-9a-f]+ was opened while 1 of the host's dropped methods \(github\.com/goload/goload/internal/binding/testdata/strand/lack\.\(\*T\)\.Double\) pointed into this module, and has no copy of its own to take them over \(it may call them through an interface; close it first\)\n` +
			`call 42\nclose call: <nil>\nclose a: <nil>\n$`)
		if !re.MatchString(got) {
			t.Fatalf("host printed\n%s\nlog (tail):\n%s", got, tail(log, 4000))
		}
	})
}
