package binding

import (
	"strings"
	"testing"
)

// An archive built by another Go version is refused, naming both.
func TestVersionMismatch(t *testing.T) {
	var usable []toolchain
	for _, tc := range toolchains(t) {
		if tc.supported() {
			usable = append(usable, tc)
		}
	}
	if len(usable) < 2 {
		t.Skip("needs two Go toolchains")
	}
	host, other := usable[len(usable)-1], usable[0]
	out := runHost(t, testHost(t, host, ""), nil, "mismatch", archiveBy(t, other, "./testdata/fix/plain"), other.version, host.version)
	t.Log(out)
}

// Hosts of Go versions without a runtime layout goload knows get an error,
// not a crash.
func TestUnsupportedVersion(t *testing.T) {
	for _, tc := range toolchains(t) {
		if tc.supported() {
			continue
		}
		t.Run(tc.version, func(t *testing.T) {
			out := runHost(t, testHost(t, tc, ""), nil, "mismatch", archiveBy(t, tc, "./testdata/fix/plain"), "goload:")
			if !strings.Contains(out, "goload") {
				t.Fatalf("no error printed: %q", out)
			}
			t.Log(out)
		})
	}
}

// A symbol nothing defines is listed with its referencer.
func TestUnresolved(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		// inita needs initb, which neither the host nor the archives
		// given contain.
		out := runHost(t, testHost(t, tc, ""), nil, "mismatch", archiveBy(t, tc, "./testdata/fix/inita"),
			"undefined symbol", "github.com/goload/goload/internal/binding/testdata/fix/initb.Log (referenced by github.com/goload/goload/internal/binding/testdata/fix/inita.")
		t.Log(out)
	})
}

// An archive built for another GOAMD64 level is refused, naming both.
func TestGOAMD64Mismatch(t *testing.T) {
	var last toolchain
	for _, tc := range toolchains(t) {
		if tc.supported() {
			last = tc
		}
	}
	cmd := last.cmd("list", "-export", "-f", "{{.Export}}", "./testdata/fix/plain")
	cmd.Env = append(cmd.Env, "GOAMD64=v3")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	msg := runHost(t, testHost(t, last, ""), nil, "mismatch", strings.TrimSpace(string(out)), "GOAMD64=v3", "GOAMD64=v1")
	t.Log(msg)
}
