package binding

import (
	"strings"
	"testing"
)

// A module whose code filled mime's tables (mime.AddExtensionType with
// its own string literals, and, in a host without mime's readers, its own
// copy of mime's lazy init storing its builtinTypesLower) closes, and the
// tables answer as in the same program built natively (testdata/mimecache
// twin), where nothing unloads: the host's TypeByExtension still knows
// ".goload" after Close, and a fresh copy of the module reads the builtin
// table. Close was refused before ("reachable from host global
// mime.extensions": pk_http of tests/peers).
func TestMimeCacheClose(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, host := range []string{"host", "hostnone"} {
			want, err := tc.cmd("run", "./testdata/mimecache/twin", host).Output()
			if err != nil {
				t.Fatalf("go run twin: %v", err)
			}
			bin := buildHost(t, tc, "./testdata/mimecache/"+host, "")
			nm, err := tc.cmd("tool", "nm", bin).Output()
			if err != nil {
				t.Fatal(err)
			}
			// hostnone must leave mime's lazy init to the module
			if has := strings.Contains(string(nm), " mime.initMime\n"); has != (host == "host") {
				t.Fatalf("%s: the host has mime.initMime: %v; the test needs %v", host, has, host == "host")
			}
			got, log := runDebug(t, bin, "", host)
			if got != string(want) {
				t.Fatalf("%s printed\n%s\ngo run twin printed\n%s\nlog (tail):\n%s", host, got, want, tail(log, 3000))
			}
			if !strings.Contains(log, "mime.extensions:") {
				t.Errorf("%s: Close did not copy the module's strings out of mime.extensions (the test does not test it)", host)
			}
			t.Logf("%s: %s", host, strings.ReplaceAll(strings.TrimSpace(got), "\n", "; "))
		}
	})
}
