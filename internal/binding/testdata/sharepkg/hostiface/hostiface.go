// Package hostiface is in the sharepkg host, which never uses Sizer: the
// host's linker drops its descriptor, while the host has its methods'
// types (func() uint16 and func() [3]byte, in its typelinks). A loaded
// package that needs Sizer takes the descriptor from this package's
// archive: its methods' types are type offsets to the host's descriptors.
package hostiface

type Sizer interface {
	Size() uint16
	Label() [3]byte
}

var Base uint16 = 40

// Get keeps the package in the host.
//
//go:noinline
func Get() uint16 { return Base }
