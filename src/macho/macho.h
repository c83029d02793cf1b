/*
 * Mach-O reader for Go executables (64-bit, little-endian, amd64 and
 * arm64), and the universal (fat) wrapper around several of them.
 *
 * Reads the load commands: LC_SEGMENT_64 with their sections, LC_SYMTAB
 * (nlist_64 entries, when present) and the entry point (LC_MAIN or
 * LC_UNIXTHREAD). Every command size, offset and count is checked against
 * the file: a malformed header is an error value. Pointers point into the
 * caller's span, which must outlive it.
 */
#ifndef GL_MACHO_H
#define GL_MACHO_H

#include "util/util.h"

enum {
	GL_MACHO_CPU_AMD64 = 0x01000007,
	GL_MACHO_CPU_ARM64 = 0x0100000c,
	GL_MACHO_VM_W = 2,
	GL_MACHO_VM_X = 4,
};

typedef struct gl_macho_seg {
	char name[17];
	uint64_t vmaddr, vmsize, fileoff, filesize;
	uint32_t maxprot, initprot;
} gl_macho_seg;

typedef struct gl_macho_sec {
	char name[17], seg[17];
	uint64_t addr, size;
	uint32_t off, flags;
	uint32_t segidx; /* index in segs */
} gl_macho_sec;

typedef struct gl_macho_sym {
	const char *name;
	uint8_t type, sect; /* n_type, n_sect (1-based, 0 = none) */
	uint16_t desc;
	uint64_t value;
} gl_macho_sym;

typedef struct gl_macho {
	gl_span img;
	uint32_t cputype, filetype;
	uint64_t entry; /* VA, 0 when no entry command */
	gl_macho_seg *segs;
	size_t nsegs;
	gl_macho_sec *secs;
	size_t nsecs;
	gl_macho_sym *syms;
	size_t nsyms;
} gl_macho;

/* 1: thin 64-bit Mach-O, 2: universal (fat), 3: 32-bit Mach-O, 0: other. */
int gl_macho_kind(gl_span img);
/* The slice of a universal file for a GOARCH ("amd64", "arm64"). With
 * arch NULL, or no such slice, an UNSUPPORTED error lists the slices. */
int gl_macho_fat_slice(gl_span img, const char *what, const char *arch, gl_span *slice, goload_err *err);
/* FORMAT when malformed; UNSUPPORTED for 32-bit files and other CPUs. */
int gl_macho_open(gl_span img, const char *what, gl_macho **out, goload_err *err);
void gl_macho_close(gl_macho *m);
bool gl_macho_sec_zerofill(const gl_macho_sec *s);

#endif
