// Package droplater calls hostpkg.Meter.Scale, which drophost's linker
// dropped, from a module opened while dropfix's is: the host's entries for
// the method are already filled (with dropfix's module's copy); this
// module records its own copy, which the entries get when dropfix's
// module closes first.
package droplater

import "github.com/goload/goload/internal/binding/testdata/openpkg/hostpkg"

func ViaHostItab() int { return hostpkg.Kept.Scale(6) }
