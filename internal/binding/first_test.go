package binding

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The first Open, Close and NewPatch of a process (issue 14), in
// testdata/firsthost built with plugin imported: its linker then exports
// every Go symbol and leaves the words of symbol relocations 0 in the
// file, which goload fills in before it reads moduledata.

const firstFixture = "github.com/goload/goload/internal/binding/testdata/fix/plain"

// TestFirstUseImageNotCopied: a host whose image has relocated words no
// longer copies its whole file (malloc+memcpy of the executable, ~1,700
// page faults): the words are written into the file's private mapping,
// so only their pages are copied. On the old code goload.Check added
// more anonymous memory than the executable's size (11.6 MB for a
// 6.8 MB host on Go 1.26); now about two thirds of it (the indexes).
func TestFirstUseImageNotCopied(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, flags := range [][]string{{"-tags=withplugin"}, {"-tags=withplugin", "-buildmode=pie"}} {
			bin := buildHost(t, tc, "./testdata/firsthost", "", flags...)
			out := runHost(t, bin, nil, "image")
			m := regexp.MustCompile(`check added (-?\d+) kB anonymous memory; the executable is (\d+) kB`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("%v: image printed %q", flags, out)
			}
			added, _ := strconv.Atoi(m[1])
			size, _ := strconv.Atoi(m[2])
			t.Logf("%v: Check added %d kB, the executable is %d kB", flags, added, size)
			if added >= size {
				t.Errorf("%v: goload.Check added %d kB of anonymous memory for a %d kB executable: the image was copied whole", flags, added, size)
			}
		}
	})
}

// TestFirstUsePluginHost: load, call, close and patch in a host whose
// image goload relocated in place (each first use in its own process;
// the patch also after goload.CheckPatch).
func TestFirstUsePluginHost(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, flags := range [][]string{{"-tags=withplugin"}, {"-tags=withplugin", "-buildmode=pie"}, {}} {
			bin := buildHost(t, tc, "./testdata/firsthost", "", flags...)
			loadCheckIn(t, tc, bin, nil, "open", firstFixture)
			for _, mode := range []string{"patch", "checkpatch"} {
				if out := runHost(t, bin, nil, mode); !regexp.MustCompile(`(?m)^ok$`).MatchString(out) {
					t.Fatalf("%v: %s printed %q", flags, mode, out)
				}
			}
		}
	})
}

// TestHostIndexCache: the host index cache (src/link/hostcache.c). The
// first process of an executable builds the host's symbol, type and itab
// indexes and writes them; the next one reads them (GOLOAD_DEBUG=index
// says which) and loads, calls and closes as the first did, while
// GOLOAD_CHECK_INDEX=1 compares what it read, entry by entry, with a
// fresh build. A file damaged in place is caught by that check, which
// names the entry (without it the test would pass on a cache that answers
// wrongly); a truncated file, or one others may write, is not used and is
// written again; GOLOAD_CACHE=off writes nothing. PIE hosts check that the
// file holds link-time addresses (each process has its own load bias).
func TestHostIndexCache(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, flags := range [][]string{{"-tags=withplugin"}, {"-buildmode=pie"}} {
			bin := buildHost(t, tc, "./testdata/firsthost", "", flags...)
			archive := archiveBy(t, tc, firstFixture)
			dir := t.TempDir()
			run := func(wantErr bool, env ...string) string {
				t.Helper()
				cmd := exec.Command(bin, "open", archive)
				cmd.Env = append(os.Environ(), append([]string{"GOLOAD_CACHE=" + dir, "GOLOAD_DEBUG=index", "GOLOAD_CHECK_INDEX=1"}, env...)...)
				out, err := cmd.CombinedOutput()
				if (err != nil) != wantErr {
					t.Fatalf("%v: open (error %v, want one: %v):\n%s", flags, err, wantErr, out)
				}
				if !wantErr && !strings.HasSuffix(string(out), "ok\n") {
					t.Fatalf("%v: open printed\n%s", flags, out)
				}
				return string(out)
			}
			source := regexp.MustCompile(`goload: host index: (read from|built, written to) (\S+)`)
			m := source.FindStringSubmatch(run(false))
			if m == nil || m[1] != "built, written to" {
				t.Fatalf("%v: the first process did not write the index: %q", flags, m)
			}
			file := m[2]
			for i := 0; i < 2; i++ {
				if m := source.FindStringSubmatch(run(false)); m == nil || m[1] != "read from" || m[2] != file {
					t.Fatalf("%v: process %d did not read %s: %q", flags, i+2, file, m)
				}
			}
			// A NewPatch-only process adds the inline callers; the Open
			// process after it keeps them (and the types), and the next
			// NewPatch process finds all and writes nothing.
			patch := func() {
				t.Helper()
				cmd := exec.Command(bin, "patch")
				cmd.Env = append(os.Environ(), "GOLOAD_CACHE="+dir, "GOLOAD_CHECK_INDEX=1")
				if out, err := cmd.CombinedOutput(); err != nil || !strings.HasSuffix(string(out), "ok\n") {
					t.Fatalf("%v: patch: %v\n%s", flags, err, out)
				}
			}
			patch()
			if m := source.FindStringSubmatch(run(false)); m == nil || m[1] != "read from" {
				t.Fatalf("%v: the Open after a NewPatch did not read the index: %q", flags, m)
			}
			good, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if tags := cacheTags(good); tags != "1 2 3 4 5 6" {
				t.Fatalf("%v: the index file has sections %q, want the symbols, types, itabs, names, type hashes and inline callers", flags, tags)
			}
			patch()
			if again, _ := os.ReadFile(file); string(again) != string(good) {
				t.Fatalf("%v: a NewPatch process rewrote a complete index", flags)
			}
			// A symbol's address moved by 16 in place: the check names it.
			bad := append([]byte(nil), good...)
			rec := symsRecord(t, bad, 100)
			binary.LittleEndian.PutUint64(bad[rec+16:], binary.LittleEndian.Uint64(bad[rec+16:])+16)
			if err := os.WriteFile(file, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			if out := run(true); !strings.Contains(out, "its symbols differ from the executable's") || !strings.Contains(out, "entry 100: ") {
				t.Fatalf("%v: a damaged index was not caught:\n%s", flags, out)
			}
			// Truncated, or writable by others: not used, written again.
			for _, damage := range []func(){
				func() { os.WriteFile(file, good[:len(good)/2], 0o600) },
				func() { os.WriteFile(file, good, 0o600); os.Chmod(file, 0o666) },
			} {
				damage()
				if m := source.FindStringSubmatch(run(false)); m == nil || m[1] != "built, written to" {
					t.Fatalf("%v: a truncated or shared index was used: %q", flags, m)
				}
				if m := source.FindStringSubmatch(run(false)); m == nil || m[1] != "read from" {
					t.Fatalf("%v: the index written again was not read: %q", flags, m)
				}
			}
			os.Remove(file)
			if out := run(false, "GOLOAD_CACHE=off"); !strings.Contains(out, "host index cache is off") {
				t.Fatalf("%v: GOLOAD_CACHE=off:\n%s", flags, out)
			}
			if _, err := os.Stat(file); err == nil {
				t.Fatalf("%v: GOLOAD_CACHE=off wrote %s", flags, file)
			}
		}
	})
}

// cacheSections maps a host index cache file's section tags to their
// offsets (the layout of src/link/hostcache.c: its header, then the
// section table).
func cacheSections(f []byte) map[uint32]int {
	const hdr, key, sec = 16, 9 * 8, 24
	secs := map[uint32]int{}
	for k := 0; k < int(binary.LittleEndian.Uint32(f[12:])); k++ {
		s := f[hdr+key+k*sec:]
		secs[binary.LittleEndian.Uint32(s)] = int(binary.LittleEndian.Uint64(s[8:]))
	}
	return secs
}

// cacheTags lists the section tags of a host index cache file, sorted.
func cacheTags(f []byte) string {
	var tags []int
	for tag := range cacheSections(f) {
		tags = append(tags, int(tag))
	}
	sort.Ints(tags)
	return strings.Trim(fmt.Sprint(tags), "[]")
}

// symsRecord is the offset of record i of the symbol index (HC_SYMS, a
// frozen map of src/util/fmap.c: its 32-byte header, then 24-byte records).
func symsRecord(t *testing.T, f []byte, i int) int {
	off, ok := cacheSections(f)[1]
	if !ok {
		t.Fatal("no symbol index in the file")
	}
	if n := int(binary.LittleEndian.Uint32(f[off+8:])); i >= n {
		t.Fatalf("the symbol index has %d records", n)
	}
	return off + 32 + 24*i
}
