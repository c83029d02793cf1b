//go:build !goload_capstone_shared

package binding

// Capstone, the patcher's instruction decoder, is linked from its static
// archive (libcapstone-dev has both): the shared library carries 77,384
// relocations that the dynamic linker applies at the start of every
// process linking it, about 1.5 ms, whether it ever patches or not (a
// host's start and exit: 4.0 -> 2.5 ms, bench/load.sh (f)).
//
// The Go linker cannot link a C archive itself: a host linked with
// -ldflags=-linkmode=internal is built with -tags goload_capstone_shared,
// which links the shared library instead (capstone_shared.go). Without
// the tag such a build fails with "relocation target cs_open not
// defined".

/*
#cgo CFLAGS: -I/usr/include/capstone
#cgo LDFLAGS: -Wl,-Bstatic -lcapstone -Wl,-Bdynamic
*/
import "C"
