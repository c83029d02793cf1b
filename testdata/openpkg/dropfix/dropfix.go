// Package dropfix calls a function of a host package that the host's
// linker dropped, and writes that package's variable.
package dropfix

import "github.com/goload/goload/testdata/openpkg/hostpkg"

func Twice() int { return hostpkg.Scaled(2) }

func Add100() { hostpkg.Counter += 100 }
