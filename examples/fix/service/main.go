// A small net/http service with a bug, to fix live with `goload fix`
// (docs/fix.md): greet answers "helo" instead of "hello". The counter
// hits is the service's state: it survives the fix.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"sync/atomic"

	"github.com/goload/goload/agent"
)

var hits atomic.Int64

// greet is small: the compiler inlines it into handle.
func greet(name string) string {
	return "helo, " + name
}

func handle(w http.ResponseWriter, r *http.Request) {
	n := hits.Add(1)
	fmt.Fprintf(w, "%d %s\n", n, greet(r.URL.Query().Get("name")))
}

func main() {
	if err := agent.Listen(agent.Options{}); err != nil {
		log.Fatal(err)
	}
	defer agent.Close()
	addr := "127.0.0.1:8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s, pid %d\n", ln.Addr(), os.Getpid())
	log.Fatal(http.Serve(ln, http.HandlerFunc(handle)))
}
