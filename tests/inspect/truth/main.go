// truth checks `goload inspect` against the Go toolchain's own readers:
// go tool nm -size, debug/gosym, go version -m and DWARF inlined
// subroutines. It also makes the damaged variants the tests inspect.
//
//	truth funcs GOLOAD BIN TWIN      function list, sizes, entry file:line, >= 1000 other PCs
//	truth buildinfo GOLOAD BIN       `inspect info` build lines == `go version -m`
//	truth inline GOLOAD BIN TWIN     inline chains == DWARF inlined subroutines
//	truth itabs GOLOAD BIN TWIN      itabs == the go:itab.T,I symbols of nm; type names decode
//	truth same GOLOAD A B            same function list (damaged variants)
//	truth symbols GOLOAD BIN         every defined symbol of go tool nm is in `inspect symbols`
//	truth strip-sections IN OUT      remove the section header table
//	truth smash-magic IN OUT         overwrite the pclntab magic
//	truth mini OUT                   write a minimal synthetic Go 1.26 image (fuzz seed)
//	truth fat OUT THIN...            a universal Mach-O of thin Mach-O files
//	truth damage IN DIR              PE/Mach-O variants with one header field out of range
//	truth fuzzseed IN OUT            the parseable first 64 KiB of a PE/Mach-O file (fuzz seeds)
//
// funcs, buildinfo, inline, itabs and same read ELF, PE and Mach-O twins
// (formats.go).
//
// Each check prints "N passed, M failed" and exits 1 on a failure. TWIN is
// the unstripped twin of BIN (the same build without -s -w).
package main

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"debug/gosym"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

var passed, failed int
var shown = map[string]int{}

func check(ok bool, kind, format string, args ...any) {
	if ok {
		passed++
		return
	}
	failed++
	// Show a few failures of each kind, not thousands.
	if shown[kind]++; shown[kind] <= 5 {
		fmt.Fprintf(os.Stderr, "FAIL %s: %s\n", kind, fmt.Sprintf(format, args...))
	}
}

func done() {
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

func die(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "truth: "+format+"\n", args...)
	fmt.Printf("%d passed, %d failed\n", passed, failed+1)
	os.Exit(1)
}

func run(name string, args ...string) []byte {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		die("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

type fn struct {
	Name       string `json:"name"`
	Entry      string `json:"entry"`
	End        string `json:"end"`
	Size       uint64 `json:"size"`
	Package    string `json:"package"`
	File       string `json:"file"`
	StartLine  int    `json:"start_line"`
	EntryLine  int    `json:"entry_line"`
	FuncID     int    `json:"funcid"`
	FuncIDName string `json:"funcid_name"`
	Flags      string `json:"flags"`
}

func hex(s string) uint64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		die("bad hex %q", s)
	}
	return v
}

func inspectFuncs(goload, bin string) []fn {
	var fs []fn
	if err := json.Unmarshal(run(goload, "inspect", "funcs", "--json", bin), &fs); err != nil {
		die("inspect funcs --json %s: %v", bin, err)
	}
	return fs
}

type frame struct {
	Func    string `json:"func"`
	File    string `json:"file"`
	Line    int    `json:"line"`
	Inlined bool   `json:"inlined"`
}

type lineResult struct {
	PC     string  `json:"pc"`
	Frames []frame `json:"frames"`
	Error  string  `json:"error"`
}

func inspectLines(goload, bin string, pcs []uint64) map[uint64][]frame {
	res := map[uint64][]frame{}
	for i := 0; i < len(pcs); i += 400 {
		j := min(i+400, len(pcs))
		args := []string{"inspect", "line", "--json", bin}
		for _, pc := range pcs[i:j] {
			args = append(args, fmt.Sprintf("%#x", pc))
		}
		var rs []lineResult
		if err := json.Unmarshal(run(goload, args...), &rs); err != nil {
			die("inspect line --json: %v", err)
		}
		for _, r := range rs {
			res[hex(r.PC)] = r.Frames
		}
	}
	return res
}

type nmSym struct {
	addr, size uint64
	kind, name string
}

func nm(bin string) []nmSym {
	var syms []nmSym
	for _, l := range strings.Split(string(run("go", "tool", "nm", "-size", bin)), "\n") {
		f := strings.Fields(l)
		if len(f) < 4 {
			continue
		}
		a, err1 := strconv.ParseUint(f[0], 16, 64)
		s, err2 := strconv.ParseUint(f[1], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		// The name is everything after the kind (names may hold spaces).
		name := strings.TrimSpace(l[strings.Index(l, " "+f[2]+" ")+len(f[2])+2:])
		syms = append(syms, nmSym{a, s, f[2], name})
	}
	return syms
}

// pclnData is the pclntab's bytes (to the end of its section) and their
// file offset: .gopclntab, .data.rel.ro.gopclntab in PIE before Go 1.26,
// or runtime.pclntab inside .data.rel.ro when the system linker merged it.
func pclnData(f *elf.File) ([]byte, uint64) {
	for _, s := range f.Sections {
		if strings.HasSuffix(s.Name, ".gopclntab") {
			d, err := s.Data()
			if err == nil {
				return d, s.Offset
			}
		}
	}
	syms, _ := f.Symbols()
	for _, sym := range syms {
		if sym.Name != "runtime.pclntab" && sym.Name != "runtime.pcheader" {
			continue
		}
		for _, s := range f.Sections {
			if s.Type != elf.SHT_NOBITS && sym.Value >= s.Addr && sym.Value < s.Addr+s.Size {
				d, err := s.Data()
				if err == nil {
					return d[sym.Value-s.Addr:], s.Offset + sym.Value - s.Addr
				}
			}
		}
	}
	return nil, 0
}

func gosymTable(twin string) (*gosym.Table, *binFile) {
	f := openAny(twin)
	if f.pcln == nil {
		die("%s: no pclntab", twin)
	}
	tab, err := gosym.NewTable(nil, gosym.NewLineTable(f.pcln, f.text))
	if err != nil {
		die("%s: gosym: %v", twin, err)
	}
	return tab, f
}

// funcs: the function list equals go tool nm -size of the twin; file:line of
// every entry and of >= 1000 other PCs equals debug/gosym.
func cmdFuncs(goload, bin, twin string) {
	fs := inspectFuncs(goload, bin)
	check(len(fs) > 100, "count", "only %d functions", len(fs))
	byAddr := map[uint64][]nmSym{}
	for _, s := range nm(twin) {
		if s.kind == "T" || s.kind == "t" {
			byAddr[s.addr] = append(byAddr[s.addr], s)
		}
	}
	tab, tf := gosymTable(twin)
	ours := map[uint64]bool{}
	var lo, hi uint64 = ^uint64(0), 0
	for _, f := range fs {
		e := hex(f.Entry)
		ours[e] = true
		lo, hi = min(lo, e), max(hi, e+f.Size)
		// Marker symbols (go:textfipsstart...) carry no pc tables; their
		// size is not recorded in pclntab.
		marker := strings.HasPrefix(f.Name, "go:")
		var match *nmSym
		for i, s := range byAddr[e] {
			// ELF symbols spell the middle dot of generated names as '.'.
			n := strings.ReplaceAll(f.Name, "·", ".")
			// Mach-O spells a name without a dot with one more underscore.
			if s.name == n || s.name == n+".abi0" || elidedSame(n, s.name) || (tf.format == "macho" && s.name == "_"+n) {
				match = &byAddr[e][i]
			}
			// Plugins and shared libraries hash the ELF names of type: symbols.
			if match == nil && strings.HasPrefix(f.Name, "type:") && strings.HasPrefix(s.name, "type:.") && s.kind == "T" {
				match = &byAddr[e][i]
			}
		}
		check(match != nil, "nm-name", "%s at %#x: no nm text symbol of that name (nm has %v)", f.Name, e, byAddr[e])
		if match != nil && !marker && tf.format == "elf" {
			check(match.size == f.Size, "nm-size", "%s: size %d, nm says %d", f.Name, f.Size, match.size)
		}
		gf := tab.PCToFunc(e)
		check(gf != nil && gf.Name == f.Name, "gosym-func", "%#x: %s, gosym says %v", e, f.Name, gf)
		if gf != nil && !marker {
			check(gf.Entry == e && e+f.Size <= gf.End, "gosym-end", "%s: [%#x, +%d), gosym says [%#x, %#x)",
				f.Name, e, f.Size, gf.Entry, gf.End)
		}
		if tf.format != "elf" && !marker && gf != nil && gf.End > e {
			// PE and Mach-O symbols have no sizes (nm's is the distance to
			// the next symbol): the size must end where the padding the
			// linker fills the gap with begins (INT3 on amd64, 0 on arm64).
			pad := tf.read(e+f.Size, gf.End-e-f.Size)
			fill := byte(0)
			if tf.arch == "amd64" {
				fill = 0xcc
			}
			ok := f.Size <= gf.End-e && pad != nil && len(bytes.Trim(pad, string([]byte{fill}))) == 0
			check(ok, "size-padding", "%s: size %d of [%#x, %#x): the rest is not padding", f.Name, f.Size, e, gf.End)
		}
		if !marker {
			file, line, _ := tab.PCToLine(e)
			check(file == f.File && line == f.EntryLine, "gosym-entry-line", "%s: %s:%d, gosym says %s:%d",
				f.Name, f.File, f.EntryLine, file, line)
		}
	}
	// Every Go text symbol nm lists inside [first entry, last end) is a function of ours.
	for a, ss := range byAddr {
		if a < lo || a >= hi {
			continue
		}
		for _, s := range ss {
			if s.name == "runtime.text" || s.name == "runtime.etext" || s.size == 0 {
				continue
			}
			check(ours[a], "nm-missing", "nm has %s at %#x, inspect does not", s.name, a)
		}
	}
	// Other PCs: a deterministic spread over all functions, >= 1000 in total.
	var pcs []uint64
	step := max(1, len(fs)/1500)
	for i := 0; i < len(fs); i += step {
		f := fs[i]
		if f.Size < 2 || strings.HasPrefix(f.Name, "go:") {
			continue
		}
		for k := uint64(1); k <= 3; k++ {
			pcs = append(pcs, hex(f.Entry)+(f.Size*k)/4)
		}
	}
	check(len(pcs) >= 1000, "pc-count", "only %d PCs sampled", len(pcs))
	lines := inspectLines(goload, bin, pcs)
	for _, pc := range pcs {
		fr := lines[pc]
		file, line, gf := tab.PCToLine(pc)
		if len(fr) == 0 {
			check(false, "line", "%#x: no frames", pc)
			continue
		}
		check(fr[0].File == file && fr[0].Line == line, "line", "%#x: %s:%d, gosym says %s:%d", pc, fr[0].File,
			fr[0].Line, file, line)
		check(gf != nil && fr[len(fr)-1].Func == gf.Name, "line-func", "%#x: outermost %s, gosym says %v", pc,
			fr[len(fr)-1].Func, gf)
	}
	done()
}

// buildinfo: the build lines of `inspect info` equal `go version -m`.
func cmdBuildinfo(goload, bin string) {
	want := strings.Split(strings.TrimRight(string(run("go", "version", "-m", bin)), "\n"), "\n")[1:]
	info := string(run(goload, "inspect", "info", bin))
	i := strings.Index(info, "build info:\n")
	if i < 0 {
		die("inspect info %s: no build info section", bin)
	}
	got := strings.Split(strings.TrimRight(info[i+len("build info:\n"):], "\n"), "\n")
	check(len(got) == len(want), "buildinfo-lines", "%d lines, go version -m has %d", len(got), len(want))
	for k := 0; k < len(want) && k < len(got); k++ {
		check(got[k] == want[k], "buildinfo", "line %d: %q, go version -m says %q", k, got[k], want[k])
	}
	vline := strings.SplitN(string(run("go", "version", bin)), ": ", 2)
	check(len(vline) == 2 && strings.Contains(info, "go version:      "+strings.TrimSpace(vline[1])+"\n"),
		"go-version", "go version says %q", vline)
	done()
}

// inline: for every PC of the main package that DWARF places inside an
// inlined subroutine, the chain of `inspect line` (names, call lines)
// equals the chain of DW_TAG_inlined_subroutine entries.
type inl struct {
	name     string
	ranges   [][2]uint64
	callLine int
	kids     []*inl
}

func cmdInline(goload, bin, twin string) {
	d, err := openAny(twin).dwarf()
	if err != nil {
		die("%s: DWARF: %v", twin, err)
	}
	nameAt := func(off dwarf.Offset) string {
		r := d.Reader()
		r.Seek(off)
		e, err := r.Next()
		if err != nil || e == nil {
			return ""
		}
		n, _ := e.Val(dwarf.AttrName).(string)
		return n
	}
	var roots []*inl
	r := d.Reader()
	var stack []*inl
	for {
		e, err := r.Next()
		if err != nil {
			die("DWARF: %v", err)
		}
		if e == nil {
			break
		}
		if e.Tag == 0 {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		var node *inl
		switch e.Tag {
		case dwarf.TagSubprogram, dwarf.TagInlinedSubroutine:
			name, _ := e.Val(dwarf.AttrName).(string)
			if o, ok := e.Val(dwarf.AttrAbstractOrigin).(dwarf.Offset); ok {
				name = nameAt(o)
			}
			rg, _ := d.Ranges(e)
			cl, _ := e.Val(dwarf.AttrCallLine).(int64)
			node = &inl{name: name, callLine: int(cl)}
			for _, x := range rg {
				node.ranges = append(node.ranges, [2]uint64{x[0], x[1]})
			}
			if e.Tag == dwarf.TagSubprogram {
				// A plugin's main package keeps its import path.
				if (strings.HasPrefix(name, "main.") || strings.HasPrefix(name, "example.com/prog.")) && len(rg) > 0 {
					roots = append(roots, node)
				}
			} else if len(stack) > 0 && stack[len(stack)-1] != nil {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, node)
			}
		}
		if e.Children {
			stack = append(stack, node)
		}
	}
	// Go <= 1.15 gives an inlined subroutine only the ranges of its own
	// instructions, not those of the calls inlined into it: a node covers
	// pc when it or a descendant does.
	var in func(n *inl, pc uint64) bool
	in = func(n *inl, pc uint64) bool {
		for _, x := range n.ranges {
			if pc >= x[0] && pc < x[1] {
				return true
			}
		}
		for _, k := range n.kids {
			if in(k, pc) {
				return true
			}
		}
		return false
	}
	type want struct {
		names []string
		calls []int
	}
	wants := map[uint64]want{}
	var pcs []uint64
	for _, root := range roots {
		for _, x := range root.ranges {
			for pc := x[0]; pc < x[1]; pc++ {
				// Outermost to innermost, then reversed.
				names := []string{root.name}
				var calls []int
				n := root
				for {
					var next *inl
					for _, k := range n.kids {
						if in(k, pc) {
							next = k
						}
					}
					if next == nil {
						break
					}
					names = append(names, next.name)
					calls = append(calls, next.callLine)
					n = next
				}
				if len(names) < 2 {
					continue
				}
				for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
					names[i], names[j] = names[j], names[i]
				}
				for i, j := 0, len(calls)-1; i < j; i, j = i+1, j-1 {
					calls[i], calls[j] = calls[j], calls[i]
				}
				wants[pc] = want{names, calls}
				pcs = append(pcs, pc)
			}
		}
	}
	check(len(pcs) > 0, "inline-count", "DWARF shows no inlined code in package main")
	deep := 0
	got := inspectLines(goload, bin, pcs)
	for _, pc := range pcs {
		w, fr := wants[pc], got[pc]
		var names []string
		for _, x := range fr {
			names = append(names, x.Func)
		}
		check(elidedSame(strings.Join(names, " <- "), strings.Join(w.names, " <- ")), "inline-chain",
			"%#x: %v, DWARF says %v", pc, names, w.names)
		// Frame i+1 stands at the call site of frame i.
		for i := 0; i+1 < len(fr) && i < len(w.calls); i++ {
			check(fr[i+1].Line == w.calls[i], "inline-call-line", "%#x: frame %d (%s) at line %d, DWARF call line %d",
				pc, i+1, fr[i+1].Func, fr[i+1].Line, w.calls[i])
		}
		if len(names) >= 3 {
			deep++
		}
	}
	check(deep > 0, "inline-depth", "no PC with a two-level inline chain (leaf <- middle <- outer)")
	done()
}

type itabFun struct {
	PC   string `json:"pc"`
	Func string `json:"func"`
}

type itab struct {
	Addr      string    `json:"addr"`
	Interface string    `json:"interface"`
	Type      string    `json:"type"`
	Fun       []itabFun `json:"fun"`
}

// itabs: the itabs of `inspect itabs` are exactly the go:itab.TYPE,IFACE
// symbols of go tool nm (address and both decoded type names), and every
// method slot holds a function entry.
func cmdItabs(goload, bin, twin string) {
	var its []itab
	if err := json.Unmarshal(run(goload, "inspect", "itabs", "--json", bin), &its); err != nil {
		die("inspect itabs --json %s: %v", bin, err)
	}
	// Symbols spell packages by import path, type strings by package name.
	short := regexp.MustCompile(`[\w.-]+/`)
	want := map[uint64]string{}
	names := map[string]bool{}
	for _, s := range nm(twin) {
		if strings.HasPrefix(s.name, "go:itab.") || strings.HasPrefix(s.name, "go.itab.") {
			// A plugin's main package keeps its import path in symbols.
			n := strings.ReplaceAll(s.name[len("go:itab."):], "example.com/prog.", "main.")
			n = short.ReplaceAllString(n, "")
			want[s.addr] = n
			names[n] = true
		}
	}
	check(len(its) > 5, "itab-count", "only %d itabs", len(its))
	if len(names) == 0 {
		// Go 1.27 keeps itabs in the types region without symbols: check
		// the ones the test program makes, main.Shape = {Area, Name}.
		found := 0
		for _, it := range its {
			if it.Interface != "main.Shape" || len(it.Fun) != 2 {
				continue
			}
			recv := strings.TrimPrefix(it.Type, "*main.")
			recv = strings.TrimPrefix(recv, "main.")
			ok := strings.Contains(it.Fun[0].Func, recv) && strings.HasSuffix(it.Fun[0].Func, ".Area") &&
				strings.Contains(it.Fun[1].Func, recv) && strings.HasSuffix(it.Fun[1].Func, ".Name")
			check(ok, "itab-shape", "%s,%s: fun %v", it.Type, it.Interface, it.Fun)
			found++
		}
		check(found == 2, "itab-shape", "%d itabs of main.Shape, want Rect and *Circle", found)
		done()
		return
	}
	check(len(its) == len(names), "itab-count", "%d itabs, nm has %d go:itab names", len(its), len(names))
	for _, it := range its {
		a, n := hex(it.Addr), it.Type+","+it.Interface
		// Go 1.18 can leave an itab's symbol at another address (deduplicated).
		check(want[a] == n || (want[a] == "" && names[n]), "itab-name", "%#x: %s, nm says %q", a, n, want[a])
		for i, f := range it.Fun {
			check(f.Func != "?", "itab-fun", "%s,%s: fun[%d] %s is not a function entry", it.Type, it.Interface, i, f.PC)
		}
	}
	done()
}

func cmdSame(goload, a, b string) {
	fa, fb := inspectFuncs(goload, a), inspectFuncs(goload, b)
	check(len(fa) == len(fb), "same-count", "%d functions vs %d", len(fa), len(fb))
	for i := 0; i < len(fa) && i < len(fb); i++ {
		check(fa[i] == fb[i], "same", "function %d: %+v vs %+v", i, fa[i], fb[i])
	}
	done()
}

// rewrite writes a patched copy of in to out.
func rewrite(in, out string, patch func(b []byte, f *elf.File)) {
	b, err := os.ReadFile(in)
	if err != nil {
		die("%v", err)
	}
	f, err := elf.Open(in)
	if err != nil {
		die("%v", err)
	}
	defer f.Close()
	patch(b, f)
	if err := os.WriteFile(out, b, 0o755); err != nil {
		die("%v", err)
	}
}

// stripSections clears e_shoff and e_shentsize..e_shstrndx: no section headers.
func stripSections(b []byte, _ *elf.File) {
	binary.LittleEndian.PutUint64(b[0x28:], 0)
	for _, off := range []int{0x3a, 0x3c, 0x3e} {
		binary.LittleEndian.PutUint16(b[off:], 0)
	}
}

func smashMagic(b []byte, f *elf.File) {
	data, off := pclnData(f)
	if data == nil {
		die("no pclntab")
	}
	binary.LittleEndian.PutUint32(b[off:], 0xdeadbeef)
}

// mini writes the smallest image goload accepts as Go 1.26: two functions
// in a pclntab, a moduledata that points at it, buildinfo, no sections and
// no symbols (so moduledata is found by scanning). It seeds the fuzzers;
// offsets follow runtime/symtab.go and runtime2.go of go1.26.
const miniBase = 0x400000

// miniELF: the ELF header and two PT_LOADs of the synthetic images, text
// (main.main at 0x100, main.f at 0x120) filled in.
func miniELF() []byte {
	const base = miniBase
	b := make([]byte, 0x1400)
	le := binary.LittleEndian
	// ELF header and two PT_LOADs: [0, 0x1000) R+X, [0x1000, 0x1400) RW.
	copy(b, "\x7fELF\x02\x01\x01")
	le.PutUint16(b[16:], 2)  // ET_EXEC
	le.PutUint16(b[18:], 62) // EM_X86_64
	le.PutUint32(b[20:], 1)
	le.PutUint64(b[24:], base+0x100) // entry: main.main
	le.PutUint64(b[32:], 64)         // phoff
	le.PutUint16(b[52:], 64)
	le.PutUint16(b[54:], 56)
	le.PutUint16(b[56:], 2)
	ph := func(i int, flags uint32, off, size uint64) {
		p := b[64+56*i:]
		le.PutUint32(p, 1)
		le.PutUint32(p[4:], flags)
		le.PutUint64(p[8:], off)
		le.PutUint64(p[16:], base+off)
		le.PutUint64(p[24:], base+off)
		le.PutUint64(p[32:], size)
		le.PutUint64(p[40:], size)
		le.PutUint64(p[48:], 0x1000)
	}
	ph(0, 5, 0, 0x1000)
	ph(1, 6, 0x1000, 0x400)
	for i := 0x100; i < 0x140; i++ {
		b[i] = 0xcc // text: main.main at 0x100, main.f at 0x120
	}
	return b
}

// mini12: the same two functions with a Go 1.2-format pclntab and the Go
// 1.15 moduledata, pointer-format buildinfo.
func mini12(out string) {
	const base = miniBase
	b := miniELF()
	le := binary.LittleEndian
	const P = 0x200
	le.PutUint32(b[P:], 0xfffffffb)
	b[P+6], b[P+7] = 1, 8
	le.PutUint64(b[P+8:], 2) // nfunc
	// ftab rows {entry, funcoff}, the end pc, then the file table's offset.
	for i, row := range [][2]uint64{{base + 0x100, 120}, {base + 0x120, 160}} {
		le.PutUint64(b[P+16+16*i:], row[0])
		le.PutUint64(b[P+24+16*i:], row[1])
	}
	le.PutUint64(b[P+48:], base+0x140)
	le.PutUint32(b[P+56:], 96)
	copy(b[P+64:], "main.main\x00main.f\x00")
	copy(b[P+84:], "/x/main.go\x00")
	le.PutUint32(b[P+96:], 2) // nfiles+1, then file 1
	le.PutUint32(b[P+100:], 84)
	// sp 0, file 1, line 10 over 16 bytes.
	copy(b[P+104:], []byte{2, 16, 0, 4, 16, 0, 22, 16, 0})
	for i, f := range [][2]uint64{{base + 0x100, 64}, {base + 0x120, 74}} {
		p := b[P+120+40*i:]
		le.PutUint64(p, f[0])
		le.PutUint32(p[8:], uint32(f[1]))
		le.PutUint32(p[20:], 104) // pcsp
		le.PutUint32(p[24:], 107) // pcfile
		le.PutUint32(p[28:], 110) // pcln
	}
	bi := b[0x1000:]
	copy(bi, "\xff Go buildinf:")
	bi[14] = 8
	mod := "0123456789abcdefpath\texample.com/mini\nmod\texample.com/mini\t(devel)\t\n0123456789abcdef"
	le.PutUint64(bi[16:], base+0x1040)
	le.PutUint64(bi[24:], base+0x1050)
	for i, str := range []string{"go1.15.15", mod} {
		le.PutUint64(bi[0x40+16*i:], base+0x1060+uint64(0x20*i))
		le.PutUint64(bi[0x48+16*i:], uint64(len(str)))
		copy(bi[0x60+0x20*i:], str)
	}
	// moduledata at 0x1100 (go1.15 layout, 456 bytes).
	md := b[0x1100:]
	w := func(off int, v uint64) { le.PutUint64(md[off:], v) }
	sl := func(off int, p, n uint64) { w(off, p); w(off+8, n); w(off+16, n) }
	sl(0, base+P, 200)
	sl(24, base+P+16, 3)
	sl(48, base+P+96, 2)
	miniRanges(w, 80, 168, 200)
	md[392] = 1 // hasmain
	if err := os.WriteFile(out, b, 0o644); err != nil {
		die("%v", err)
	}
}

// miniRanges writes the moduledata words minpc, maxpc, text, etext (from
// minpc on), the data ranges up to lastData, end after them, and types,
// etypes.
func miniRanges(w func(int, uint64), minpc, lastData, types int) {
	const base = miniBase
	for i, v := range []uint64{0x100, 0x140, 0x100, 0x140} {
		w(minpc+8*i, base+v)
	}
	for off := minpc + 32; off <= lastData; off += 8 {
		w(off, base+0x1000) // noptrdata .. the last data bound
	}
	w(lastData+8, base+0x1400) // end
	w(types, base+0x300)
	w(types+8, base+0x340)
}

func mini(out string) {
	const base = miniBase
	b := miniELF()
	le := binary.LittleEndian
	// pcHeader at 0x200 and the tables after it.
	const pch, names, cutab, files, pctab, pcln = 0x200, 0x248, 0x260, 0x268, 0x278, 0x288
	le.PutUint32(b[pch:], 0xfffffff1)
	b[pch+6], b[pch+7] = 1, 8
	for i, v := range []uint64{2, 1, 0, names - pch, cutab - pch, files - pch, pctab - pch, pcln - pch} {
		le.PutUint64(b[pch+8+8*i:], v)
	}
	copy(b[names:], "main.main\x00main.f\x00")
	copy(b[files:], "/x/main.go\x00")
	// pc-value tables: sp 0 and file 0 over 16 bytes; line 10 over 16 bytes.
	copy(b[pctab:], []byte{0, 2, 16, 0, 2, 16, 0, 22, 16, 0})
	for i, row := range [][2]uint32{{0, 24}, {0x20, 68}, {0x40, 24}} {
		le.PutUint32(b[pcln+8*i:], row[0])
		le.PutUint32(b[pcln+8*i+4:], row[1])
	}
	for i, f := range [][2]uint32{{0, 0}, {0x20, 10}} {
		p := b[pcln+24+44*i:]
		le.PutUint32(p, f[0])     // entryOff
		le.PutUint32(p[4:], f[1]) // nameOff
		le.PutUint32(p[16:], 1)   // pcsp
		le.PutUint32(p[20:], 4)   // pcfile
		le.PutUint32(p[24:], 7)   // pcln
		le.PutUint32(p[36:], 9)   // startLine
	}
	// buildinfo at 0x1000: header, then inline version and modinfo.
	bi := b[0x1000:]
	copy(bi, "\xff Go buildinf:")
	bi[14], bi[15] = 8, 2
	mod := "0123456789abcdefpath\texample.com/mini\nmod\texample.com/mini\t(devel)\t\nbuild\t-buildmode=exe\n0123456789abcdef"
	n := 32
	for _, str := range []string{"go1.26.8", mod} {
		n += binary.PutUvarint(bi[n:], uint64(len(str)))
		n += copy(bi[n:], str)
	}
	// moduledata at 0x1100 (go1.26 layout, 592 bytes).
	md := b[0x1100:]
	w := func(off int, v uint64) { le.PutUint64(md[off:], v) }
	sl := func(off int, p, n uint64) { w(off, p); w(off+8, n); w(off+16, n) }
	w(0, base+pch)
	sl(8, base+names, 17)
	sl(32, base+cutab, 1)
	sl(56, base+files, 11)
	sl(80, base+pctab, 10)
	sl(104, base+pcln, 112)
	sl(128, base+pcln, 3)
	miniRanges(w, 160, 264, 296)
	w(312, base+0x300) // rodata
	w(320, base+0x300) // gofunc
	w(328, base+0x2f8) // epclntab
	md[536] = 1        // hasmain
	if err := os.WriteFile(out, b, 0o644); err != nil {
		die("%v", err)
	}
}

// elidedSame: pclntab name ours equals full name full, where Go 1.18-1.20
// write "[...]" for every bracketed part (type arguments, and array lengths
// until 1.20) and the symbol table or DWARF spell it out.
func elidedSame(ours, full string) bool {
	if ours == full {
		return true
	}
	if !strings.Contains(ours, "[...]") {
		return false
	}
	var b strings.Builder
	depth := 0
	for _, c := range full {
		switch {
		case c == '[':
			if depth == 0 {
				b.WriteString("[...")
			}
			depth++
		case c == ']' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(']')
			}
		case depth == 0:
			b.WriteRune(c)
		}
	}
	return b.String() == ours
}

func main() {
	a := os.Args[1:]
	need := func(n int) {
		if len(a) != n+1 {
			die("usage: see the comment at the top of truth/main.go")
		}
	}
	if len(a) == 0 {
		need(0)
	}
	switch a[0] {
	case "funcs":
		need(3)
		cmdFuncs(a[1], a[2], a[3])
	case "buildinfo":
		need(2)
		cmdBuildinfo(a[1], a[2])
	case "inline":
		need(3)
		cmdInline(a[1], a[2], a[3])
	case "itabs":
		need(3)
		cmdItabs(a[1], a[2], a[3])
	case "same":
		need(3)
		cmdSame(a[1], a[2], a[3])
	case "strip-sections":
		need(2)
		rewrite(a[1], a[2], stripSections)
	case "mini":
		need(1)
		mini(a[1])
	case "mini12":
		need(1)
		mini12(a[1])
	case "fat":
		if len(a) < 4 {
			die("usage: truth fat OUT THIN...")
		}
		cmdFat(a[1], a[2:]...)
	case "symbols":
		need(2)
		cmdSymbols(a[1], a[2])
	case "fuzzseed":
		need(2)
		cmdFuzzSeed(a[1], a[2])
	case "damage":
		need(2)
		cmdDamage(a[1], a[2])
	case "smash-magic":
		need(2)
		rewrite(a[1], a[2], smashMagic)
	default:
		die("unknown command %q", a[0])
	}
}
