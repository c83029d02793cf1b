// Package probe asserts host values to interfaces whose methods a host
// that never calls them has dropped: os.Stdout as io.StringWriter and
// friends, error types, reflect's method tables, fmt's Stringer checks,
// type switches, errors.As, net.Conn implementations and a directory
// listing through http.FileServer (net/http's dirList assertion). Every
// line must read as when the same code runs natively (../twin).
package probe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"time"
)

// Interfaces of the module only (named and anonymous below).
type chmoder interface{ Chmod(os.FileMode) error }

type fdNamer interface {
	Fd() uintptr
	Name() string
}

type timeouter interface{ Timeout() bool }

type deadliner interface {
	SetDeadline(time.Time) error
	SetReadDeadline(time.Time) error
}

func yes(ok bool) string {
	if ok {
		return "y"
	}
	return "n"
}

// asserts runs each assertion twice (the second hits the runtime's
// itab and type-assertion caches).
func asserts(b *strings.Builder, label string, x any) {
	for round := 0; round < 2; round++ {
		_, sw := x.(io.StringWriter)
		_, rf := x.(io.ReaderFrom)
		_, wt := x.(io.WriterTo)
		_, ch := x.(chmoder)
		_, ch2 := x.(interface{ Chmod(os.FileMode) error })
		_, fd := x.(interface{ Fd() uintptr })
		_, fn := x.(fdNamer)
		_, bs := x.(io.ByteScanner)
		_, rs := x.(io.RuneScanner)
		_, sk := x.(io.Seeker)
		_, ra := x.(io.ReaderAt)
		_, wa := x.(io.WriterAt)
		_, rd := x.(fs.ReadDirFile)
		_, to := x.(timeouter)
		_, tmp := x.(interface{ Temporary() bool })
		_, uw := x.(interface{ Unwrap() error })
		_, is := x.(interface{ Is(error) bool })
		_, dl := x.(deadliner)
		_, sc := x.(interface {
			SyscallConn() (syscall.RawConn, error)
		})
		_, st := x.(fmt.Stringer)
		_, gs := x.(fmt.GoStringer)
		_, tm := x.(interface{ MarshalText() ([]byte, error) })
		_, bm := x.(interface{ MarshalBinary() ([]byte, error) })
		_, cmp := x.(interface{ Comparable() bool })
		_, nm := x.(interface{ NumMethod() int })
		_, ck := x.(interface{ ConvertibleTo(reflect.Type) bool })
		_, rdn := x.(interface {
			ReadDir(int) ([]fs.DirEntry, error)
			Readdirnames(int) ([]string, error)
		})
		fmt.Fprintf(b, "%s[%d]: sw=%s rf=%s wt=%s ch=%s ch2=%s fd=%s fn=%s bs=%s rs=%s sk=%s ra=%s wa=%s rd=%s to=%s tmp=%s uw=%s is=%s dl=%s sc=%s st=%s gs=%s tm=%s bm=%s cmp=%s nm=%s ck=%s rdn=%s\n",
			label, round, yes(sw), yes(rf), yes(wt), yes(ch), yes(ch2), yes(fd), yes(fn), yes(bs), yes(rs), yes(sk),
			yes(ra), yes(wa), yes(rd), yes(to), yes(tmp), yes(uw), yes(is), yes(dl), yes(sc), yes(st), yes(gs),
			yes(tm), yes(bm), yes(cmp), yes(nm), yes(ck), yes(rdn))
	}
}

func kind(x any) string {
	switch v := x.(type) {
	case interface{ Chmod(os.FileMode) error }:
		return "chmoder"
	case io.ByteScanner:
		return fmt.Sprintf("bytescanner(%T)", v)
	case timeouter:
		return fmt.Sprintf("timeouter(%v)", v.Timeout())
	case interface{ Unwrap() error }:
		return "unwrapper"
	case fmt.Stringer:
		return "stringer " + v.String()
	case error:
		return "error"
	default:
		return fmt.Sprintf("other %T", v)
	}
}

// methods lists a type's method set as reflect sees it.
func methods(b *strings.Builder, t reflect.Type) {
	fmt.Fprintf(b, "%v: %d methods", t, t.NumMethod())
	for i := 0; i < t.NumMethod(); i++ {
		m := t.Method(i)
		fmt.Fprintf(b, " %s%v", m.Name, m.Type)
	}
	b.WriteString("\n")
}

func values() []struct {
	label string
	x     any
} {
	_, statErr := os.Stat("/nonexistent/goload/hostitabs")
	var errno error = syscall.ENOENT
	return []struct {
		label string
		x     any
	}{
		{"os.Stdout", os.Stdout},
		{"*bytes.Buffer", bytes.NewBufferString("abc")},
		{"*bytes.Reader", bytes.NewReader([]byte("abc"))},
		{"*strings.Reader", strings.NewReader("abc")},
		{"*strings.Builder", new(strings.Builder)},
		{"*bufio.Reader", bufio.NewReader(strings.NewReader("x"))},
		{"*fs.PathError", statErr},
		{"*os.SyscallError", os.NewSyscallError("open", syscall.EACCES)},
		{"syscall.Errno", errno},
		{"os.FileMode", os.FileMode(0o755)},
		{"time.Duration", 1500 * time.Millisecond},
		{"time.Month", time.March},
		{"time.Time", time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)},
		{"*time.Location", time.UTC},
		{"reflect.Type", reflect.TypeOf(0)},
		{"reflect.Kind", reflect.Struct},
		{"reflect.Value", reflect.ValueOf(1)},
		{"*errors.errorString", errors.New("e")},
		{"fs.ErrNotExist", fs.ErrNotExist},
	}
}

// section runs f, turning a panic into a line (natively none panics):
// the sections after it still run.
func section(b *strings.Builder, name string, f func(b *strings.Builder)) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(b, "%s: panic: %v\n", name, r)
		}
	}()
	f(b)
}

// Run returns every answer, one line each.
func Run() string {
	var b strings.Builder
	vals := values()
	section(&b, "asserts", func(b *strings.Builder) {
		for _, v := range vals {
			asserts(b, v.label, v.x)
		}
	})
	section(&b, "switch", func(b *strings.Builder) {
		for _, v := range vals {
			fmt.Fprintf(b, "kind %s: %s\n", v.label, kind(v.x))
		}
	})
	section(&b, "fmt", func(b *strings.Builder) {
		// fmt (in the host) asks for Stringer, GoStringer, error, Formatter.
		fmt.Fprintf(b, "fmt: %v %v %v %v %v %s %#v\n", os.FileMode(0o644), time.Second, time.March, time.Saturday,
			reflect.Ptr, syscall.SIGTERM, time.Month(2))
	})
	section(&b, "errors", func(b *strings.Builder) {
		_, statErr := os.Open("/nonexistent/goload/hostitabs")
		var to timeouter
		var pe *fs.PathError
		fmt.Fprintf(b, "errors.As: timeouter=%v pathError=%v is=%v\n", errors.As(statErr, &to), errors.As(statErr, &pe),
			errors.Is(statErr, fs.ErrNotExist))
	})
	for _, t := range []reflect.Type{
		reflect.TypeOf(os.Stdout), reflect.TypeOf(new(bytes.Buffer)), reflect.TypeOf(os.FileMode(0)),
		reflect.TypeOf(time.Time{}), reflect.TypeOf(new(time.Time)), reflect.TypeOf(syscall.Errno(0)),
		reflect.TypeOf(new(fs.PathError)), reflect.TypeOf(reflect.TypeOf(0)),
	} {
		section(&b, "methods", func(b *strings.Builder) { methods(b, t) })
	}
	section(&b, "implements", func(b *strings.Builder) {
		// Implements walks the method tables as itab init does.
		for _, it := range []reflect.Type{
			reflect.TypeOf((*io.StringWriter)(nil)).Elem(), reflect.TypeOf((*chmoder)(nil)).Elem(),
			reflect.TypeOf((*fdNamer)(nil)).Elem(), reflect.TypeOf((*io.ByteScanner)(nil)).Elem(),
			reflect.TypeOf((*timeouter)(nil)).Elem(),
		} {
			fmt.Fprintf(b, "implements %v:", it)
			for _, v := range vals[:8] {
				fmt.Fprintf(b, " %s", yes(reflect.TypeOf(v.x).Implements(it)))
			}
			b.WriteString("\n")
		}
	})
	section(&b, "reflect call", func(b *strings.Builder) {
		// Calls through reflect of methods the host dropped.
		out := reflect.ValueOf(os.FileMode(0o750)).MethodByName("String").Call(nil)
		fmt.Fprintf(b, "reflect call: %v\n", out[0])
		out = reflect.ValueOf(os.Stdout).MethodByName("Name").Call(nil)
		fmt.Fprintf(b, "reflect call: %v\n", out[0])
	})
	section(&b, "call", func(b *strings.Builder) {
		if _, ok := any(os.Stdout).(io.StringWriter); ok {
			fmt.Fprintf(b, "stdout fd via assertion: %d\n", any(os.Stdout).(interface{ Fd() uintptr }).Fd())
		}
	})
	section(&b, "conns", conns)
	section(&b, "listing", listing)
	return b.String()
}

// conns asserts net.Conn implementations.
func conns(b *strings.Builder) {
	c1, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	asserts(b, "net.Pipe", c1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(b, "listen: %v\n", err)
		return
	}
	defer ln.Close()
	done := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(done)
			return
		}
		done <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Fprintf(b, "dial: %v\n", err)
		return
	}
	defer c.Close()
	if s := <-done; s != nil {
		defer s.Close()
		asserts(b, "accepted", s)
	}
	asserts(b, "*net.TCPConn", c)
	_, ka := c.(interface{ SetKeepAlive(bool) error })
	_, fl := c.(interface{ File() (*os.File, error) })
	fmt.Fprintf(b, "tcp: keepalive=%s file=%s\n", yes(ka), yes(fl))
}

// listing serves a directory through http.FileServer on loopback.
func listing(b *strings.Builder) {
	dir, err := os.MkdirTemp("", "hostitabs")
	if err != nil {
		fmt.Fprintf(b, "mkdirtemp: %v\n", err)
		return
	}
	defer os.RemoveAll(dir)
	for _, n := range []string{"b.txt", "a.txt", "c<&>.html"} {
		os.WriteFile(dir+"/"+n, []byte("hello "+n), 0o644)
	}
	os.Mkdir(dir+"/sub", 0o755)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, p := range []string{"/", "/sub/", "/a.txt", "/missing"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			fmt.Fprintf(b, "GET %s: %v\n", p, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(b, "GET %s: %d %s %q\n", p, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// The dir listing once more through http.FS (an fs.FS of os.DirFS).
	srv2 := httptest.NewServer(http.FileServer(http.FS(os.DirFS(dir))))
	defer srv2.Close()
	if resp, err := http.Get(srv2.URL + "/"); err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		lines := strings.Split(strings.TrimSpace(string(body)), "\n")
		sort.Strings(lines)
		fmt.Fprintf(b, "GET fs /: %d %q\n", resp.StatusCode, lines)
	} else {
		fmt.Fprintf(b, "GET fs /: %v\n", err)
	}
}
