// ../host without mime's and hp's readers: its linker drops mime.once,
// initMime, the tables and their functions, and hp's table, hook and
// their functions, which the loaded modules then take from the archives.
package main

import "github.com/goload/goload/internal/binding/testdata/persist/loaded"

func main() { loaded.Run(func() {}) }
