// A service whose handler inlines a function of another package
// (util.Word): fixing util alone leaves the inlined copy in main.handle,
// which goload fix must refuse unless main is rebuilt too (fix_test.go).
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"example.com/fixsvc/util"
	"github.com/goload/goload/agent"
)

func handle(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "%s\n", util.Word(r.URL.Query().Get("name")))
}

func main() {
	if err := agent.Listen(agent.Options{}); err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s, pid %d\n", ln.Addr(), os.Getpid())
	log.Fatal(http.Serve(ln, http.HandlerFunc(handle)))
}
