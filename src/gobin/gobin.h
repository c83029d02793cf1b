/*
 * gobin: an opened Go executable or shared object (linux/amd64, arm64).
 *
 * Everything is read from PT_LOAD segments through gl_span/gl_rd; section
 * headers and ELF symbols are used when present, never required. The image
 * is validated once at open: the pclntab header, moduledata (found by
 * symbol, else by scanning and cross-checking every candidate), and the
 * runtime layout table (gl_rttab) that validates.
 *
 * Addresses: every address in this API is a link-time virtual address as
 * written in the ELF file, unless a function says "runtime". When the image
 * was opened from the running process (gl_gobin_open_self), add
 * gl_gobin_bias() to get the address in memory (non-zero for PIE).
 *
 * Strings returned point into the mapped image or into memory owned by the
 * gl_gobin; they stay valid until gl_gobin_close. Function and file names
 * from pclntab are NUL-terminated; type names are (pointer, length).
 *
 * This header is a stable internal API used by inspect, link, rt and
 * patch: add to it, do not change it.
 */
#ifndef GL_GOBIN_H
#define GL_GOBIN_H

#include "elf/elf.h"
#include "image/image.h"
#include "util/util.h"
#include "versions/rt_tables.h"

typedef struct gl_gobin gl_gobin;

/* ----------------------------------------------------------------- open */

/* mmap a file and open it. */
int gl_gobin_open_path(const char *path, gl_gobin **out, goload_err *err);
/* Open an image the caller keeps alive (and unchanged) until close. `what`
 * names it in error messages. */
int gl_gobin_open_span(gl_span img, const char *what, gl_gobin **out, goload_err *err);
/* Open the running process's own executable (/proc/self/exe) and compute
 * the load bias of a PIE host from the loaded program headers. */
int gl_gobin_open_self(gl_gobin **out, goload_err *err);
/* The same; after_image, when not NULL, sees the image before the rest is
 * parsed (the host index cache gives it the names gobin looks up:
 * gl_image_known_set). Its symbols are read when first needed. */
typedef void gl_gobin_image_hook(gl_image *im, const gl_file *f, void *ctx);
int gl_gobin_open_self_hook(gl_gobin **out, gl_gobin_image_hook *after_image, void *ctx, goload_err *err);
/* How the file behind g will be read (gl_file_access): the running
 * executable's is opened for scattered reads (the host index cache's
 * lookups); whoever scans it whole (an index built, a stripped host's code
 * matched) says so first. A hint; nothing for a span. */
void gl_gobin_access(const gl_gobin *g, bool random);
void gl_gobin_close(gl_gobin *g);
/* The same for one architecture of a universal Mach-O (arch "amd64",
 * "arm64"); arch NULL is the plain open. */
int gl_gobin_open_path_arch(const char *path, const char *arch, gl_gobin **out, goload_err *err);
int gl_gobin_open_span_arch(gl_span img, const char *what, const char *arch, gl_gobin **out, goload_err *err);

/* The ELF view, or NULL when the image is PE or Mach-O (loading and
 * patching need ELF; inspect reads all three through gl_gobin_image). */
const gl_elf *gl_gobin_elf(const gl_gobin *g);
const gl_image *gl_gobin_image(const gl_gobin *g);
/* Runtime address minus link-time address; 0 unless opened from self. */
uint64_t gl_gobin_bias(const gl_gobin *g);

/* ----------------------------------------------------------------- info */

enum gl_buildmode {
	GL_BUILDMODE_UNKNOWN,
	GL_BUILDMODE_EXE,
	GL_BUILDMODE_PIE,
	GL_BUILDMODE_CSHARED,
	GL_BUILDMODE_PLUGIN,
	GL_BUILDMODE_SHARED,
};
const char *gl_buildmode_name(int mode); /* "exe", "pie", "c-shared", ... */

enum gl_md_source {
	GL_MDSRC_SYMBOL, /* runtime.firstmoduledata (or local.moduledata) in .symtab/.dynsym */
	GL_MDSRC_SCAN,   /* found by scanning data segments for the pclntab address */
};

typedef struct gl_gobin_info {
	const char *what;       /* path or name given at open */
	const char *goarch;     /* "amd64", "arm64" */
	const char *format;     /* "ELF", "PE", "Mach-O" */
	const char *goos;       /* target OS from the file format: "linux", "windows", "darwin" */
	const char *go_version; /* buildinfo's "go1.26.8"; "" when there is no buildinfo */
	int minor;              /* Go minor whose runtime layout validated (rt->minor_lo..hi) */
	const struct gl_rttab *rt;
	uint32_t pcln_magic;
	int pcln_version;       /* 12, 116, 118, 120 (the pclntab format) */
	bool pcln_magic_ok;     /* false when the magic was damaged but the layout validated */
	int buildmode;          /* enum gl_buildmode */
	bool external_link;     /* linked by the system linker (cgo, -linkmode=external) */
	bool stripped;          /* no symbol table (.symtab, COFF symbols, LC_SYMTAB): -s */
	bool has_sections;      /* section headers present */
	bool has_dwarf;         /* .debug_info or .zdebug_info present */
	int md_source;          /* enum gl_md_source */
	uint64_t md_va;         /* runtime.firstmoduledata */
	uint64_t pclntab_va;    /* pcHeader */
	uint64_t pclntab_end;   /* end of pclntab when known (epclntab or section), else 0 */
	size_t nfuncs;          /* functions in the ftab */
	size_t nfiles;
	size_t md_candidates;   /* candidates examined when scanning */
} gl_gobin_info;

const gl_gobin_info *gl_gobin_get_info(const gl_gobin *g);

/* ----------------------------------------------------------- moduledata */

typedef struct gl_gobin_slice {
	uint64_t va, len, cap;
} gl_gobin_slice;

/* Raw field of runtime.firstmoduledata, as stored in the file: the word
 * (GL_MDK_WORD/BYTE), slice or string (ptr, len). NOTFOUND when the
 * validated layout has no such field. */
int gl_gobin_md_word(const gl_gobin *g, enum gl_md_field f, uint64_t *v, goload_err *err);
int gl_gobin_md_slice(const gl_gobin *g, enum gl_md_field f, gl_gobin_slice *s, goload_err *err);
/* Address of the field inside the moduledata (for patching/reading live memory). */
int gl_gobin_md_field_va(const gl_gobin *g, enum gl_md_field f, uint64_t *va, goload_err *err);

/* Bytes at a link-time VA inside a PT_LOAD's file part, or NULL. */
const uint8_t *gl_gobin_va(const gl_gobin *g, uint64_t va, uint64_t n);
gl_span gl_gobin_va_span(const gl_gobin *g, uint64_t va, uint64_t n);

/* ------------------------------------------------------------ functions */

typedef struct gl_gobin_func {
	uint32_t index;       /* position in the ftab (sorted by entry) */
	uint32_t off;         /* offset of the _func inside pclntable */
	const char *name;     /* full name, e.g. "main.(*T).M" */
	uint64_t entry, end;  /* [entry, end): end is the next ftab entry */
	int32_t args;
	uint32_t deferreturn;
	uint32_t pcsp, pcfile, pcln; /* offsets into pctab */
	uint32_t npcdata;
	uint8_t nfuncdata;
	uint32_t cuoff;
	int32_t start_line;
	uint8_t funcid, flag;
} gl_gobin_func;

size_t gl_gobin_nfuncs(const gl_gobin *g);
/* The i-th function of the ftab (0 <= i < nfuncs). */
int gl_gobin_func_at(const gl_gobin *g, size_t i, gl_gobin_func *f, goload_err *err);
/* Code size of f: the bytes its pc-value tables cover, which is the
 * linker's symbol size (go tool nm -size); end - entry also counts the
 * alignment padding up to the next function. */
int gl_gobin_func_size(const gl_gobin *g, const gl_gobin_func *f, uint64_t *size, goload_err *err);
/* The function containing pc (binary search, findfunctab not needed).
 * NOTFOUND when pc is outside every function. */
int gl_gobin_func_for_pc(const gl_gobin *g, uint64_t pc, gl_gobin_func *f, goload_err *err);
/* Package of a function name: "main", "example.com/m/p", "" when unknown.
 * Writes at most cap bytes (NUL-terminated) and returns the length. */
size_t gl_gobin_func_pkg(const char *name, char *buf, size_t cap);
/* Name of the function's FuncID in this image's table ("normal", "wrapper"...). */
const char *gl_gobin_funcid_name(const gl_gobin *g, uint8_t id);

/* pcdata table offset (into pctab; 0 = none) and funcdata address (0 = none). */
int gl_gobin_func_pcdata(const gl_gobin *g, const gl_gobin_func *f, uint32_t idx, uint32_t *off,
			 goload_err *err);
int gl_gobin_func_funcdata(const gl_gobin *g, const gl_gobin_func *f, uint32_t idx, uint64_t *va,
			   goload_err *err);
/* Value of the pc-value table at `off` (pcsp, pcfile, pcln, pcdata) for pc
 * inside f. NOTFOUND when pc is past the table. */
int gl_gobin_pcvalue(const gl_gobin *g, const gl_gobin_func *f, uint32_t off, uint64_t pc, int32_t *val,
		     goload_err *err);
/* Walk a pc-value table: cb gets every [lo, hi) range and its value; cb
 * returning false stops the walk. */
typedef bool (*gl_gobin_pcv_cb)(void *ctx, uint64_t lo, uint64_t hi, int32_t val);
int gl_gobin_pcvalue_walk(const gl_gobin *g, const gl_gobin_func *f, uint32_t off, gl_gobin_pcv_cb cb,
			  void *ctx, goload_err *err);
/* File name for a (function, file index from pcfile). */
int gl_gobin_file(const gl_gobin *g, const gl_gobin_func *f, int32_t fileno, const char **file,
		  goload_err *err);
/* file:line of a pc inside f (not following inlining). */
int gl_gobin_func_line(const gl_gobin *g, const gl_gobin_func *f, uint64_t pc, const char **file,
		       int32_t *line, goload_err *err);

/* One frame of a PC lookup. Frame 0 is the innermost (inlined) call. */
typedef struct gl_gobin_frame {
	const char *func;   /* function name */
	const char *file;
	int32_t line;
	int32_t start_line; /* line of the func keyword */
	uint8_t funcid;
	bool inlined;       /* an inlined call inside the next frame */
	uint64_t entry;     /* entry of the real function (outermost frame); 0 for inlined */
} gl_gobin_frame;

/* Frames of pc, innermost first, at most max; returns how many frames
 * exist (may exceed max: call again with a bigger array), or < 0. */
int gl_gobin_pc_frames(const gl_gobin *g, uint64_t pc, gl_gobin_frame *frames, size_t max, goload_err *err);

/* A node of a function's inline tree (FUNCDATA_InlTree). */
typedef struct gl_gobin_inl {
	int32_t index;
	uint8_t funcid;
	const char *name;
	int32_t parent_pc;  /* offset from the outer entry: a pc whose position is the call site */
	int32_t start_line;
} gl_gobin_inl;
int gl_gobin_inl_node(const gl_gobin *g, const gl_gobin_func *f, int32_t index, gl_gobin_inl *node,
		      goload_err *err);
/* Every pc range of f that runs inlined code: cb(lo, hi, innermost node
 * index). Walk parents with gl_gobin_inl_node + the parent_pc's index. */
int gl_gobin_inl_walk(const gl_gobin *g, const gl_gobin_func *f, gl_gobin_pcv_cb cb, void *ctx,
		      goload_err *err);

/* -------------------------------------------------------------- symbols */

enum gl_sym_source { GL_SYMSRC_SYMTAB, GL_SYMSRC_DYNSYM, GL_SYMSRC_PCLNTAB };

typedef struct gl_gobin_sym {
	const char *name;
	uint64_t addr, size; /* size 0 when unknown */
	char kind;           /* like go tool nm: T text, R rodata, D data, B bss, U undefined */
	uint8_t source;      /* enum gl_sym_source of this entry */
	uint8_t funcid;      /* for pclntab functions */
	bool abi0;           /* an ABI0 symbol ("name.abi0" in .symtab, or an ABI wrapper) */
	bool is_asm;         /* pclntab: an assembly body */
} gl_gobin_sym;

/* The symbol index: ELF .symtab/.dynsym when present plus every pclntab
 * function, one entry per name. For a name with several definitions the
 * ABIInternal body wins over an ABI wrapper, and .symtab over pclntab.
 * Built lazily on the first call; thread-unsafe. */
size_t gl_gobin_nsyms(gl_gobin *g);
/* Entry i into *out (its name lives as long as g); false past the end. */
bool gl_gobin_sym_at(gl_gobin *g, size_t i, gl_gobin_sym *out);
/* O(1) lookup by exact name into *out; false when absent. */
bool gl_gobin_sym_lookup(gl_gobin *g, const char *name, size_t len, gl_gobin_sym *out);
/* The index as bytes (appended to out), and an index read back from such
 * bytes instead of built: they must stay mapped while g is open, and come
 * from this very file (the host index cache keys them by its identity).
 * The sizes and names are checked as they are read; a damaged index gives
 * misses, never wrong reads. */
bool gl_gobin_syms_write(gl_gobin *g, gl_buf *out);
bool gl_gobin_syms_read(gl_gobin *g, gl_span bytes);
/* The first .symtab function (kind T or t, with a size) starting at va in
 * index order: .symtab spells generic instantiations in full, pclntab
 * elides their type arguments. False when none starts there. */
bool gl_gobin_text_at(gl_gobin *g, uint64_t va, gl_gobin_sym *out);
/* Builds the index now (a no-op once built or read), with the error of a
 * malformed symbol table. */
int gl_gobin_syms_build(gl_gobin *g, goload_err *err);
/* Shorthand: address (link-time) of a symbol. NOTFOUND names it. */
int gl_gobin_sym_addr(gl_gobin *g, const char *name, uint64_t *addr, goload_err *err);

/* ------------------------------------------------------------ buildinfo */

typedef struct gl_gobin_module {
	const char *path, *version, *sum;
	const char *rep_path, *rep_version, *rep_sum; /* "=> ..." replacement, NULL when none */
} gl_gobin_module;

typedef struct gl_gobin_setting {
	const char *key, *value;
} gl_gobin_setting;

typedef struct gl_gobin_buildinfo {
	const char *go_version; /* "go1.26.8" */
	const char *path;       /* "path" line: main package path ("" when absent) */
	bool has_main;
	gl_gobin_module main;
	gl_gobin_module *deps;
	size_t ndeps;
	gl_gobin_setting *settings;
	size_t nsettings;
} gl_gobin_buildinfo;

/* NULL when the image has no buildinfo (or it did not parse). */
const gl_gobin_buildinfo *gl_gobin_get_buildinfo(const gl_gobin *g);
/* Value of a build setting ("-buildmode", "CGO_ENABLED"), NULL when absent. */
const char *gl_gobin_build_setting(const gl_gobin *g, const char *key);

/* ---------------------------------------------------- types and itabs */

typedef struct gl_gobin_type {
	uint64_t va;
	const char *name; size_t namelen; /* the type's string, '*' stripped for extra-star */
	const char *pkgpath; size_t pkgpathlen; /* from the uncommon part; empty when none */
	uint64_t size, ptrdata;
	uint32_t hash;
	uint8_t tflag, kind; /* kind is enum gl_kind */
	uint8_t align, fieldalign;
	uint16_t mcount, xcount; /* methods (named types with an uncommon part) */
	uint64_t methods_va;     /* first abi.Method, 0 when mcount == 0 */
	uint64_t elem_va;        /* pointer types: the element; 0 otherwise */
} gl_gobin_type;

typedef struct gl_gobin_method {
	const char *name; size_t namelen;
	bool exported;
	uint64_t mtyp;     /* method type descriptor, 0 when unreachable (dead code eliminated) */
	uint64_t ifn, tfn; /* text addresses, 0 when unreachable */
} gl_gobin_method;

/* Decode the descriptor at va. */
int gl_gobin_type_at(const gl_gobin *g, uint64_t va, gl_gobin_type *t, goload_err *err);
int gl_gobin_type_method(const gl_gobin *g, const gl_gobin_type *t, size_t i, gl_gobin_method *m,
			 goload_err *err);
/* Every type descriptor listed by typelinks (1.27: the typelink descriptor
 * region); cb returning false stops. */
typedef bool (*gl_gobin_type_cb)(void *ctx, const gl_gobin_type *t);
int gl_gobin_types_walk(const gl_gobin *g, gl_gobin_type_cb cb, void *ctx, goload_err *err);

typedef struct gl_gobin_itab {
	uint64_t va;
	uint64_t inter, type; /* descriptors */
	uint32_t hash;
	size_t nfun;          /* number of methods of the interface */
	uint64_t fun_va;      /* address of fun[0] */
} gl_gobin_itab;
int gl_gobin_itab_fun(const gl_gobin *g, const gl_gobin_itab *it, size_t i, uint64_t *pc, goload_err *err);
typedef bool (*gl_gobin_itab_cb)(void *ctx, const gl_gobin_itab *it);
/* Every itab from itablinks (1.27: types+itaboffset). */
int gl_gobin_itabs_walk(const gl_gobin *g, gl_gobin_itab_cb cb, void *ctx, goload_err *err);

#endif
