// A small net/http service with a bug, to fix live with `goload fix`
// (docs/fix.md): greet answers "helo" instead of "hello". The counter
// hits and the last visitor are the service's state: they survive the fix.
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

type visit struct {
	name string
}

var last atomic.Pointer[visit]

// greet is small: the compiler inlines it into handle.
func greet(name string) string {
	return "helo, " + name
}

// status is kept out of line.
//
//go:noinline
func status(n int64) string {
	if n%2 == 0 {
		return "even"
	}
	return "odd"
}

func handle(w http.ResponseWriter, r *http.Request) {
	n := hits.Add(1)
	name := r.URL.Query().Get("name")
	prev := last.Swap(&visit{name: name})
	before := ""
	if prev != nil {
		before = prev.name
	}
	fmt.Fprintf(w, "%d %s %s (after %q)\n", n, greet(name), status(n), before)
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
