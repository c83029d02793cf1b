/*
 * One view of an executable image, whatever its file format: ELF (src/elf),
 * PE/COFF (src/pe) or Mach-O (src/macho). gobin and the CLI read Go images
 * only through it, so they know no file format.
 *
 * An image is its file bytes plus segments (the ranges the loader maps:
 * ELF PT_LOADs, PE sections at image base + RVA, Mach-O segments), each a
 * virtual address range with the file offset of its bytes; sections and
 * symbols when the file still has them. Addresses are link-time virtual
 * addresses as the file states them (PE: image base included).
 *
 * Every offset and size of the headers is bounds-checked at open: a
 * malformed file gives an error value, never a read outside the span.
 */
#ifndef GL_IMAGE_H
#define GL_IMAGE_H

#include "elf/elf.h"
#include "util/util.h"

enum gl_img_format { GL_IMG_ELF, GL_IMG_PE, GL_IMG_MACHO };

enum { GL_IMG_X = 1, GL_IMG_W = 2, GL_IMG_R = 4 }; /* segment/section permissions */

/* Sections the Go linker names per format (the backend knows the names). */
enum gl_img_gosec {
	GL_GOSEC_PCLNTAB,   /* .gopclntab, .data.rel.ro.gopclntab, __gopclntab */
	GL_GOSEC_BUILDINFO, /* .go.buildinfo, __go_buildinfo */
	GL_GOSEC_DWARFINFO, /* .debug_info, .zdebug_info, __debug_info, __zdebug_info */
};

enum gl_img_symsrc { GL_IMGSYM_SYMTAB, GL_IMGSYM_DYNSYM };

typedef struct gl_image_seg {
	uint64_t vaddr, memsz; /* memory extent */
	uint64_t off, filesz;  /* file bytes backing [vaddr, vaddr+filesz) */
	uint32_t flags;        /* GL_IMG_R/W/X */
} gl_image_seg;

typedef struct gl_image_sec {
	const char *name; /* "" when unnamed */
	uint64_t addr, size, off;
	uint32_t flags;   /* GL_IMG_R/W/X */
	bool nobits;      /* no file bytes (bss) */
} gl_image_sec;

typedef struct gl_image_sym {
	const char *name;
	uint64_t value, size; /* size 0 when the format does not record it */
	char kind;            /* as go tool nm: T t R r D d B b U */
	uint8_t source;       /* enum gl_img_symsrc */
	uint32_t namelen;     /* strlen(name) when known (ELF), else 0 */
} gl_image_sym;

enum { GL_IMAGE_NKNOWN = 5 }; /* see gl_image_known */

typedef struct gl_image {
	int format;              /* enum gl_img_format */
	const char *format_name; /* "ELF", "PE", "Mach-O" */
	const char *arch;        /* GOARCH spelling: "amd64", "arm64" */
	const char *os;          /* "linux", "windows", "darwin", ... */
	gl_span img;             /* the file bytes (ELF: with known dynamic relocations applied) */
	uint64_t entry;          /* entry point VA; 0 when unknown */
	bool fixed;              /* not position independent (ELF ET_EXEC); false when unknown */
	gl_image_seg *segs;
	size_t nsegs;
	gl_image_sec *secs;
	size_t nsecs;
	gl_image_sym *syms; /* symbol table entries (symtab first, then dynamic) */
	size_t nsyms;
	size_t nsymtab;     /* how many come from a full symbol table (0: stripped; 1 until
			     * read when opened with GL_IMAGE_LAZY_SYMS) */
	bool syms_pending;  /* GL_IMAGE_LAZY_SYMS: syms not read yet (gl_image_read_syms) */
	gl_image_sym known[GL_IMAGE_NKNOWN]; /* while pending: the names gobin's open asks for */
	uint8_t known_mask;
	bool known_done;
	gl_elf *elf;        /* the ELF backend's view, NULL for other formats */
	/* private */
	uint8_t *owned;     /* relocated copy of the file, or NULL */
	void *backend;
	char *strs;         /* storage for built names */
} gl_image;

/* Recognise the format and parse it. `what` names the input in errors;
 * `arch` selects one architecture of a universal (fat) Mach-O and must be
 * NULL otherwise ("amd64", "arm64"). Errors: FORMAT for unknown or
 * malformed files, UNSUPPORTED for 32-bit images, other machines and a fat
 * file without --arch (the message lists its architectures). */
int gl_image_open(gl_span img, const char *what, const char *arch, gl_image **out, goload_err *err);
/* GL_IMAGE_PRIVATE_MAP: img is a page-aligned MAP_PRIVATE mapping of a
 * file (gl_file's) that the image may write into: the words of dynamic
 * relocations the file leaves 0 are written there (mprotect, so the kernel
 * copies only the pages written) instead of into a copy of the whole file. */
enum { GL_IMAGE_PRIVATE_MAP = 1 };
/* GL_IMAGE_LAZY_SYMS: an ELF file's symbols are read when first asked for
 * (gl_image_read_syms), not at open: the host index cache serves a process
 * without them. */
enum { GL_IMAGE_LAZY_SYMS = 2 };
/* GL_IMAGE_WRITABLE_MAP (with GL_IMAGE_PRIVATE_MAP): the private mapping
 * is writable already (GL_FILE_PRIVATE_RW): written without mprotect. */
enum { GL_IMAGE_WRITABLE_MAP = 4 };
int gl_image_open_flags(gl_span img, const char *what, const char *arch, unsigned flags, gl_image **out,
			goload_err *err);
/* The names gobin's open looks up (pclntab and moduledata: gobin/open.c)
 * as gl_image_sym_find finds them, bit n of the mask set when known[n] was
 * found; and the same given by the host index cache, which saved them, to
 * an image whose symbols are not read yet: its open then touches no symbol
 * table at all. */
uint8_t gl_image_known(gl_image *im, gl_image_sym out[GL_IMAGE_NKNOWN]);
void gl_image_known_set(gl_image *im, const gl_image_sym known[GL_IMAGE_NKNOWN], uint8_t mask);
/* Each symbol, in order (.symtab's, then .dynsym's), to fn until it
 * returns false; an image whose symbols are not read yet is decoded from
 * its raw tables as they are walked, with no arrays built (the symbol
 * index is all that needs them). *nsyms_max: an upper bound of their
 * number, known before the walk (gl_image_syms_max). */
typedef bool gl_image_sym_fn(void *ctx, const gl_image_sym *s);
int gl_image_each_sym(gl_image *im, const char *what, gl_image_sym_fn *fn, void *ctx, goload_err *err);
size_t gl_image_syms_max(const gl_image *im);
/* Reads the symbols of an image opened with GL_IMAGE_LAZY_SYMS (a no-op
 * otherwise, and once read). */
int gl_image_read_syms(gl_image *im, const char *what, goload_err *err);
void gl_image_close(gl_image *im);
/* Process-wide: bytes copied for relocated images (whole files), pages
 * written in place in private mappings. */
uint64_t gl_image_copied_bytes(void);
uint64_t gl_image_cow_pages(void);

/* Bytes [va, va+n) if they lie inside one segment's file part, else NULL. */
const uint8_t *gl_image_va(const gl_image *im, uint64_t va, uint64_t n);
/* File bytes from va to the end of its segment's file part (empty if none). */
gl_span gl_image_va_span(const gl_image *im, uint64_t va);
/* A Go section by role, or NULL (also when the file has no sections). */
const gl_image_sec *gl_image_gosec(const gl_image *im, enum gl_img_gosec which);
/* File bytes of a section (empty for bss or out of range). */
gl_span gl_image_sec_data(const gl_image *im, const gl_image_sec *s);
/* Symbol by exact name (symtab before dynamic), or NULL. Linear. */
/* The first symbol named name, NULL when none. An image whose symbols are
 * not read yet (GL_IMAGE_LAZY_SYMS) answers the names gobin's open asks
 * for (pclntab and moduledata) from one pass over the raw tables, and reads
 * its symbols for any other. */
const gl_image_sym *gl_image_sym_find(gl_image *im, const char *name);

#endif
