// A service for the refusals of goload fix (fix_refuse_test.go): each
// answer shows its state (the counter, a global with a static initializer,
// what init set) and the results of two out-of-line functions whose
// parameter types the test changes without changing the frame size.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync/atomic"
	"unsafe"

	"github.com/goload/goload/agent"
)

var hits atomic.Int64

var prefix = "v1"

var boot int64

type pair struct {
	a int64
	b float64
}

func init() { boot = 7 }

//go:noinline
func scale(x int64) int64 { return x * 3 }

//go:noinline
func sum(p pair) int64 { return p.a + int64(p.b) }

var sink, idx int

// pick hides its pointers from the GC in uintptrs across a call (the bug
// a fix may repair by making arr [2]*int): the code stays the same, only
// the stack maps change.
//
//go:noinline
func pick(a, b *int) int {
	arr := [2]uintptr{uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b))}
	runtime.Gosched()
	return *(*int)(unsafe.Pointer(arr[idx&1]))
}

func handle(w http.ResponseWriter, r *http.Request) {
	n := hits.Add(1)
	x, y := 3, 4
	sink = pick(&x, &y)
	fmt.Fprintf(w, "%d %s %d %d %d\n", n, prefix, boot, scale(n), sum(pair{n, 2}))
}

func main() {
	if err := agent.Listen(agent.Options{}); err != nil {
		log.Fatal(err)
	}
	defer agent.Close()
	ln, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %s, pid %d\n", ln.Addr(), os.Getpid())
	log.Fatal(http.Serve(ln, http.HandlerFunc(handle)))
}
