// Package dropfix calls a function of a host package that the host's
// linker dropped, and writes that package's variable; it calls a dropped
// method through the host's own itab, and through one the runtime builds.
package dropfix

import "github.com/goload/goload/internal/binding/testdata/openpkg/hostpkg"

func Twice() int { return hostpkg.Scaled(2) }

func Add100() { hostpkg.Counter += 100 }

// ViaHostItab calls Meter.Scale through the host's (Meter, Scaler) itab.
func ViaHostItab() int { return hostpkg.Kept.Scale(5) }

// ViaRuntimeItab calls it through the (Meter, Scaler2) itab getitab builds.
func ViaRuntimeItab(v any) int { return AsScaler2(v).Scale(7) }

func AsScaler2(v any) hostpkg.Scaler2 { return v.(hostpkg.Scaler2) }

// CallScale3 calls Scale through an itab the host's own assertion built.
func CallScale3(s hostpkg.Scaler3, k int) int { return s.Scale(k) }
