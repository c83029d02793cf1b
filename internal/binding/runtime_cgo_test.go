package binding

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// cFiles lists the files under dirs whose names end in one of exts,
// slash-separated and sorted.
func cFiles(t *testing.T, exts []string, dirs ...string) []string {
	t.Helper()
	var files []string
	for _, dir := range dirs {
		err := fs.WalkDir(os.DirFS(repoRoot), dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			for _, e := range exts {
				if strings.HasSuffix(p, e) {
					files = append(files, p)
					break
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(files)
	return files
}

// cgo builds the C library only through libgoload.c (scripts/cgo_sources.sh
// writes it): it must include every source under src/, and hold the digest
// of src/ and include/ that the script computes. The go command keys its
// cache by the package folder's files only, so a stale digest means this
// very test binary may run the C code of before the last C change, and a
// source it misses surfaces as an undefined symbol far from its cause.
func TestCgoUnity(t *testing.T) {
	b, err := os.ReadFile("libgoload.c")
	if err != nil {
		t.Fatal(err)
	}
	unity := string(b)
	want := cFiles(t, []string{".c"}, "src")
	var got []string
	for _, m := range regexp.MustCompile(`(?m)^#include "\.\./\.\./(src/[^"]+\.c)"`).FindAllStringSubmatch(unity, -1) {
		got = append(got, m[1])
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("libgoload.c includes\n%s\nbut src has\n%s\nrun scripts/cgo_sources.sh", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var list strings.Builder
	for _, f := range cFiles(t, []string{".c", ".h"}, "src", "include") {
		b, err := os.ReadFile(repoRoot + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&list, "%x  %s\n", sha256.Sum256(b), f)
	}
	digest := fmt.Sprintf("%x", sha256.Sum256([]byte(list.String())))
	m := regexp.MustCompile(`GOLOAD_C_SOURCES_SHA256 "([0-9a-f]{64})"`).FindStringSubmatch(unity)
	if m == nil || m[1] != digest {
		t.Errorf("libgoload.c does not hold the digest of src/ and include/ (%s): the go command may have built this test with older C; run scripts/cgo_sources.sh", digest)
	}
}

// In the unity build every source shares one scope: two file-scope statics
// of one name fail to compile, or worse, two tentative definitions
// (`static int n;` in two files) silently become one variable; a macro a
// source defines and never undefines applies to every source included after
// it. So file-scope static names are unique across src/, and a macro a .c
// file leaves defined names nothing in another .c file.
func TestCgoUnityNames(t *testing.T) {
	static := regexp.MustCompile(`^static\b[^=;({]*?\b([A-Za-z_]\w*)\s*(?:\(|\[|=|;|$)`)
	define := regexp.MustCompile(`(?m)^#\s*define\s+(\w+)`)
	undef := regexp.MustCompile(`(?m)^#\s*undef\s+(\w+)`)
	where := map[string]string{}
	defs := map[string]string{} // macro -> the file leaving it defined
	texts := map[string]string{}
	srcs := cFiles(t, []string{".c"}, "src")
	for _, f := range srcs {
		b, err := os.ReadFile(repoRoot + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		texts[f] = stripC(string(b))
		seen := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			m := static.FindStringSubmatch(line)
			if m == nil || seen[m[1]] {
				continue
			}
			seen[m[1]] = true
			if other, ok := where[m[1]]; ok {
				t.Errorf("static %s is defined in both %s and %s: rename one (libgoload.c compiles them as one file)", m[1], other, f)
			}
			where[m[1]] = f
		}
		undone := map[string]bool{}
		for _, m := range undef.FindAllStringSubmatch(string(b), -1) {
			undone[m[1]] = true
		}
		for _, m := range define.FindAllStringSubmatch(string(b), -1) {
			if !undone[m[1]] && m[1] != "_GNU_SOURCE" {
				defs[m[1]] = f
			}
		}
	}
	for name, f := range defs {
		word := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
		for _, g := range srcs {
			if g != f && word.MatchString(texts[g]) {
				t.Errorf("macro %s, which %s leaves defined, also appears in %s: #undef it at the end of %s, or rename it (libgoload.c compiles them as one file)", name, f, g, f)
			}
		}
	}
}

// stripC blanks C comments and string and character literals (a macro's
// name in a message or a comment is no use of it).
func stripC(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += end + 3
			b.WriteByte(' ')
		case strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case s[i] == '"' || s[i] == '\'':
			q := s[i]
			for i++; i < len(s) && s[i] != q && s[i] != '\n'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			b.WriteByte(' ')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
