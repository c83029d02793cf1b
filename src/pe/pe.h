/*
 * PE/COFF reader for Go executables (PE32+, amd64 and arm64).
 *
 * Reads the COFF header, the PE32+ optional header (image base, entry),
 * the section table (long names from the COFF string table) and the COFF
 * symbol table when present (Go writes one unless linked with -s). Every
 * offset is checked against the file: a malformed header is an error
 * value. Pointers point into the caller's span, which must outlive it.
 */
#ifndef GL_PE_H
#define GL_PE_H

#include "util/util.h"

enum {
	GL_PE_AMD64 = 0x8664,
	GL_PE_ARM64 = 0xaa64,
	GL_PE_SCN_CNT_CODE = 0x20,
	GL_PE_SCN_CNT_INITIALIZED_DATA = 0x40,
	GL_PE_SCN_CNT_UNINITIALIZED_DATA = 0x80,
	GL_PE_SCN_MEM_EXECUTE = 0x20000000,
	GL_PE_SCN_MEM_READ = 0x40000000,
	GL_PE_SCN_MEM_WRITE = 0x80000000u,
};

typedef struct gl_pe_sec {
	const char *name; /* short name (copied, NUL-terminated) or long name from the string table */
	uint32_t vsize, rva, rawsize, rawoff, chars;
} gl_pe_sec;

typedef struct gl_pe_sym {
	const char *name;
	uint32_t value;  /* offset inside its section */
	int16_t secnum;  /* 1-based section; 0 undefined, < 0 absolute/debug */
	uint16_t type;
	uint8_t sclass;
} gl_pe_sym;

typedef struct gl_pe {
	gl_span img;
	uint16_t machine;
	uint64_t image_base;
	uint32_t entry_rva;
	gl_pe_sec *secs;
	size_t nsecs;
	gl_pe_sym *syms;
	size_t nsyms;
	char *names;    /* storage for the short section names */
	char *symnames; /* storage for the short symbol names */
} gl_pe;

/* FORMAT when the file is not PE or a header is out of range; UNSUPPORTED
 * for PE32 (32-bit) images and machines other than amd64/arm64. */
int gl_pe_open(gl_span img, const char *what, gl_pe **out, goload_err *err);
void gl_pe_close(gl_pe *p);
/* True when the bytes start like a PE image ("MZ" and "PE\0\0"). */
bool gl_pe_is(gl_span img);

#endif
