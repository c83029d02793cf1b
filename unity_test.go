package goload

import (
	"crypto/sha256"
	"fmt"
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

// cgo_sources.h must hold the digest of src/ and include/ that
// scripts/cgo_sources.sh computes: the go command keys its cache by the
// package folder's files only, so a stale digest means this very test
// binary may run the C code of before the last C change.
func TestCgoSourcesDigest(t *testing.T) {
	var files []string
	for _, dir := range []string{"src", "include"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h")) {
				files = append(files, filepath.ToSlash(p))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(files)
	var list strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&list, "%x  %s\n", sha256.Sum256(b), f)
	}
	want := fmt.Sprintf("%x", sha256.Sum256([]byte(list.String())))
	h, err := os.ReadFile("cgo_sources.h")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`GOLOAD_C_SOURCES_SHA256 "([0-9a-f]{64})"`).FindSubmatch(h)
	if m == nil || string(m[1]) != want {
		t.Fatalf("cgo_sources.h does not hold the digest of src/ and include/ (%s): the go command may have built this test with older C; run scripts/cgo_sources.sh", want)
	}
}
