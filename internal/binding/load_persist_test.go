package binding

import (
	"strings"
	"testing"
)

// Variables of host packages that the host's linker dropped have one copy
// per process, which outlives the module that first needed them (the
// host extension, docs/unload.md). Module A calls mime.AddExtensionType,
// fills hp's map and sets hp's func variable (to its own closure: Close is
// refused naming hp.hook; then to a host function), and closes; module B
// reads all of it; A is opened again and reads it too. The output must be
// what the natively linked twin prints, on a host with mime's and hp's
// readers (../host: those variables are the host's) and on one without
// (../hostnone: they come from the archives). Before, on hostnone, B got a
// fresh mime.once whose initMime reset mime's tables (".goload" unknown),
// a fresh hp.table ("<none>") and a nil hp.hook.
func TestPersistDroppedHostVars(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, host := range []string{"host", "hostnone"} {
			want, err := tc.cmd("run", "./testdata/persist/twin", host).Output()
			if err != nil {
				t.Fatalf("go run twin: %v", err)
			}
			bin := buildHost(t, tc, "./testdata/persist/"+host, "")
			nm, err := tc.cmd("tool", "nm", bin).Output()
			if err != nil {
				t.Fatal(err)
			}
			// hostnone must leave mime's lazy init and hp's variables to
			// the archives, host must keep them
			for _, sym := range []string{" mime.initMime\n", " mime.once\n", "/persist/hp.table\n", "/persist/hp.hook\n"} {
				if has := strings.Contains(string(nm), sym); has != (host == "host") {
					t.Fatalf("%s: the host has%s: %v; the test needs %v", host, strings.TrimSpace(sym), has, host == "host")
				}
			}
			got, log := runDebug(t, bin, "", host)
			if got != string(want) {
				t.Fatalf("%s printed\n%s\ngo run twin printed\n%s\nlog (tail):\n%s", host, got, want, tail(log, 3000))
			}
			if host == "hostnone" && !strings.Contains(log, "goload: host extension goload.hostext.") {
				t.Errorf("%s: no host extension was linked (the test does not test it)", host)
			}
			t.Logf("%s: %s", host, strings.ReplaceAll(strings.TrimSpace(got), "\n", "; "))
		}
	})
}
