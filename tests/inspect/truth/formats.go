package main

// The twin's pclntab, text start, DWARF and bytes by address, read by the
// Go toolchain's own debug/elf, debug/pe and debug/macho (as
// cmd/internal/objfile does for go tool nm and addr2line).

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"os"
	"strings"
)

type binFile struct {
	format string // "elf", "pe", "macho"
	arch   string // "amd64", "arm64"
	pcln   []byte
	text   uint64
	dwarf  func() (*dwarf.Data, error)
	read   func(va, n uint64) []byte // nil when outside the file
	elf    *elf.File
}

func openAny(path string) *binFile {
	b, err := os.ReadFile(path)
	if err != nil {
		die("%v", err)
	}
	switch {
	case bytes.HasPrefix(b, []byte("\x7fELF")):
		f, err := elf.Open(path)
		if err != nil {
			die("%s: %v", path, err)
		}
		data, _ := pclnData(f)
		var text uint64
		syms, _ := f.Symbols()
		for _, s := range syms {
			if s.Name == "runtime.text" {
				text = s.Value
			}
		}
		if text == 0 {
			text = f.Section(".text").Addr
		}
		arch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
		read := func(va, n uint64) []byte {
			for _, p := range f.Progs {
				if p.Type == elf.PT_LOAD && va >= p.Vaddr && va+n <= p.Vaddr+p.Filesz {
					return b[p.Off+va-p.Vaddr : p.Off+va-p.Vaddr+n]
				}
			}
			return nil
		}
		return &binFile{"elf", arch, data, text, f.DWARF, read, f}
	case bytes.HasPrefix(b, []byte("MZ")):
		f, err := pe.Open(path)
		if err != nil {
			die("%s: %v", path, err)
		}
		oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
		if !ok {
			die("%s: not PE32+", path)
		}
		base := oh.ImageBase
		sym := map[string]uint64{}
		for _, s := range f.Symbols {
			if s.SectionNumber > 0 && int(s.SectionNumber) <= len(f.Sections) {
				sym[s.Name] = base + uint64(f.Sections[s.SectionNumber-1].VirtualAddress) + uint64(s.Value)
			}
		}
		read := func(va, n uint64) []byte {
			for _, s := range f.Sections {
				lo := base + uint64(s.VirtualAddress)
				size := uint64(min(s.VirtualSize, s.Size))
				if va >= lo && va+n <= lo+size {
					return b[uint64(s.Offset)+va-lo : uint64(s.Offset)+va-lo+n]
				}
			}
			return nil
		}
		p, e := sym["runtime.pclntab"], sym["runtime.epclntab"]
		if p == 0 || e <= p || read(p, e-p) == nil {
			die("%s: no runtime.pclntab..epclntab", path)
		}
		arch := map[uint16]string{pe.IMAGE_FILE_MACHINE_AMD64: "amd64", pe.IMAGE_FILE_MACHINE_ARM64: "arm64"}[f.Machine]
		return &binFile{"pe", arch, read(p, e-p), sym["runtime.text"], f.DWARF, read, nil}
	default:
		f, err := macho.Open(path)
		if err != nil {
			die("%s: %v", path, err)
		}
		s := f.Section("__gopclntab")
		if s == nil {
			die("%s: no __gopclntab", path)
		}
		data, err := s.Data()
		if err != nil {
			die("%s: %v", path, err)
		}
		var text uint64
		if f.Symtab != nil {
			for _, sy := range f.Symtab.Syms {
				if strings.TrimPrefix(sy.Name, "_") == "runtime.text" {
					text = sy.Value
				}
			}
		}
		if text == 0 {
			text = f.Section("__text").Addr
		}
		read := func(va, n uint64) []byte {
			for _, sg := range f.Loads {
				g, ok := sg.(*macho.Segment)
				if ok && va >= g.Addr && va+n <= g.Addr+min(g.Filesz, g.Memsz) {
					return b[g.Offset+va-g.Addr : g.Offset+va-g.Addr+n]
				}
			}
			return nil
		}
		arch := map[macho.Cpu]string{macho.CpuAmd64: "amd64", macho.CpuArm64: "arm64"}[f.Cpu]
		return &binFile{"macho", arch, data, text, f.DWARF, read, nil}
	}
}

type symJSON struct {
	Name   string `json:"name"`
	Addr   string `json:"addr"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
}

// symbols GOLOAD BIN: every symbol go tool nm lists (name, address, kind)
// is one of `inspect symbols`, read from the file's own symbol table.
func cmdSymbols(goload, bin string) {
	var ss []symJSON
	if err := json.Unmarshal(run(goload, "inspect", "symbols", "--json", bin), &ss); err != nil {
		die("inspect symbols --json %s: %v", bin, err)
	}
	type key struct{ name, kind string }
	ours := map[key]map[uint64]bool{}
	for _, s := range ss {
		if s.Source != "symtab" && s.Source != "dynsym" {
			continue
		}
		k := key{s.Name, s.Kind}
		if ours[k] == nil {
			ours[k] = map[uint64]bool{}
		}
		ours[k][hex(s.Addr)] = true
	}
	n := 0
	for _, s := range nm(bin) {
		if s.kind == "U" {
			continue
		}
		n++
		check(ours[key{s.name, s.kind}][s.addr], "symbol", "nm has %s %s at %#x, inspect symbols does not", s.kind, s.name, s.addr)
	}
	check(n > 100, "symbol-count", "nm lists only %d defined symbols", n)
	done()
}
