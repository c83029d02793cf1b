// A host that has net/http (a server it never starts) but not its file
// server: loading ../probe takes net/http's dirList and friends from the
// package's archive as dropped symbols. dirList's assertion of *os.File to
// fs.ReadDirFile then builds an itab from descriptors pulled into the
// module whose type offsets name types the host has (Go 1.27 died with
// "type offset out of range" in itabInit).
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/goload/goload/internal/binding/testdata/hostitabs/loadprobe"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		fmt.Println(http.ListenAndServe("127.0.0.1:0", http.NotFoundHandler()))
		return
	}
	loadprobe.Main()
}
