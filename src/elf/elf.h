/*
 * ELF64 little-endian reader (amd64, arm64).
 *
 * The image is addressed through PT_LOAD segments first: section headers
 * are optional (strip tools and packers remove them), so every consumer
 * that needs bytes at a virtual address asks gl_elf_va(), which only looks
 * at segments. Sections and symbol tables are parsed when present.
 *
 * All pointers returned point into the caller's span (no copies); the span
 * must outlive the gl_elf.
 */
#ifndef GL_ELF_H
#define GL_ELF_H

#include "util/util.h"

enum {
	GL_EM_X86_64 = 62,
	GL_EM_AARCH64 = 183,
	GL_ET_EXEC = 2,
	GL_ET_DYN = 3,
	GL_ET_REL = 1,
	GL_PT_LOAD = 1,
	GL_PT_DYNAMIC = 2,
	GL_PT_INTERP = 3,
	GL_PT_NOTE = 4,
	GL_PT_TLS = 7,
	GL_PF_X = 1,
	GL_PF_W = 2,
	GL_PF_R = 4,
	GL_SHT_SYMTAB = 2,
	GL_SHT_NOBITS = 8,
	GL_SHT_DYNSYM = 11,
	GL_STT_OBJECT = 1,
	GL_STT_FUNC = 2,
	GL_STT_SECTION = 3,
	GL_STT_FILE = 4,
	GL_STT_TLS = 6,
};

typedef struct gl_elf_seg {
	uint32_t type, flags;
	uint64_t off, vaddr, filesz, memsz, align;
} gl_elf_seg;

typedef struct gl_elf_sec {
	const char *name; /* "" when the string table is missing */
	uint32_t type;
	uint64_t flags, addr, off, size, entsize;
	uint32_t link, info;
	uint64_t align; /* sh_addralign (0 or 1: none) */
} gl_elf_sec;

typedef struct gl_elf_sym {
	const char *name;
	uint64_t value, size;
	uint8_t type, bind, other;
	uint16_t shndx;
	uint32_t namelen; /* strlen(name), known from the parse */
} gl_elf_sym;

typedef struct gl_elf {
	gl_span img;
	uint16_t machine, etype;
	uint64_t entry;
	gl_elf_seg *segs;
	size_t nsegs;
	gl_elf_sec *secs; /* NULL/0 when the section headers are gone */
	size_t nsecs;
	gl_elf_sym *syms; /* .symtab, may be empty */
	size_t nsyms;
	gl_elf_sym *dynsyms; /* .dynsym, may be empty */
	size_t ndynsyms;
	const char *interp; /* PT_INTERP path, or NULL */
	bool syms_pending;  /* opened with GL_ELF_LAZY_SYMS, not read yet */
} gl_elf;

/* Parses headers, segments, sections and symbols. `what` names the input
 * in error messages (usually the path). Errors: FORMAT for truncated or
 * inconsistent headers, UNSUPPORTED for 32-bit, big-endian, other machines. */
int gl_elf_open(gl_span img, const char *what, gl_elf **out, goload_err *err);
/* GL_ELF_LAZY_SYMS: the symbol tables are read by gl_elf_read_syms, when
 * asked for (a process that finds its executable's index in the host index
 * cache never needs them: tens of thousands of entries not converted). */
enum { GL_ELF_LAZY_SYMS = 1 };
int gl_elf_open_flags(gl_span img, const char *what, unsigned flags, gl_elf **out, goload_err *err);
/* The entries and the string table of the symbol table section sh,
 * checked (FORMAT names the section); entry i of them decoded (its name ""
 * when it lies outside the strings). */
int gl_elf_symtab_spans(const gl_elf *e, const gl_elf_sec *sh, const char *what, gl_span *data, gl_span *strs,
			goload_err *err);
void gl_elf_sym_decode(gl_span data, gl_span strs, size_t i, gl_elf_sym *out);
/* Reads .symtab and .dynsym of a lazily opened file (once; 0 when read). */
int gl_elf_read_syms(gl_elf *e, const char *what, goload_err *err);
void gl_elf_close(gl_elf *e);

/* Bytes [va, va+n) of the file image, if they lie inside one PT_LOAD's file
 * part. NULL otherwise (including bss). */
const uint8_t *gl_elf_va(const gl_elf *e, uint64_t va, uint64_t n);
/* Span of a PT_LOAD's file bytes starting at va, up to the segment end. */
gl_span gl_elf_va_span(const gl_elf *e, uint64_t va);
/* The PT_LOAD segment containing va (memory extent), or NULL. */
const gl_elf_seg *gl_elf_seg_of(const gl_elf *e, uint64_t va);
/* The first segment of a type, or NULL. */
const gl_elf_seg *gl_elf_seg_find(const gl_elf *e, uint32_t type);
/* Section by name, or NULL (also when there are no section headers). */
const gl_elf_sec *gl_elf_sec_find(const gl_elf *e, const char *name);
/* File bytes of a section (empty for NOBITS or out of range). */
gl_span gl_elf_sec_data(const gl_elf *e, const gl_elf_sec *s);
/* Symbol by exact name in .symtab then .dynsym, or NULL. Linear. */
const gl_elf_sym *gl_elf_sym_find(const gl_elf *e, const char *name);

/* Iterate ELF notes in PT_NOTE segments (or SHT_NOTE sections when there
 * are no segments, as in relocatable objects). Returns the first note with
 * the given owner name and type, or false. */
bool gl_elf_note_find(const gl_elf *e, const char *owner, uint32_t type, gl_span *desc);

const char *gl_elf_machine_name(uint16_t machine);

/* Value of the first PT_DYNAMIC entry with tag, or false. */
bool gl_elf_dyn_find(const gl_elf *e, int64_t tag, uint64_t *val);

/* One 64-bit word a dynamic relocation (DT_RELA) stores at load time when
 * its value is known without the dynamic linker: R_*_RELATIVE, and
 * R_*_64 / GLOB_DAT against a symbol the object defines. */
typedef struct gl_elf_dynword {
	uint64_t va, value;
} gl_elf_dynword;
/* Calls cb for each such word; false when DT_RELA is out of range. */
bool gl_elf_dynwords(const gl_elf *e, void (*cb)(void *ctx, gl_elf_dynword w), void *ctx);

#endif
