package goload

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// cgo builds the library only through the root cgo_*.c wrappers: a source
// file without one would surface as an undefined symbol far from its cause.
func TestCgoWrapsEverySource(t *testing.T) {
	var want []string
	err := filepath.WalkDir("src", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".c") {
			want = append(want, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wrappers, err := filepath.Glob("cgo_*.c")
	if err != nil {
		t.Fatal(err)
	}
	inc := regexp.MustCompile(`(?m)^#include "(src/[^"]+\.c)"`)
	var got []string
	for _, w := range wrappers {
		b, err := os.ReadFile(w)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range inc.FindAllStringSubmatch(string(b), -1) {
			got = append(got, m[1])
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the cgo wrappers include\n%s\nbut src has\n%s\nrun scripts/cgo_sources.sh", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
