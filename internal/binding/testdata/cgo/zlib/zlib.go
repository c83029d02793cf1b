// Package zlib links a system library through #cgo LDFLAGS: -lz.
package zlib

/*
#cgo LDFLAGS: -lz
#include <zlib.h>
#include <stdlib.h>

static int roundtrip(const char *in, unsigned long n, unsigned long *clen, char *out, unsigned long cap) {
	unsigned char buf[1024];
	uLongf bl = sizeof buf;
	int rc = compress2(buf, &bl, (const Bytef *)in, n, 9);
	if (rc != Z_OK) return rc;
	*clen = bl;
	uLongf ol = cap;
	rc = uncompress((Bytef *)out, &ol, buf, bl);
	return rc != Z_OK ? rc : (int)ol;
}
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

func Report() string {
	in := strings.Repeat("goload loads cgo packages. ", 20)
	cin := C.CString(in)
	defer C.free(unsafe.Pointer(cin))
	out := (*C.char)(C.malloc(1024))
	defer C.free(unsafe.Pointer(out))
	var clen C.ulong
	n := C.roundtrip(cin, C.ulong(len(in)), &clen, out, 1024)
	crc := C.crc32(0, (*C.Bytef)(unsafe.Pointer(cin)), C.uInt(len(in)))
	return fmt.Sprintf("zlib %s: %d bytes -> %d -> %d, equal %v, crc32 %08x\n", C.GoString(C.zlibVersion()),
		len(in), uint64(clen), int(n), C.GoStringN(out, n) == in, uint32(crc))
}
