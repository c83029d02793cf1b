package binding

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFixRefusals: changes goload fix cannot apply safely are refused,
// naming the function, type or variable and the reason, on plain, -s -w
// and PIE builds; after each one the service answers as before, its state
// goes on (the counter, the global's value, what init set) and no fix is
// listed. The parameter type changes keep the frame size, so only the
// signature comparison with the original objects sees them.
func TestFixRefusals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds services")
	}
	variants := []struct {
		name  string
		flags []string
	}{{"plain", nil}, {"stripped", []string{"-ldflags=-s -w"}}, {"pie", []string{"-buildmode=pie"}}}
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, v := range variants {
			t.Run(v.name, func(t *testing.T) { testFixRefusals(t, tc, v.flags) })
		}
	})
}

func testFixRefusals(t *testing.T, tc toolchain, flags []string) {
	s := startFixServiceFrom(t, tc, "testdata/fixrefuse", flags...)
	c := &http.Client{Timeout: 10 * time.Second}
	n := 0
	// The answer of the unchanged service for request n.
	want := func() string { return fmt.Sprintf("%d v1 7 %d %d\n", n, 3*n, n+2) }
	check := func(what string) {
		t.Helper()
		n++
		if b, err := s.get(c, "x"); err != nil || b != want() {
			t.Errorf("after %s: %q %v, want %q", what, b, err, want())
		}
		out, _, err := s.goload("fix", "-p", strconv.Itoa(s.pid), "--list")
		if err != nil || strings.Count(out, "\n") != 1 {
			t.Errorf("after %s, --list: %v\n%s", what, err, out)
		}
	}
	check("start")
	cases := []struct {
		what  string
		edits []string
		want  []string // in the refusal, all of them
	}{
		{"an int64 parameter made float64", []string{
			"func scale(x int64) int64 { return x * 3 }", "func scale(x float64) int64 { return int64(x * 3) }",
			"scale(n)", "scale(float64(n))"},
			[]string{"main.scale: changed signature: (float64) (int64), the running one (int64) (int64)"}},
		{"a struct parameter's field types swapped (same size)", []string{
			"\ta int64\n\tb float64", "\ta float64\n\tb int64",
			"return p.a + int64(p.b)", "return int64(p.a) + p.b",
			"pair{n, 2}", "pair{float64(n), 2}"},
			[]string{"main.pair: changed definition of an existing type"}},
		{"a global's initializer", []string{`var prefix = "v1"`, `var prefix = "v2"`},
			[]string{"main.prefix: changed initializer of an existing package-level variable"}},
		{"a changed init", []string{"boot = 7", "boot = 8"},
			[]string{"main.init.0: a changed package initializer (init) already ran"}},
	}
	for _, k := range cases {
		s.edit(k.edits...)
		out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
		if err == nil || !strings.Contains(errs, "refused, the program is left untouched") {
			t.Errorf("%s was not refused: %v\n%s%s", k.what, err, out, errs)
		}
		for _, w := range k.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: the refusal does not say %q:\n%s", k.what, w, errs)
			}
		}
		t.Logf("%s: %s", k.what, strings.TrimSpace(errs))
		check(k.what)
	}
	// The same service, fixed for real: the fix applies (the refusals were
	// not a blanket "cannot verify").
	s.edit("return x * 3", "return x * 4")
	out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
	if err != nil || !strings.Contains(out, "patched main.scale\n") {
		t.Fatalf("the fix of scale: %v\n%s%s", err, out, errs)
	}
	n++
	if b, err := s.get(c, "x"); err != nil || b != fmt.Sprintf("%d v1 7 %d %d\n", n, 4*n, n+2) {
		t.Errorf("after the fix of scale: %q %v", b, err)
	}
}
