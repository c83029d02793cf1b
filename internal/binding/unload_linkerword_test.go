package binding

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A host global's word that still holds what the host's linker wrote is no
// interface's type word, even when it equals the address of one of the
// module's types: the linker wrote it before the module existed. The
// heap scan reads the word before each pointer word of a global as a
// possible type word, and on Go 1.21 named idna..stmp_5's four bools
// (0x01010100, before its trie pointer) as holding the module's
// type:*func() (uint32, uint64) at that address (eh_stack_move of
// tests/peers). Here the host's global holds, as linked, the address its
// module's type mod.T gets (found by a first run, then built in with an
// overlay): Close succeeds; it was refused before.
func TestLinkerWrittenWordNoTypeWord(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		var base map[string]map[string]string
		b, err := os.ReadFile(treeOverlay(t))
		if err == nil {
			err = json.Unmarshal(b, &base)
		}
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`^type 0x([0-9a-f]+) word 0x([0-9a-f]+)\n`)
		guess := "0"
		for try := 0; try < 4; try++ {
			dir := t.TempDir()
			src := filepath.Join(dir, "guess.go")
			if err := os.WriteFile(src, []byte("package main\n\nconst guess = 0x"+guess+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			ov := map[string]map[string]string{"Replace": {filepath.Join(wd, "testdata/linkerword/host/guess.go"): src}}
			for k, v := range base["Replace"] {
				ov["Replace"][k] = v
			}
			js, _ := json.Marshal(ov)
			if err := os.WriteFile(filepath.Join(dir, "overlay.json"), js, 0o644); err != nil {
				t.Fatal(err)
			}
			bin := filepath.Join(dir, "host")
			// -buildmode=exe: no PIE, so the module's addresses repeat
			if out, err := tc.cmd("build", "-overlay="+filepath.Join(dir, "overlay.json"), "-buildmode=exe", "-o", bin,
				"./testdata/linkerword/host").CombinedOutput(); err != nil {
				t.Fatalf("build: %v\n%s", err, out)
			}
			out, log := runDebug(t, bin, "")
			m := re.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("host printed %q", out)
			}
			if m[1] != m[2] {
				guess = m[1] // the type moved (or the first run): build it in
				continue
			}
			if !strings.Contains(out, "close: <nil>") {
				t.Fatalf("the module's type at 0x%s, the host's linker-written word equal to it: %s\nlog (tail):\n%s", m[1], out, tail(log, 2000))
			}
			t.Logf("type and linker-written word 0x%s (try %d): %s", m[1], try, strings.TrimSpace(strings.Split(out, "\n")[1]))
			return
		}
		t.Fatal(fmt.Sprintf("the module's type never stayed at the address built into the host (last 0x%s): the test cannot test", guess))
	})
}
