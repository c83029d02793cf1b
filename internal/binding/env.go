package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"runtime/debug"
	"strings"
	"unsafe"
)

// env is the environment variable key, read through C's getenv. The first
// os.Getenv of a process copies the whole environment into a Go map, which
// cost a first Open 15-20 µs for a handful of GOLOAD_* switches (issue 14).
// os.Setenv (and t.Setenv) also sets the C environment in a cgo program,
// so both read the same values.
func env(key string) string {
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	v := C.getenv(ck)
	if v == nil {
		return ""
	}
	return C.GoString(v)
}

// debugOn: GOLOAD_DEBUG=1, the loader's log (debugf) and the C library's.
func debugOn() bool { return env("GOLOAD_DEBUG") == "1" }

// debugFlag reports whether GOLOAD_DEBUG lists flag (comma-separated).
func debugFlag(flag string) bool {
	for _, f := range strings.Split(env("GOLOAD_DEBUG"), ",") {
		if f == flag {
			return true
		}
	}
	return false
}

// buildSetting is one build setting of the executable ("" when absent),
// as debug.ReadBuildInfo gives it: from the build info the host's open
// parsed in C (TestBuildSettings compares the two). Go's parse of it all
// cost a first Open 25-30 µs for the two settings it asks for.
func buildSetting(key string) string {
	h, err := openHost()
	if err != nil {
		return readBuildSetting(key)
	}
	ck := C.CString(key)
	defer C.free(unsafe.Pointer(ck))
	if v := C.goload_host_build_setting(h, ck); v != nil {
		return C.GoString(v)
	}
	return ""
}

// readBuildSetting is debug.ReadBuildInfo's setting key, the first one.
func readBuildSetting(key string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == key {
				return s.Value
			}
		}
	}
	return ""
}

// HostBuildSetting is buildSetting, for testdata/buildinfo's comparison
// with runtime/debug (TestBuildSettings).
func HostBuildSetting(key string) string { return buildSetting(key) }
