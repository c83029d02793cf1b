/*
 * Go compiler object files and archives (the internal API the linker uses).
 *
 * Everything is zero-copy: an archive or object is a read-only span (usually
 * a mapped file) and every name, data block, relocation and aux entry handed
 * out points into it. Names are NOT NUL-terminated (pointer + length).
 *
 * Layout (cmd/internal/goobj/objfile.go, magic "\x00go120ld", Go 1.21..1.27):
 * a text header ending in "\n!\n", then the binary object whose blocks the
 * open call validates completely (offsets in order and in range, every
 * index array monotone and bounded, every string reference inside the
 * file), so the per-symbol accessors below cannot fail and need no error.
 *
 * Symbol numbering is the Go linker's local index: SymbolDefs, then
 * Hashed64Defs, HashedDefs, NonPkgDefs (together the "defs"), then the
 * NonPkgRefs. A SymRef {pkg, idx} with pkg == GL_GOOBJ_PKG_SELF,
 * _HASHED64, _HASHED or _NONE maps to a local index with
 * gl_goobj_ref_local(); other pkg values index the PkgIndex block.
 *
 * An opened gl_goobj is immutable (the RefName index is built at open), so
 * any number of threads may read it; gl_goobj_deps opens lazily and is not
 * thread-safe. Raw values (kind_raw, type_raw, funcid_raw...) are the
 * object's version's; the enums next to them are version-independent
 * (versions/obj_tables_gen.h) and map back with gl_objtab_*_raw().
 */
#ifndef GL_GOOBJ_H
#define GL_GOOBJ_H

#include "util/util.h"
#include "versions/obj_tables.h"

/* Predeclared package indices (goobj.PkgIdx*). */
#define GL_GOOBJ_PKG_INVALID 0u
#define GL_GOOBJ_PKG_NONE 0x7fffffffu     /* non-package symbols */
#define GL_GOOBJ_PKG_HASHED64 0x7ffffffeu /* short hashed */
#define GL_GOOBJ_PKG_HASHED 0x7ffffffdu   /* hashed */
#define GL_GOOBJ_PKG_BUILTIN 0x7ffffffcu  /* predeclared runtime symbols */
#define GL_GOOBJ_PKG_SELF 0x7ffffffbu     /* defined in this object */

/* ABI of a symbol: 0 ABI0, 1 ABIInternal, 0xffff static (file-local). */
#define GL_GOOBJ_ABI_STATIC 0xffffu

typedef struct gl_goobj_ref {
	uint32_t pkg, idx;
} gl_goobj_ref;

static inline bool gl_goobj_ref_is_nil(gl_goobj_ref r) { return r.pkg == 0 && r.idx == 0; }

/* ------------------------------------------------------------ archives */

typedef enum gl_goobj_mkind {
	GL_GOOBJ_M_PKGDEF,   /* __.PKGDEF: export data */
	GL_GOOBJ_M_GO,       /* a Go object (_go_.o, one per assembly file) */
	GL_GOOBJ_M_NATIVE,   /* a native (ELF) object of a cgo package */
	GL_GOOBJ_M_SENTINEL, /* zero-size "preferlinkext" / "dynimportfail" */
} gl_goobj_mkind;

typedef struct gl_goobj_member {
	const char *name; /* NUL-terminated copy, trailing spaces trimmed */
	gl_goobj_mkind kind;
	uint64_t off;     /* offset of the member's data in the archive */
	gl_span data;     /* the member's bytes (for a Go object: text header + binary) */
} gl_goobj_member;

typedef struct gl_goobj_archive gl_goobj_archive;

/* An archive ("!<arch>\n") or a single Go object ("go object ..."): a single
 * object appears as one GL_GOOBJ_M_GO member named after the file. The span
 * must outlive the archive; `name` is copied and used in error messages. */
int gl_goobj_archive_open_span(gl_span data, const char *name, gl_goobj_archive **out, goload_err *err);
/* Maps the file (read-only) and keeps it mapped until close. */
int gl_goobj_archive_open_path(const char *path, gl_goobj_archive **out, goload_err *err);
void gl_goobj_archive_close(gl_goobj_archive *a);
const char *gl_goobj_archive_name(const gl_goobj_archive *a);
size_t gl_goobj_archive_nmembers(const gl_goobj_archive *a);
const gl_goobj_member *gl_goobj_archive_member(const gl_goobj_archive *a, size_t i);

typedef struct gl_goobj gl_goobj;
/* Opens Go member i (gl_goobj_open) named "ARCHIVE(MEMBER)" in errors, or
 * the archive's name for a bare object file. */
int gl_goobj_archive_open_member(const gl_goobj_archive *a, size_t i, gl_goobj **out, goload_err *err);

/* -------------------------------------------------------------- objects */

/* Fields of the text header line, e.g.
 *   "go object linux amd64 go1.26.8 GOAMD64=v1 X:nocoverageredesign\n" */
typedef struct gl_goobj_hdr {
	gl_span raw;        /* the whole text header up to and including "\n!\n" */
	gl_span line;       /* the first line without its '\n' (byte-exact comparison) */
	char goos[16], goarch[16];
	char go_version[48]; /* "go1.26.8" */
	char arch_level[32]; /* "GOAMD64=v1", "GOARM64=v8.0", "" when absent */
	char experiments[256]; /* the "X:..." field without "X:", "" when absent */
	int minor;           /* Go 1.<minor> */
} gl_goobj_hdr;

typedef struct gl_goobj_autolib {
	const char *pkg;
	uint32_t pkglen;
	const uint8_t *fingerprint; /* 8 bytes */
} gl_goobj_autolib;

/* The symbol classes in local-index order. */
typedef enum gl_goobj_sclass {
	GL_GOOBJ_SC_DEF,       /* SymbolDefs: package symbols */
	GL_GOOBJ_SC_HASHED64,  /* Hashed64Defs */
	GL_GOOBJ_SC_HASHED,    /* HashedDefs */
	GL_GOOBJ_SC_NONPKGDEF, /* NonPkgDefs */
	GL_GOOBJ_SC_NONPKGREF, /* NonPkgRefs */
} gl_goobj_sclass;

typedef struct gl_goobj_sym {
	const char *name; /* not NUL-terminated */
	uint32_t namelen;
	uint16_t abi;
	uint8_t kind_raw; /* objabi.SymKind of the object's version */
	uint8_t flag_raw, flag2_raw;
	int kind;         /* enum gl_sk */
	uint32_t flags;   /* enum gl_sflag bits */
	uint32_t size, align;
	gl_goobj_sclass cls;
} gl_goobj_sym;

typedef struct gl_goobj_reloc {
	int32_t off;
	uint8_t siz;
	uint16_t type_raw; /* objabi.RelocType of the object's version, weak bit included */
	int type;          /* enum gl_rtype */
	bool weak;
	int64_t add;
	gl_goobj_ref sym;
} gl_goobj_reloc;

typedef struct gl_goobj_aux {
	uint8_t type_raw;
	int type; /* enum gl_aux */
	gl_goobj_ref sym;
} gl_goobj_aux;


/* Parses one Go object (a GL_GOOBJ_M_GO member's data, or a whole object
 * file). Unknown Go versions (no gl_objtab) fail with GOLOAD_E_VERSION;
 * a different object magic with GOLOAD_E_VERSION; damage with
 * GOLOAD_E_FORMAT naming `name`, the block, the index and the offset. */
int gl_goobj_open(gl_span data, const char *name, gl_goobj **out, goload_err *err);
void gl_goobj_close(gl_goobj *o);

const char *gl_goobj_name(const gl_goobj *o);
const gl_goobj_hdr *gl_goobj_header(const gl_goobj *o);
const struct gl_objtab *gl_goobj_tab(const gl_goobj *o);
const uint8_t *gl_goobj_fingerprint(const gl_goobj *o); /* 8 bytes */
uint32_t gl_goobj_flags_raw(const gl_goobj *o);
uint32_t gl_goobj_flags(const gl_goobj *o); /* enum gl_oflag bits */
gl_span gl_goobj_binary(const gl_goobj *o); /* from the magic on */

uint32_t gl_goobj_nautolib(const gl_goobj *o);
gl_goobj_autolib gl_goobj_autolib_at(const gl_goobj *o, uint32_t i);
/* PkgIndex: i in [1, npkg) (0 is the invalid index and has an empty name). */
uint32_t gl_goobj_npkg(const gl_goobj *o);
gl_span gl_goobj_pkg_at(const gl_goobj *o, uint32_t i);
uint32_t gl_goobj_nfiles(const gl_goobj *o);
gl_span gl_goobj_file_at(const gl_goobj *o, uint32_t i);

/* Counts per class and in total; ndefs = the four def classes. */
uint32_t gl_goobj_ncount(const gl_goobj *o, gl_goobj_sclass c);
uint32_t gl_goobj_ndefs(const gl_goobj *o);
uint32_t gl_goobj_nsyms(const gl_goobj *o); /* ndefs + nonpkg refs */
/* First local index of a class. */
uint32_t gl_goobj_class_start(const gl_goobj *o, gl_goobj_sclass c);

/* i < nsyms. */
gl_goobj_sym gl_goobj_sym_at(const gl_goobj *o, uint32_t i);
/* i < nsyms: its name and ABI alone (what gl_goobj_sym_at gives, without
 * decoding kind, flags, size and class; for scans of every name). */
gl_span gl_goobj_sym_name(const gl_goobj *o, uint32_t i, uint16_t *abi);
/* Content hash of a hashed def (8 or 16 bytes), NULL for other classes. */
const uint8_t *gl_goobj_hash(const gl_goobj *o, uint32_t i, size_t *len);
/* i < ndefs: the symbol's data (may be empty: BSS). */
gl_span gl_goobj_data(const gl_goobj *o, uint32_t i);
/* i < ndefs: offset of that data from the magic (what go tool nm prints). */
uint32_t gl_goobj_data_off(const gl_goobj *o, uint32_t i);
/* i < ndefs: relocations [*first, *first + n) by global reloc number. */
uint32_t gl_goobj_relocs(const gl_goobj *o, uint32_t i, uint32_t *first);
gl_goobj_reloc gl_goobj_reloc_at(const gl_goobj *o, uint32_t j);
/* i < ndefs: the relocation of def i at byte off of its data, if any. */
bool gl_goobj_reloc_at_off(const gl_goobj *o, uint32_t i, uint64_t off, gl_goobj_reloc *out);
uint32_t gl_goobj_nrelocs_total(const gl_goobj *o);
uint32_t gl_goobj_auxs(const gl_goobj *o, uint32_t i, uint32_t *first);
gl_goobj_aux gl_goobj_aux_at(const gl_goobj *o, uint32_t j);
/* RefFlags block: flags of referenced (not defined) symbols. */
uint32_t gl_goobj_nrefflags(const gl_goobj *o);
void gl_goobj_refflags_at(const gl_goobj *o, uint32_t j, gl_goobj_ref *sym, uint8_t *flag, uint8_t *flag2);

/* RefNames block (tools only): names of package-indexed refs. */
uint32_t gl_goobj_nrefnames(const gl_goobj *o);
void gl_goobj_refname_at(const gl_goobj *o, uint32_t j, gl_goobj_ref *sym, gl_span *name);

/* Local index of a ref into this object (SELF/HASHED64/HASHED/NONE), or
 * false when the ref points elsewhere or is out of range. */
bool gl_goobj_ref_local(const gl_goobj *o, gl_goobj_ref r, uint32_t *local);

/* ---------------------------------------------------------- resolution */

/* Resolves a package-indexed ref {pkg, idx} through another object
 * (the Go linker's rule: SymbolDefs[idx] of that package's object):
 * `pkgpath` is gl_goobj_pkg_at(pkg). The hook returns the dependency's
 * object (owned by the caller of gl_goobj_ref_name, kept alive while names
 * are used) or NULL with err set. goobj checks the dependency's
 * fingerprint against this object's autolib entry for that package and
 * fails with GOLOAD_E_MISMATCH naming both packages (packages reached only
 * through inlining have no autolib entry and are not checked). */
typedef const gl_goobj *(*gl_goobj_dep_fn)(void *ctx, const char *pkgpath, size_t pkglen, goload_err *err);

typedef struct gl_goobj_resolver {
	gl_goobj_dep_fn dep; /* may be NULL: package refs then need RefName */
	void *ctx;
} gl_goobj_resolver;

typedef struct gl_goobj_name {
	const char *pkg;  /* for package refs: the package path ("" otherwise) */
	uint32_t pkglen;
	const char *name; /* symbol name (points into an object or a builtin table) */
	uint32_t namelen;
	int abi;          /* -1 when unknown (RefName carries no ABI) */
} gl_goobj_symname;

/* A dependency list: package path -> archive, each dependency's Go object
 * opened on first use and kept until close. Fill it from an importcfg
 * ("packagefile PATH=FILE" lines, e.g. from
 *   go list -export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' PKG)
 * or one package at a time. Objects are named "PKG (FILE)" in errors. */
typedef struct gl_goobj_deps gl_goobj_deps;
int gl_goobj_deps_new(gl_goobj_deps **out, goload_err *err);
int gl_goobj_deps_add(gl_goobj_deps *d, const char *pkg, size_t pkglen, const char *file, goload_err *err);
int gl_goobj_deps_importcfg(gl_goobj_deps *d, const char *path, goload_err *err);
const gl_goobj *gl_goobj_deps_get(gl_goobj_deps *d, const char *pkg, size_t len, goload_err *err);
void gl_goobj_deps_close(gl_goobj_deps *d);
/* A resolver over the list (d may be NULL: no resolution). */
gl_goobj_resolver gl_goobj_deps_resolver(gl_goobj_deps *d);

/* The name of what `r` refers to: self/hashed/hashed64/nonpkg from this
 * object, builtin from the version's builtin table, package refs from the
 * RefName block or, when it is silent, through `res`. Nil refs fail with
 * GOLOAD_E_INVAL, unresolvable ones with GOLOAD_E_NOTFOUND. */
int gl_goobj_ref_name(const gl_goobj *o, gl_goobj_ref r, const gl_goobj_resolver *res,
		      gl_goobj_symname *out, goload_err *err);

/* ------------------------------------------------------------- funcinfo */

typedef struct gl_goobj_inl {
	int32_t parent;
	uint32_t file; /* CU file index */
	int32_t line;
	gl_goobj_ref func;
	int32_t parent_pc;
} gl_goobj_inl;

typedef struct gl_goobj_funcinfo {
	uint32_t args, locals;
	uint8_t funcid_raw;
	int funcid;      /* enum gl_funcid, -1 when unknown to the version */
	uint8_t funcflag_raw;
	uint32_t funcflag; /* enum gl_funcflag bits */
	int32_t startline;
	uint32_t nfiles;  /* CU-relative file indices, read with _file_at */
	gl_span files;
	uint32_t ninl;
	gl_span inl;      /* read with gl_goobj_funcinfo_inl_at */
} gl_goobj_funcinfo;

/* Decodes the funcinfo aux of def i (GOLOAD_E_NOTFOUND if it has none). */
int gl_goobj_funcinfo_get(const gl_goobj *o, uint32_t i, gl_goobj_funcinfo *out, goload_err *err);
uint32_t gl_goobj_funcinfo_file_at(const gl_goobj_funcinfo *fi, uint32_t k);
gl_goobj_inl gl_goobj_funcinfo_inl_at(const gl_goobj_funcinfo *fi, uint32_t k);

/* ----------------------------------------------------------- signatures */

/* One parameter (result false: the receiver and the parameters) or result
 * of a signature, as the linker type name ("[]string", "io.Reader"). */
typedef void (*gl_goobj_sig_fn)(void *ctx, bool result, const char *type, size_t len);

/* Calls fn for each formal parameter the DWARF info of def i (a function)
 * records, in declaration order (receiver first, results last).
 * GOLOAD_E_NOTFOUND when it has no DWARF info (assembly, wrappers);
 * package-indexed type refs are named through res (may be NULL). */
int gl_goobj_func_sig(const gl_goobj *o, uint32_t i, const gl_goobj_resolver *res, gl_goobj_sig_fn fn, void *ctx,
		      goload_err *err);

/* ------------------------------------------------------------ pc tables */

/* Data of a symbol this object defines (self/hashed/nonpkg refs), e.g. an
 * aux pcsp/pcfile/pcline/pcinline/pcdata table; empty otherwise. */
gl_span gl_goobj_ref_data(const gl_goobj *o, gl_goobj_ref r);
/* The architecture's pc quantum (cmd/internal/sys.Arch.MinLC). */
uint32_t gl_goobj_pc_quantum(const gl_goobj *o);
/* Value of a pc-value table at `pc` bytes from the function start, as
 * cmd/internal/objfile reads object tables; -1 past the end. */
int32_t gl_goobj_pcvalue(gl_span tab, uint64_t pc, uint32_t quantum);
/* File (Files block entry) and line of def i at pc offset `pcoff`, from
 * its pcfile and pcline aux tables; false when it has none. */
bool gl_goobj_pcline(const gl_goobj *o, uint32_t i, uint64_t pcoff, gl_span *file, int32_t *line);

/* ---------------------------------------------------------------- tools */

/* goload_nm and goload_objdump over bytes already in memory (`path` names
 * them in the output and in errors). */
int gl_goobj_nm_span(gl_span data, const char *path, const goload_nm_opts *opts, FILE *out, goload_err *err);
int gl_goobj_dump_span(gl_span data, const char *path, unsigned what, gl_goobj_deps *deps, FILE *out,
		       goload_err *err);

#endif /* GL_GOOBJ_H */
