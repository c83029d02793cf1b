package drive

// The example programs of pkujhd/goloader's examples/ (Apache-2.0, see
// ../NOTICE): each example's main (exported as Main) runs loaded and
// natively, their outputs compared. The examples' loader ran a program
// -times N, unloading in between: const does that here.

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

const pk = "github.com/goload/goload/tests/peers/cases/pkujhd/"

func init() {
	register(&Case{Name: "pk_base", Origin: "examples/base", Run: pkMain(pk+"base", 1),
		Syms: map[string][]string{pk + "base": {"Main"}}})
	register(&Case{Name: "pk_const", Origin: "examples/const, loader -times 3", Run: pkMain(pk+"const", 3),
		Syms: map[string][]string{pk + "const": {"Main"}}})
	register(&Case{Name: "pk_gctest", Origin: "examples/gctest", Run: pkMain(pk+"gctest", 1),
		Syms: map[string][]string{pk + "gctest": {"Main"}}})
	register(&Case{Name: "pk_inter", Origin: "examples/inter, examples/basecontext", Run: pkMain(pk+"inter", 1),
		Syms: map[string][]string{pk + "inter": {"Main"}}})
	register(&Case{Name: "pk_schedule", Origin: "examples/schedule (= eh-steve's test_schedule)", Run: pkMain(pk+"schedule", 1),
		Syms: map[string][]string{pk + "schedule": {"Main"}}})
	register(&Case{Name: "pk_inline", Origin: "examples/inline", Run: pkInline,
		Syms: map[string][]string{pk + "inline": {"Main"}}})
	register(&Case{Name: "pk_http", Origin: "examples/http", Run: pkHTTP,
		Syms: map[string][]string{pk + "http": {"Main"}}})
}

// pkMain loads the package, runs its Main and unloads it, times times.
func pkMain(pkg string, times int) func() {
	return func() {
		for i := 0; i < times; i++ {
			m := Open(pkg)
			Get[func()](m, "Main")()
			m.Close()
		}
	}
}

// pkInline: the example panics through an inlined call (inline -> throw);
// the loader's own main crashed with the trace. Here the panic is
// recovered and the functions on the stack printed (inlined frames come
// from the module's inline tree).
func pkInline() {
	m := Open(pk + "inline")
	main := Get[func()](m, "Main")
	func() {
		defer func() {
			r := recover()
			P("recovered: %v", r)
			pcs := make([]uintptr, 64)
			n := runtime.Callers(1, pcs)
			frames := runtime.CallersFrames(pcs[:n])
			for {
				f, more := frames.Next()
				if strings.HasPrefix(f.Function, pk) {
					P("frame %s %s:%d", f.Function, filepath.Base(f.File), f.Line)
				}
				if !more {
					break
				}
			}
		}()
		main()
	}()
	main = nil
	m.Close()
}

// pkHTTP: the example's two servers on loopback listeners; a client asks
// each, and the file server's directory listing.
func pkHTTP() {
	dir, err := os.MkdirTemp("", "peers-http-")
	Must(err, "tempdir")
	defer os.RemoveAll(dir)
	Must(os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello from a file\n"), 0o644), "write")
	files, err := net.Listen("tcp", "127.0.0.1:0")
	Must(err, "listen")
	api, err := net.Listen("tcp", "127.0.0.1:0")
	Must(err, "listen")
	start := runtime.NumGoroutine()
	m := Open(pk + "http")
	stop := Get[func(files, api net.Listener, dir string) func()](m, "Main")(files, api, dir)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, u := range []string{"http://" + api.Addr().String() + "/anything", "http://" + files.Addr().String() + "/hello.txt", "http://" + files.Addr().String() + "/"} {
		resp, err := client.Get(u)
		if err != nil {
			P("GET: %v", err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		P("GET %s: %d %q", u[strings.LastIndex(u, "/"):], resp.StatusCode, b)
	}
	stop()
	stop = nil
	P("goroutines back to start: %v", WaitGoroutines(start))
	m.Close()
}
