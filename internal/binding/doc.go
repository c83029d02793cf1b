// Package binding is the implementation of package goload (the root's
// goload.go is its front door, which declares the public API and forwards
// here): the cgo glue to the C library (runtime_cgo.go, libgoload.c, the
// unity file scripts/cgo_sources.sh writes), load (load*.go: Open,
// OpenPackage, Lookup), unload (unload*.go: Close), patch (patch*.go) and
// the runtime functions called by address (runtime*.go), with their tests
// and the fixtures and test hosts under testdata/.
package binding
