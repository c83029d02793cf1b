//go:build goload_capstone_shared

package binding

// Capstone's shared library, for hosts linked by the Go linker itself
// (-ldflags=-linkmode=internal), which cannot link its static archive:
// see capstone_static.go.

// #cgo pkg-config: capstone
import "C"
