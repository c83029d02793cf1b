package binding

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// gdb sees loaded code through its JIT interface (docs/debugging.md):
// with a breakpoint on hot.Inner (pending until the module registers),
// `bt` names the loaded frames hot.Inner and hot.Outer with their files
// and lines and unwinds through them into the host's main.hostCaller;
// `info symbol $pc` names the loaded function. After Close the address
// names nothing.

// gdbBatch runs the host under gdb in batch mode with cmds.
func gdbBatch(t *testing.T, env []string, cmds []string, args ...string) string {
	t.Helper()
	gdb, err := exec.LookPath("gdb")
	if err != nil {
		t.Skip("no gdb (scripts/setup.sh installs it)")
	}
	// Go hosts: the runtime's preemption and profiling signals are not
	// stops; raw names (gdb 13 prints Go minimal symbols demangled as
	// "pkg[Name]", the host's as well).
	a := []string{"-batch", "-nx", "-ex", "handle SIGURG SIGPIPE SIGPROF nostop noprint pass",
		"-ex", "set print asm-demangle off", "-ex", "set print demangle off", "-ex", "set breakpoint pending on",
		"-ex", "set pagination off"}
	for _, c := range cmds {
		a = append(a, "-ex", c)
	}
	a = append(a, "-ex", "kill", "--args")
	cmd := exec.Command(gdb, append(a, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gdb: %v\n%s", err, out)
	}
	return string(out)
}

// lineOf is the 1-based line of path that contains s.
func lineOf(t *testing.T, path, s string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			return itoa(i + 1)
		}
	}
	t.Fatalf("%s has no %q", path, s)
	return ""
}

func TestGDBBacktraceThroughLoadedCode(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, debugHost, "")
		ar := archiveBy(t, tc, "./testdata/debug/hot")
		names := nmFuncs(t, tc, ar)
		inner, outer := debugHot+"Inner", debugHot+"Outer"
		if _, ok := names[inner]; !ok {
			t.Fatalf("go tool nm does not list %s", inner)
		}
		out := gdbBatch(t, nil, []string{"break '" + inner + "'", "run", "bt", "info symbol $pc"}, bin, "call", ar)
		var frames []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "#") {
				frames = append(frames, l)
			}
		}
		src := "testdata/debug/hot/hot.go"
		callLine := lineOf(t, src, "return Inner(n+1)")
		// #0  hot.Inner () at .../hot.go:20
		// #1  0x... in hot.Outer () at .../hot.go:32
		// #2  0x... in main.hostCaller (...) at .../host/main.go:40
		checks := []*regexp.Regexp{
			regexp.MustCompile(`^#0 .*\b` + regexp.QuoteMeta(inner) + ` \(.*\) at .*/` + regexp.QuoteMeta(src) + `:\d+$`),
			regexp.MustCompile(`^#1 .* in ` + regexp.QuoteMeta(outer) + ` \(.*\) at .*/` + regexp.QuoteMeta(src) + `:` + callLine + `$`),
			regexp.MustCompile(`^#2 .* in main\.hostCaller \(.*\) at .*/testdata/debug/host/main\.go:\d+$`),
		}
		if len(frames) < len(checks) {
			t.Fatalf("gdb's bt has %d frames:\n%s", len(frames), out)
		}
		for i, re := range checks {
			if !re.MatchString(frames[i]) {
				t.Errorf("frame %d is\n%s\nnot %s; gdb printed:\n%s", i, frames[i], re, out)
			}
		}
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(inner) + ` \+ \d+ in section \.text`).MatchString(out) {
			t.Errorf("info symbol $pc does not name %s:\n%s", inner, out)
		}
	})
}

// Close unregisters the module: the address gdb named before names
// nothing after. GOLOAD_GDBJIT=0 registers nothing.
func TestGDBUnregisterOnClose(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, debugHost, "")
		ar := archiveBy(t, tc, "./testdata/debug/hot")
		inner := debugHot + "Inner"
		cmds := []string{"break main.beforeClose", "break main.afterClose", "run", "set language c",
			"info symbol *(long *)&'main.innerPC'", "delete 1", "continue", "info symbol *(long *)&'main.innerPC'"}
		out := gdbBatch(t, nil, cmds, bin, "close", ar)
		named := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(inner) + ` in section \.text`)
		none := regexp.MustCompile(`(?m)^No symbol matches`)
		if !named.MatchString(out) {
			t.Fatalf("before Close, info symbol does not name %s:\n%s", inner, out)
		}
		if i, j := named.FindStringIndex(out)[0], none.FindStringIndex(out); j == nil || j[0] < i {
			t.Fatalf("after Close, info symbol still names something:\n%s", out)
		}
		out = gdbBatch(t, []string{"GOLOAD_GDBJIT=0"}, cmds, bin, "close", ar)
		if named.MatchString(out) {
			t.Fatalf("GOLOAD_GDBJIT=0: gdb still names %s:\n%s", inner, out)
		}
	})
}
