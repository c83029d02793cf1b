package agent

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestListen: the socket is private (0600), answers status and list,
// refuses a second Listen, and Close removes it.
func TestListen(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.sock")
	if err := Listen(Options{Path: p}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket %v %v", fi.Mode(), err)
	}
	if err := Listen(Options{Path: p}); err == nil {
		t.Error("a second Listen was accepted")
	}
	ask := func(req string) string {
		c, err := net.Dial("unix", p)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte(req))
		var b strings.Builder
		sc := bufio.NewScanner(c)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
		}
		return b.String()
	}
	if s := ask("status\n"); !strings.Contains(s, "pid "+strconv.Itoa(os.Getpid())+"\n") || !strings.HasSuffix(s, "fixes 0\nok\n") {
		t.Errorf("status: %q", s)
	}
	if s := ask("list\n"); s != "ok\n" {
		t.Errorf("list: %q", s)
	}
	if s := ask("revert 3\n"); !strings.HasPrefix(s, "error no fix 3") {
		t.Errorf("revert of no fix: %q", s)
	}
	if s := ask("bogus\n"); !strings.HasPrefix(s, "error unknown request") {
		t.Errorf("unknown request: %q", s)
	}
	Close()
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("socket left after Close: %v", err)
	}
}
