// A host whose own code imports only fmt and context (in loadprobe): it
// never asserts its os, bytes, time, syscall or reflect values to the
// probe's interfaces, so its linker drops most of the methods the probe
// needs. It loads ../probe with OpenPackage and prints what Run returns.
package main

import "github.com/goload/goload/internal/binding/testdata/hostitabs/loadprobe"

func main() { loadprobe.Main() }
