// Package agent lets `goload fix` hot-fix the running program: it serves
// a Unix socket, by default os.TempDir()/goload-agent.<pid>.sock, mode
// 0600, that only processes of the same user may use (the peer's
// credentials are checked on every connection, SO_PEERCRED).
//
//	if err := agent.Listen(agent.Options{}); err != nil {
//		log.Print(err)
//	}
//	defer agent.Close()
//
// What a connected client can do: ask the status (pid, executable, Go
// version, fixes), list the fixes, load archives and apply a fix (code
// the client built runs in this process), and revert a fix. That is the
// power to run arbitrary code as this process: the socket is as private
// as the user's own files.
package agent

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/stwmetric"
)

// Options configures Listen.
type Options struct {
	// Path of the socket; "" is os.TempDir()/goload-agent.<pid>.sock,
	// where `goload ps` and `goload fix -p PID` look.
	Path string
}

// SocketPath is the default socket of process pid.
func SocketPath(pid int) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("goload-agent.%d.sock", pid))
}

var (
	mu    sync.Mutex
	ln    *net.UnixListener
	path  string
	fixMu sync.Mutex // one request that changes code at a time
	fixes []*fix
)

// fix is one applied fix: the module holding its code and its patches.
type fix struct {
	id      int
	when    time.Time
	funcs   []string
	mod     *goload.Module
	patches []*goload.FuncPatch
	state   string // "applied", "reverted"
}

// Listen starts the agent. It is an error to call it twice without Close.
func Listen(opts Options) error {
	mu.Lock()
	defer mu.Unlock()
	if ln != nil {
		return errors.New("goload agent: already listening on " + path)
	}
	p := opts.Path
	if p == "" {
		p = SocketPath(os.Getpid())
	}
	// A socket left by an earlier process of this pid; nothing else is
	// removed.
	if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSocket != 0 {
		os.Remove(p)
	}
	// Connecting needs write permission on the socket: until the chmod
	// below only the owner has it (0777 &^ umask 022), and the peer's
	// credentials are checked on every connection anyway.
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: p, Net: "unix"})
	if err != nil {
		return fmt.Errorf("goload agent: %w", err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		l.Close()
		return fmt.Errorf("goload agent: %w", err)
	}
	ln, path = l, p
	go serve(l)
	return nil
}

// Close stops the agent and removes its socket. Applied fixes stay.
func Close() {
	mu.Lock()
	defer mu.Unlock()
	if ln != nil {
		ln.Close()
		os.Remove(path)
		ln = nil
	}
}

func serve(l *net.UnixListener) {
	for {
		c, err := l.AcceptUnix()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		go handle(c)
	}
}

// samePeer checks that the peer runs as this process's user.
func samePeer(c *net.UnixConn) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	if int(cred.Uid) != os.Getuid() {
		return fmt.Errorf("peer uid %d is not this process's uid %d", cred.Uid, os.Getuid())
	}
	return nil
}

// The protocol is lines of text. A request is a command line ("status",
// "list", "revert ID", "fix"), for "fix" followed by "pkg IMPORTPATH
// ARCHIVE", "func NAME", "var NAME ADDRESS" and "dep IMPORTPATH ARCHIVE"
// (the program's packages as built) lines and "end". The answer is lines of
// results and a last line "ok" or "error MESSAGE".
func handle(c *net.UnixConn) {
	defer c.Close()
	if err := samePeer(c); err != nil {
		fmt.Fprintf(c, "error %s\n", oneLine(err.Error()))
		return
	}
	c.SetDeadline(time.Now().Add(5 * time.Minute))
	r := bufio.NewReader(c)
	w := bufio.NewWriter(c)
	defer w.Flush()
	line, err := r.ReadString('\n')
	if err != nil {
		return
	}
	f := strings.Fields(line)
	if len(f) == 0 {
		fmt.Fprintf(w, "error empty request\n")
		return
	}
	switch f[0] {
	case "status":
		exe, _ := os.Executable()
		fixMu.Lock()
		n := 0
		for _, x := range fixes {
			if x.state == "applied" {
				n++
			}
		}
		fixMu.Unlock()
		fmt.Fprintf(w, "pid %d\nexe %s\ngo %s\nfixes %d\nok\n", os.Getpid(), exe, runtime.Version(), n)
	case "list":
		fixMu.Lock()
		for _, x := range fixes {
			fmt.Fprintf(w, "fix %d %s %s %s\n", x.id, x.when.UTC().Format(time.RFC3339), x.state, strings.Join(x.funcs, ","))
		}
		fixMu.Unlock()
		fmt.Fprintf(w, "ok\n")
	case "revert":
		id := -1
		if len(f) > 1 {
			if id, err = strconv.Atoi(f[1]); err != nil {
				fmt.Fprintf(w, "error bad fix ID %q\n", f[1])
				return
			}
		}
		out, err := revert(id)
		for _, l := range out {
			fmt.Fprintf(w, "%s\n", l)
		}
		reply(w, err)
	case "fix":
		var pkgs, archives, funcs []string
		vars := map[string]uint64{}
		deps := map[string]string{}
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				fmt.Fprintf(w, "error truncated request\n")
				return
			}
			l = strings.TrimRight(l, "\n")
			if l == "end" {
				break
			}
			k, v, _ := strings.Cut(l, " ")
			switch k {
			case "pkg":
				p, a, ok := strings.Cut(v, " ")
				if !ok {
					fmt.Fprintf(w, "error bad pkg line %q\n", l)
					return
				}
				pkgs, archives = append(pkgs, p), append(archives, a)
			case "func":
				funcs = append(funcs, v)
			case "dep":
				p, a, ok := strings.Cut(v, " ")
				if !ok {
					fmt.Fprintf(w, "error bad dep line %q\n", l)
					return
				}
				deps[p] = a
			case "var":
				n, a, _ := strings.Cut(v, " ")
				addr, err := strconv.ParseUint(a, 0, 64)
				if err != nil {
					fmt.Fprintf(w, "error bad var line %q\n", l)
					return
				}
				vars[n] = addr
			default:
				fmt.Fprintf(w, "error unknown line %q\n", l)
				return
			}
		}
		// A stripped program's data symbols are recovered from these
		// (the archives the program was built from) instead of a go
		// command run in this process.
		goload.SetHostArchives(deps)
		out, err := apply(pkgs, archives, funcs, vars)
		for _, l := range out {
			fmt.Fprintf(w, "%s\n", l)
		}
		reply(w, err)
	default:
		fmt.Fprintf(w, "error unknown request %q\n", f[0])
	}
}

func reply(w *bufio.Writer, err error) {
	if err != nil {
		fmt.Fprintf(w, "error %s\n", oneLine(err.Error()))
	} else {
		fmt.Fprintf(w, "ok\n")
	}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " | ") }

// apply loads the fix and applies all its patches in one transaction. A
// function an earlier fix already replaced is swapped to the new code in
// the same stop (the earlier fix's patch is then no longer applied).
func apply(pkgs, archives, funcs []string, vars map[string]uint64) ([]string, error) {
	fixMu.Lock()
	defer fixMu.Unlock()
	t0 := time.Now()
	m, ps, err := goload.OpenFix(pkgs, archives, funcs, vars)
	if err != nil {
		return nil, err
	}
	before := stwmetric.Read()
	if err := goload.Apply(ps...); err != nil {
		m.Close()
		return nil, err
	}
	recorded := stwmetric.Longest(before, stwmetric.Read())
	x := &fix{id: len(fixes) + 1, when: time.Now(), funcs: funcs, mod: m, patches: ps, state: "applied"}
	fixes = append(fixes, x)
	var out []string
	for _, p := range ps {
		out = append(out, "patched "+p.Name())
	}
	// An earlier fix whose every patch was replaced is no longer applied.
	for _, o := range fixes[:len(fixes)-1] {
		if o.state == "applied" && !anyApplied(o.patches) {
			o.state = "replaced"
			o.mod.Close() // refused while its code may still run: it then stays
		}
	}
	pause := goload.LastPause()
	out = append(out, fmt.Sprintf("id %d", x.id),
		fmt.Sprintf("pause_us %d", pause.Pause.Microseconds()),
		fmt.Sprintf("pause_parts_us %d %d %d %d", pause.Stop.Microseconds(), pause.Check.Microseconds(),
			pause.Write.Microseconds(), pause.Start.Microseconds()),
		fmt.Sprintf("took_us %d", time.Since(t0).Microseconds()))
	if recorded > 0 {
		out = append(out, fmt.Sprintf("pause_runtime_le_us %.0f", recorded*1e6))
	}
	return out, nil
}

func anyApplied(ps []*goload.FuncPatch) bool {
	for _, p := range ps {
		if p.Applied() {
			return true
		}
	}
	return false
}

// revert undoes fix id (-1: the last applied one): the patches of it
// that are still applied go back to the original code.
func revert(id int) ([]string, error) {
	fixMu.Lock()
	defer fixMu.Unlock()
	var x *fix
	for i := len(fixes) - 1; i >= 0; i-- {
		if (id < 0 && fixes[i].state == "applied") || fixes[i].id == id {
			x = fixes[i]
			break
		}
	}
	if x == nil {
		if id < 0 {
			return nil, errors.New("no applied fix")
		}
		return nil, fmt.Errorf("no fix %d", id)
	}
	if x.state != "applied" {
		return nil, fmt.Errorf("fix %d is %s", x.id, x.state)
	}
	var on []*goload.FuncPatch
	for _, p := range x.patches {
		if p.Applied() {
			on = append(on, p)
		}
	}
	if err := goload.Revert(on...); err != nil {
		return nil, err
	}
	x.state = "reverted"
	x.mod.Close() // refused while a goroutine may still run its code: it then stays mapped
	var out []string
	for _, p := range on {
		out = append(out, "reverted "+p.Name())
	}
	out = append(out, fmt.Sprintf("id %d", x.id))
	return out, nil
}
