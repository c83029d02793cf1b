package main

// Damaged and wrapped variants of PE and Mach-O files for the refusal
// checks of formats.sh: each must give an error, never a crash.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
)

var le = binary.LittleEndian

func readFile(p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		die("%v", err)
	}
	return b
}

func writeFile(p string, b []byte) {
	if err := os.WriteFile(p, b, 0o644); err != nil {
		die("%v", err)
	}
}

// fat OUT A B: a universal Mach-O holding the thin files A and B.
func cmdFat(out string, thin ...string) {
	var hdr, body bytes.Buffer
	binary.Write(&hdr, binary.BigEndian, uint32(0xcafebabe))
	binary.Write(&hdr, binary.BigEndian, uint32(len(thin)))
	off := uint32(0x4000)
	for _, p := range thin {
		b := readFile(p)
		cpu, sub := le.Uint32(b[4:]), le.Uint32(b[8:])
		for _, v := range []uint32{cpu, sub, off, uint32(len(b)), 14} {
			binary.Write(&hdr, binary.BigEndian, v)
		}
		for uint32(body.Len())+0x4000 < off {
			body.WriteByte(0)
		}
		body.Write(b)
		off = (0x4000 + uint32(body.Len()) + 0x3fff) &^ 0x3fff
	}
	b := make([]byte, 0x4000)
	copy(b, hdr.Bytes())
	writeFile(out, append(b, body.Bytes()...))
}

// damage IN DIR: variants of a PE or Mach-O file with one header field
// out of range each, written as DIR/<kind>.
func cmdDamage(in, dir string) {
	b := readFile(in)
	put := func(name string, patch func(c []byte)) {
		c := bytes.Clone(b)
		patch(c)
		writeFile(filepath.Join(dir, name), c)
	}
	if bytes.HasPrefix(b, []byte("MZ")) {
		pe := int(le.Uint32(b[0x3c:]))
		nsec := int(le.Uint16(b[pe+6:]))
		optsz := int(le.Uint16(b[pe+20:]))
		sh := pe + 24 + optsz
		sec := func(i int) int { return sh + 40*i }
		put("pe-huge-rawoff", func(c []byte) { le.PutUint32(c[sec(0)+20:], 0xffffff00) })
		put("pe-negative-rawoff", func(c []byte) { le.PutUint32(c[sec(1)+20:], 0x80000000) })
		put("pe-huge-rawsize", func(c []byte) { le.PutUint32(c[sec(0)+16:], 0xfffffff0) })
		put("pe-overlap", func(c []byte) { le.PutUint32(c[sec(1)+12:], le.Uint32(c[sec(0)+12:])) })
		put("pe-wrap-rva", func(c []byte) { le.PutUint32(c[sec(0)+12:], 0xfffff000) })
		put("pe-huge-nsections", func(c []byte) { le.PutUint16(c[pe+6:], 0xffff) })
		put("pe-huge-optheader", func(c []byte) { le.PutUint16(c[pe+20:], 0xfff0) })
		put("pe-bad-lfanew", func(c []byte) { le.PutUint32(c[0x3c:], 0x7ffffff0) })
		if le.Uint32(b[pe+12:]) != 0 {
			put("pe-huge-symtab", func(c []byte) { le.PutUint32(c[pe+16:], 0x7fffffff) })
		}
		put("pe32", func(c []byte) { le.PutUint16(c[pe+24:], 0x10b) })
		_ = nsec
		return
	}
	ncmds := int(le.Uint32(b[16:]))
	off := 32
	seg := 0
	for i := 0; i < ncmds; i++ {
		cmd, size := le.Uint32(b[off:]), int(le.Uint32(b[off+4:]))
		at := off
		switch {
		case cmd == 0x19 && seg == 1: // __TEXT
			put("macho-huge-fileoff", func(c []byte) { le.PutUint64(c[at+40:], 0xffffffffffff0000) })
			put("macho-negative-fileoff", func(c []byte) { le.PutUint64(c[at+40:], 1<<63) })
			put("macho-huge-filesize", func(c []byte) { le.PutUint64(c[at+48:], 1<<40) })
			put("macho-huge-nsects", func(c []byte) { le.PutUint32(c[at+64:], 0x10000000) })
			put("macho-wrap-vmaddr", func(c []byte) { le.PutUint64(c[at+24:], 0xfffffffffffff000) })
			put("macho-huge-secoff", func(c []byte) { le.PutUint32(c[at+72+48:], 0xfffffff0) })
			seg++
		case cmd == 0x19 && seg == 2: // __DATA or __DATA_CONST: moved over __TEXT
			put("macho-overlap", func(c []byte) {
				le.PutUint64(c[at+24:], le.Uint64(c[32+8+24:])+le.Uint64(c[32+8+32:]))
				le.PutUint64(c[at+24:], le.Uint64(b[at+24:])-0x1000)
			})
			seg++
		case cmd == 0x19:
			seg++
		case cmd == 0x2:
			put("macho-huge-symoff", func(c []byte) { le.PutUint32(c[at+8:], 0xfffffff0) })
			put("macho-huge-nsyms", func(c []byte) { le.PutUint32(c[at+12:], 0x7fffffff) })
			put("macho-huge-stroff", func(c []byte) { le.PutUint32(c[at+16:], 0xfffffff0) })
		}
		if i == 0 {
			put("macho-zero-cmdsize", func(c []byte) { le.PutUint32(c[at+4:], 0) })
			put("macho-huge-cmdsize", func(c []byte) { le.PutUint32(c[at+4:], 0x7ffffff0) })
		}
		off += size
	}
	put("macho-huge-sizeofcmds", func(c []byte) { le.PutUint32(c[20:], 0xfffffff0) })
	put("macho32", func(c []byte) { le.PutUint32(c[0:], 0xfeedface) })
	fmt.Print()
}

// fuzzseed IN OUT: the first 64 KiB of a real PE or Mach-O file with every
// range that pointed past them emptied, so the reader accepts it: headers,
// section tables and load commands as the Go linker wrote them.
func cmdFuzzSeed(in, out string) {
	const keep = 64 << 10
	b := readFile(in)
	if len(b) > keep {
		b = b[:keep]
	}
	n := uint64(len(b))
	if bytes.HasPrefix(b, []byte("MZ")) {
		pe := int(le.Uint32(b[0x3c:]))
		nsec := int(le.Uint16(b[pe+6:]))
		sh := pe + 24 + int(le.Uint16(b[pe+20:]))
		if uint64(le.Uint32(b[pe+12:]))+18*uint64(le.Uint32(b[pe+16:])) >= n {
			le.PutUint32(b[pe+12:], 0)
			le.PutUint32(b[pe+16:], 0)
		}
		for i := 0; i < nsec; i++ {
			s := sh + 40*i
			if uint64(le.Uint32(b[s+20:]))+uint64(le.Uint32(b[s+16:])) > n {
				le.PutUint32(b[s+16:], 0)
				le.PutUint32(b[s+20:], 0)
			}
		}
	} else {
		ncmds := int(le.Uint32(b[16:]))
		off := 32
		for i := 0; i < ncmds; i++ {
			cmd, size := le.Uint32(b[off:]), int(le.Uint32(b[off+4:]))
			switch cmd {
			case 0x19:
				if le.Uint64(b[off+40:])+le.Uint64(b[off+48:]) > n {
					le.PutUint64(b[off+40:], 0)
					le.PutUint64(b[off+48:], 0)
				}
				ns := int(le.Uint32(b[off+64:]))
				for k := 0; k < ns; k++ {
					s := off + 72 + 80*k
					if uint64(le.Uint32(b[s+48:]))+le.Uint64(b[s+40:]) > n && le.Uint32(b[s+64:])&0xff != 1 {
						le.PutUint32(b[s+48:], 0)
						le.PutUint64(b[s+40:], 0)
					}
				}
			case 0x2:
				if uint64(le.Uint32(b[off+8:]))+16*uint64(le.Uint32(b[off+12:])) > n ||
					uint64(le.Uint32(b[off+16:]))+uint64(le.Uint32(b[off+20:])) > n {
					le.PutUint32(b[off+12:], 0)
				}
			}
			off += size
		}
	}
	writeFile(out, b)
}
