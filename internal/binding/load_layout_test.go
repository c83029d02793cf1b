package binding

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// archivesWith compiles pkgs with tc, layout.go of testdata/fix/layout
// replaced by src (go build -overlay): the same import path, another
// version of the package.
func archivesWith(t *testing.T, tc toolchain, src string, pkgs ...string) []string {
	t.Helper()
	dir := t.TempDir()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	alt := filepath.Join(dir, "layout.go")
	if err := os.WriteFile(alt, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ov := filepath.Join(dir, "overlay.json")
	js := fmt.Sprintf(`{"Replace":{%q:%q}}`, filepath.Join(wd, "testdata/fix/layout/layout.go"), alt)
	if err := os.WriteFile(ov, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := tc.cmd(append([]string{"list", "-export", "-overlay=" + ov, "-f", "{{.Export}}"}, pkgs...)...).Output()
	if err != nil {
		t.Fatalf("%s list -export (overlay): %v", tc.version, err)
	}
	return strings.Fields(string(out))
}

// The host's layout.Rec (see testdata/fix/layout) and two other versions.
type (
	recHost struct {
		A int
		B string
	}
	recWithArr struct {
		A int
		B string
		C []int
	}
)

// A type the host has resolves to the host's descriptor only when both
// describe the same layout: archives compiled against another version of
// the package are refused, naming the type and the first difference.
func TestTypeLayoutMismatch(t *testing.T) {
	const rec = "github.com/goload/goload/internal/binding/testdata/fix/layout.Rec"
	renamed := `package layout

type Rec struct {
	A    int
	Name string
}

func New(a int, b string) Rec { return Rec{a, b} }

func (r Rec) Len() int { return r.A + len(r.Name) }
`
	grown := `package layout

type Rec struct {
	A int
	B string
	C []int
}

func New(a int, b string) Rec { return Rec{A: a, B: b} }

func (r Rec) Len() int { return r.A + len(r.B) + len(r.C) }
`
	forEach(t, func(t *testing.T, tc toolchain) {
		// The same source as the host's: the host's descriptors, by
		// pointer (reflect.Type equality in the host).
		t.Log(loadCheck(t, tc, "", nil, "layout", "./testdata/fix/uselayout", "./testdata/fix/layout"))
		host := testHost(t, tc, "")
		for _, c := range []struct {
			src  string
			want []string
		}{
			{renamed, []string{rec, "field 1 is Name string at offset 8, the host's B string at offset 8"}},
			{grown, []string{rec, fmt.Sprintf("size %d, the host's %d", unsafe.Sizeof(recWithArr{}), unsafe.Sizeof(recHost{}))}},
		} {
			args := append([]string{"layout"}, archivesWith(t, tc, c.src, "./testdata/fix/uselayout", "./testdata/fix/layout")...)
			t.Log(runHost(t, host, nil, append(args, c.want...)...))
		}
	})
}
