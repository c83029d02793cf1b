/*
 * goload — a loader, linker and hot-patcher for Go code, written in C.
 *
 * This is the one public header. Objects are opaque and have explicit
 * lifetimes (open/close pairs). Every function that can fail returns a
 * negative goload_code (or NULL) and, when `err` is not NULL, fills it with a
 * machine-readable code and a message that names the file, symbol or offset.
 *
 * The header is split into sections in pipeline order; each section is owned
 * by one part of the library (see the folder of the same name under src/).
 */
#ifndef GOLOAD_H
#define GOLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Errors                                                                */
/* ===================================================================== */

typedef enum goload_code {
	GOLOAD_OK = 0,
	GOLOAD_E_INVAL = 1,       /* bad argument from the caller */
	GOLOAD_E_IO = 2,          /* open/read/mmap failed */
	GOLOAD_E_NOMEM = 3,       /* allocation failed */
	GOLOAD_E_FORMAT = 4,      /* malformed input: truncated, out of range, inconsistent */
	GOLOAD_E_UNSUPPORTED = 5, /* well-formed but not something goload handles */
	GOLOAD_E_NOTFOUND = 6,    /* a symbol, section, member... does not exist */
	GOLOAD_E_VERSION = 7,     /* Go version / GOAMD64 / experiment mismatch or unknown */
	GOLOAD_E_UNRESOLVED = 8,  /* symbols that nothing defines */
	GOLOAD_E_UNSAFE = 9,      /* refused because it is not safe now (patch, unload) */
	GOLOAD_E_MISMATCH = 10,   /* types/signatures/fingerprints disagree */
	GOLOAD_E_INTERNAL = 11,   /* a goload bug: please report */
} goload_code;

#define GOLOAD_ERR_MSG_MAX 1024

typedef struct goload_err {
	int code;                      /* goload_code */
	char msg[GOLOAD_ERR_MSG_MAX];  /* human message; empty when code == 0 */
} goload_err;

/* Name of a code ("format", "unsupported", ...). Never NULL. */
const char *goload_code_name(int code);

/* Library version string, e.g. "0.1.0". */
const char *goload_version(void);

/* ===================================================================== */
/* inspect — Go executables and shared objects (src/elf, src/gobin)      */
/* ===================================================================== */
/* GOLOAD-SECTION-INSPECT-BEGIN */
/* A Go executable or shared object opened for reading (ELF64, amd64/arm64,
 * Go 1.16-1.27 layouts). Addresses are link-time virtual addresses; add
 * info.load_bias for the running process (goload_image_open_self). Strings
 * stay valid until goload_image_close. */
typedef struct goload_image goload_image;

int goload_image_open(const char *path, goload_image **out, goload_err *err);
/* The running process's own executable, with the PIE load bias. */
int goload_image_open_self(goload_image **out, goload_err *err);
void goload_image_close(goload_image *img);

typedef struct goload_image_info {
	const char *go_version;     /* "go1.26.8"; "" without buildinfo */
	int go_minor;               /* Go minor whose runtime layout validated */
	const char *runtime_layout; /* layout table name, e.g. "1.23" */
	const char *arch;           /* "amd64", "arm64" */
	const char *buildmode;      /* "exe", "pie", "c-shared", "plugin", "shared" */
	bool external_link, stripped, has_sections;
	int pclntab_version;        /* 116, 118, 120 */
	uint64_t moduledata, pclntab;
	uint64_t load_bias;         /* runtime - link-time address; 0 for files */
	size_t nfuncs;
} goload_image_info;
void goload_image_get_info(const goload_image *img, goload_image_info *out);

typedef struct goload_func {
	const char *name;
	uint64_t entry, size; /* size as go tool nm -size */
	const char *file;     /* file of the entry */
	int32_t start_line;
	uint8_t funcid, flag;
} goload_func;
size_t goload_image_nfuncs(const goload_image *img);
int goload_image_func(const goload_image *img, size_t i, goload_func *out, goload_err *err);

typedef struct goload_frame {
	const char *func, *file;
	int32_t line;
	bool inlined; /* inlined into the next frame */
} goload_frame;
/* Frames of pc, innermost first; returns the number of frames (may exceed
 * max), or a negative goload_code. */
int goload_image_pc_frames(const goload_image *img, uint64_t pc, goload_frame *frames, size_t max,
			   goload_err *err);
/* Address of a symbol (.symtab, .dynsym, else pclntab function names;
 * ABIInternal preferred). GOLOAD_E_NOTFOUND when absent. */
int goload_image_symbol(goload_image *img, const char *name, uint64_t *addr, goload_err *err);
/* GOLOAD-SECTION-INSPECT-END */

/* ===================================================================== */
/* objects — go tool compile objects and archives (src/goobj)            */
/* ===================================================================== */
/* GOLOAD-SECTION-GOOBJ-BEGIN */
/* Go compiler objects ("\x00go120ld", Go 1.21 .. 1.27) and the archives
 * `go build` and `go list -export` produce. The linker-facing reader is
 * internal (src/goobj/goobj.h); these are the tools on top of it. */

typedef enum goload_nm_sort {
	GOLOAD_NM_SORT_NAME,    /* go tool nm's default */
	GOLOAD_NM_SORT_ADDRESS, /* -sort address, -n */
	GOLOAD_NM_SORT_SIZE,    /* -sort size: largest first */
	GOLOAD_NM_SORT_NONE,    /* -sort none */
} goload_nm_sort;

typedef struct goload_nm_opts {
	int sort;         /* goload_nm_sort */
	bool print_size;  /* -size */
	bool print_type;  /* -type (object files carry no type strings: no effect, as in go tool nm) */
	bool file_prefix; /* several files on the command line: prefix lines with the file */
} goload_nm_opts;

/* Lists the symbols of an archive, a Go object or an ELF object exactly as
 * `go tool nm` does (same lines, same order, same flags). */
int goload_nm(const char *path, const goload_nm_opts *opts, FILE *out, goload_err *err);

enum {
	GOLOAD_OBJDUMP_SYMS = 1,     /* symbols: class, kind, size, align, flags, ABI */
	GOLOAD_OBJDUMP_RELOCS = 2,   /* relocations: offset, size, type name, target, addend */
	GOLOAD_OBJDUMP_FUNCINFO = 4, /* funcinfo: args, locals, FuncID, flags, files, inline tree */
	GOLOAD_OBJDUMP_JSON = 8,     /* one JSON document instead of text */
};

/* Dumps what `what` (GOLOAD_OBJDUMP_* bits) asks for, for every Go object
 * of an archive or object file. */
int goload_objdump(const char *path, unsigned what, FILE *out, goload_err *err);
/* The same, naming package references that the object's RefName block does
 * not (inline trees, gotypes) through the dependencies an importcfg lists
 * ("packagefile PATH=FILE"), after checking their fingerprints. */
int goload_objdump_cfg(const char *path, unsigned what, const char *importcfg, FILE *out, goload_err *err);
/* GOLOAD-SECTION-GOOBJ-END */

/* ===================================================================== */
/* load — link, runtime metadata, memory (src/link, src/rt, src/mem)     */
/* ===================================================================== */
/* GOLOAD-SECTION-LOAD-BEGIN */

/* The running process, seen as a Go executable: its symbols and the load
 * bias of its image (non-zero for PIE). Loading always targets the process
 * that calls it: the runtime functions that register a module must run on
 * one of its goroutines. */
typedef struct goload_host goload_host;

int goload_host_open(goload_host **out, goload_err *err);
void goload_host_close(goload_host *h);
/* Run-time address of a host symbol by its Go linker name
 * ("runtime.modulesinit"; ABI0 twins of ABIInternal functions are "x.abi0").
 * GOLOAD_E_NOTFOUND when the host does not have it (dead-code eliminated,
 * or stripped). */
int goload_host_sym(const goload_host *h, const char *name, uint64_t *addr, goload_err *err);
/* The Go version the host was built with ("go1.26.8"). */
const char *goload_host_goversion(const goload_host *h);
/* A build setting of the host ("GOAMD64", "-ldflags"; strconv-unquoted),
 * as runtime/debug.ReadBuildInfo gives it, from the build info the open
 * parsed already; NULL when absent. */
const char *goload_host_build_setting(const goload_host *h, const char *key);
/* Where the host's symbol, type and itab indexes came from: "read from
 * PATH" (the host index cache, see docs/load.md), "built, written to
 * PATH", or "built (...)" saying why the cache was not used. */
const char *goload_host_index_source(const goload_host *h);
/* Whether the host has a function of package `pkgpath` (its pclntab names
 * one "pkgpath.<name>"; stripped hosts keep pclntab). Reads the host's
 * image goload_host_open opened, opens nothing. */
bool goload_host_has_funcs_of(const goload_host *h, const char *pkgpath);

/* A set of Go archives linked into the running process. Building one maps
 * its memory and lays out the runtime metadata; nothing runs until the Go
 * binding registers it (package goload, which calls the runtime on a
 * goroutine). */
typedef struct goload_module goload_module;

typedef struct goload_link_opts {
	const char *goroot;    /* expands "$GOROOT" in file names (runtime.GOROOT()) */
	const char *goamd64;   /* the host's GOAMD64 level ("v1"), NULL: not checked */
	const char *name;      /* unique module name; NULL: derived */
	bool debug;            /* log every step to stderr (GOLOAD_DEBUG=1) */
	/* Where to read a package's object when only its symbol names are
	 * needed (a type or inlined function of a host package referenced by
	 * index): returns a malloc'd archive path, or NULL. May be NULL. */
	char *(*dep_archive)(void *ctx, const char *pkgpath);
	void *dep_ctx;
	/* Archives of packages the host contains (host_archives[i] compiled
	 * from host_pkgs[i] as the host's were), consulted only for symbols
	 * neither the archives nor the host define: a function or read-only
	 * data the host's linker dropped is defined from them, with what it
	 * needs, while every variable the host has stays the host's. A
	 * symbol is looked for in its own package, then in runtime's (which
	 * defines linkname pushes such as crypto/internal/sysrand.fatal),
	 * then in the others. May be NULL. */
	const char *const *host_pkgs;
	const char *const *host_archives;
	size_t nhost_archives;
	/* The archives of many packages at once, built like the host (its
	 * toolchain, build mode, GOAMD64, tags, experiments), for recovering
	 * a stripped host's data symbols: pkgs is one import path per line;
	 * returns a malloc'd importcfg ("packagefile PATH=FILE" lines) naming
	 * those packages and their dependencies, or NULL. May be NULL. */
	char *(*dep_archives)(void *ctx, const char *pkgs);
	/* Modules already loaded and still open, oldest first. A package
	 * whose archive is byte for byte one that a provider loaded (the
	 * same build) is not loaded again: one copy per process, as in a
	 * normal build. References to it resolve to the provider's
	 * functions, variables, types and itabs, and so do this module's
	 * own copies of composite types and itabs made only of such
	 * packages' (and the host's) types. The module then depends on the
	 * provider (goload_module_nuses). May be NULL. */
	const goload_module *const *providers;
	size_t nproviders;
	/* The variables the host's -ldflags set with -X ("import/path.name"):
	 * its linker sets only those it keeps, so one it dropped cannot be
	 * taken from an archive (refused, naming it). May be NULL. */
	const char *const *xvars;
	size_t nxvars;
	/* Fix mode (goload fix): with no archives, the module is made of these
	 * functions only ("example.com/p.F", ABIInternal), taken from the
	 * host_archives of their packages (packages the host contains, rebuilt
	 * from changed source) even though the host has functions of those
	 * names. Everything else they reference that the host has (variables,
	 * types, itabs, unchanged functions) is the host's own, so its state is
	 * kept; what the host lacks is pulled as for a dropped symbol. A type
	 * whose layout differs from the host's type of that name is refused.
	 * A root of package runtime (or runtime/internal/..., internal/runtime/...)
	 * is refused. May be NULL. */
	const char *const *fix_roots;
	size_t nfix_roots;
	/* Fix mode: variables of the host by name and link-time address, as
	 * the caller found them in the host's unchanged code (a stripped host
	 * names none). A variable of the host packages that neither these nor
	 * the host name is refused on a stripped host: a new copy would lose
	 * the running program's value. May be NULL. */
	const char *const *fix_vars;
	const uint64_t *fix_var_addrs;
	size_t nfix_vars;
	/* Host extensions (goload_extension_link), oldest first: what the
	 * host's linker dropped of its packages, linked once per process and
	 * never unloaded. A dropped symbol of a host package that one of
	 * them defines is theirs (one copy per process, as in a normal
	 * build), never pulled again. May be NULL. */
	const goload_module *const *extensions;
	size_t nextensions;
	/* With host archives: a link that would take dropped symbols of host
	 * packages into the module stops after resolving and gives a module
	 * for which goload_module_needs_extension is true; link the extension
	 * from it, then link again with the extension listed. */
	bool split_host;
} goload_link_opts;

/* Whether the host contains package `pkgpath` (compiled into `archive`):
 * one of the package's own (non-dupok, non-generic) functions or
 * variables is in the host, or, for a package of types only, one of its
 * named types is in the host's type index (built here once). 1 yes, 0 no
 * (the host's linker dropped all of it, or never had it), or a negative
 * goload_code. */
int goload_host_has_package(goload_host *h, const char *pkgpath, const char *archive, goload_err *err);

/* What OpenPackage reads of a package's archive to tell whether it belongs
 * to the host's build (docs/load.md, "the host's build"). */
typedef struct goload_pkginfo {
	int has;                  /* goload_host_has_package's answer, 1 or 0 */
	bool init;                /* its init task lists a function: a host that
				   * imported it ran that function, so keeps it */
	uint8_t fingerprint[8];   /* its compiled object's (_go_.o) */
	size_t nimports;
	char **imports;           /* its direct imports (the object's autolib list) */
	uint8_t (*import_fps)[8]; /* the fingerprint each was compiled against */
} goload_pkginfo;
/* Fills *out (free it with goload_pkginfo_free); 0, or a negative
 * goload_code (then *out holds nothing). */
int goload_host_package_info(goload_host *h, const char *pkgpath, const char *archive, goload_pkginfo *out, goload_err *err);
void goload_pkginfo_free(goload_pkginfo *p);
/* Whether module m loaded this build of package pkgpath (the Go objects of
 * archive, byte for byte): 1, 0, or a negative error code. */
int goload_module_loaded_build(goload_host *h, const goload_module *m, const char *pkgpath, const char *archive, goload_err *err);

/* Builds the host's type index now, once per host (goload_module_link
 * and goload_host_has_package build it on first use otherwise): a program
 * that calls it at startup pays none of it in its first load. */
int goload_host_index_types(goload_host *h, goload_err *err);
/* The host's typelinked type descriptors, sorted by their hash (then in
 * the order runtime.typelinksinit reads them), each once: the host's part
 * of typelinksinit's table, which a module's typemap maps its types to.
 * va is the link-time address (+ the host's bias at run time). Empty
 * before goload_host_index_types. */
typedef struct goload_typehash {
	uint32_t hash, order;
	uint64_t va;
} goload_typehash;
const goload_typehash *goload_host_typehash(const goload_host *h, size_t *n, uint64_t *bias);

/* A host built with -ldflags=-s has no symbol table: its functions are
 * still known (pclntab) but its variables are not. This recovers their
 * addresses by matching the host's code against the objects of its own
 * packages (opts->dep_archives, called once with every package pclntab
 * names). Done once per host (later calls repeat the first result);
 * nothing to do for an unstripped host. goload_module_link calls it. */
int goload_host_recover(goload_host *h, const goload_link_opts *opts, goload_err *err);

/* Links `archives` (Go archives or objects compiled by the host's
 * toolchain) against the host: resolves every reference, lays out and
 * relocates the code and data in memory near the host, and builds the
 * pclntab and moduledata. Errors: VERSION (object from another Go version,
 * GOAMD64 level or experiment set: both are named), UNRESOLVED (every
 * missing symbol with what references it), UNSUPPORTED (relocation type
 * and site), FORMAT (damaged input). */
int goload_module_link(goload_host *h, const char *const *archives, size_t narchives, const goload_link_opts *opts,
		       goload_module **out, goload_err *err);
/* Bytes of memory the module maps (code, read-only data, pclntab, data). */
size_t goload_module_mapped(const goload_module *m);
/* Where goload_module_link spent its time, in nanoseconds (monotonic
 * clock), by phase: GOLOAD_DEBUG=time and Module.Timings report them. */
typedef enum goload_link_phase {
	GOLOAD_PHASE_HOST,     /* host: stripped-host recovery, type index (first link only) */
	GOLOAD_PHASE_ARCHIVES, /* opening and parsing the archives */
	GOLOAD_PHASE_RESOLVE,  /* defining and resolving symbols, host types */
	GOLOAD_PHASE_LAYOUT,   /* layout, func tables and pclntab, mapping */
	GOLOAD_PHASE_RELOC,    /* copying data, host jumps, relocations */
	GOLOAD_PHASE_RTMETA,   /* GC masks, tables, moduledata, protection */
	GOLOAD_PHASE_HOSTFILL, /* host method tables and itab slots */
	GOLOAD_PHASE_N
} goload_link_phase;
uint64_t goload_module_phase_ns(const goload_module *m, int phase);
/* Host itab slots and method-table entries the link pointed at methods
 * the host's linker had dropped and the module supplies (from
 * host_archives). The owner wrote the word; a module that found it filled
 * by another open module records its own value (`owner` false). Close of
 * the owner writes another open module's recorded value and makes that
 * module the owner (goload_module_host_fill_own), else writes `old`, the
 * host linker's value (little-endian in the low n bytes), before the
 * module's code goes. `code` is the address `new` designates. */
typedef struct goload_host_fill {
	uint64_t at, old, new, code;
	uint32_t n; /* 8: an itab slot; 4: a method table's text offset */
	bool owner;
	const char *method; /* the method's symbol ("pkg.(*T).M"), or NULL */
} goload_host_fill;
size_t goload_module_host_fills(const goload_module *m);
void goload_module_host_fill(const goload_module *m, size_t i, goload_host_fill *out);
/* Methods of host types whose func type (Mtyp) the host's linker dropped
 * along with the method, supplied by this module: the host's resolveTypeOff
 * finds such a type only through runtime.firstmoduledata.typemap, keyed by
 * `key` (an offset past the host's etypes: the module type's own distance
 * from the host's types; before Go 1.27 the key is the offset, from 1.27
 * types+key). The binding adds (key, type) to that map, then calls
 * goload_module_write_type_fills, which writes each key into its Mtyp
 * entry (recorded as a host fill). */
typedef struct goload_type_fill {
	uint64_t slot, type;
	int32_t key;
} goload_type_fill;
size_t goload_module_type_fills(const goload_module *m);
void goload_module_type_fill(const goload_module *m, size_t i, goload_type_fill *out);
int goload_module_write_type_fills(goload_module *m, goload_err *err);

/* How many writes into the host's memory (pwrite to /proc/self/mem) this
 * process made so far, and (*words, may be NULL) how many host fills they
 * carried: fills are batched, one write per run of words (tests count). */
uint64_t goload_debug_mem_writes(uint64_t *words);
void goload_module_host_fill_own(goload_module *m, size_t i, bool owner);
/* Whether the module's code could call `method` of the type `type`
 * ("pkg.T", a host type) through the type's method table, as the Go
 * linker's dead-code pass reads it: why (an interface call of that name,
 * reflect's Method or MethodByName, the type put in an interface), or
 * NULL. Close of a module that filled the host's dropped methods asks it
 * of every module opened since. */
const char *goload_module_iface_use(const goload_module *m, const char *type, const char *method);
/* Unmaps the module. Only for modules never registered with the runtime. */
void goload_module_free(goload_module *m);

/* What registration needs: the moduledata to append to the runtime's list,
 * the itabs to add and the init tasks to run, in order. */
void *goload_module_moduledata(const goload_module *m);
size_t goload_module_nitabs(const goload_module *m);
void *goload_module_itab(const goload_module *m, size_t i);
size_t goload_module_ninittasks(const goload_module *m);
void *goload_module_inittask(const goload_module *m, size_t i);
/* Appends the moduledata to the runtime's module list (lastmoduledatap).
 * The caller serializes this with every other module registration. */
int goload_module_publish(goload_module *m, goload_err *err);

typedef struct goload_symbol {
	uint64_t addr;
	bool func;            /* text (ABIInternal entry) or a variable */
	const char *type;     /* linker name of the recorded type ("type:int"), "" when none */
	uint32_t args;        /* functions: bytes of arguments and results (FuncInfo.Args) */
	/* Functions: the Go signature the object's DWARF info records, as
	 * linker type names without "type:" ("int", "[]string", "io.Reader"),
	 * the receiver first, a variadic parameter as its slice type. has_sig
	 * is false when there is none (assembly functions). */
	bool has_sig;
	const char *const *params;
	size_t nparams;
	const char *const *results;
	size_t nresults;
} goload_symbol;

/* A symbol defined by the module, by its full name ("example.com/p.F"),
 * or by a provider whose package the module reuses. */
int goload_module_lookup(const goload_module *m, const char *name, goload_symbol *out, goload_err *err);

/* The providers (goload_link_opts.providers) whose packages the module
 * reuses: i < goload_module_nuses(m); *pkg lists those packages ("p1, p2",
 * dependencies first). A
 * provider must stay loaded while the module is. */
size_t goload_module_nuses(const goload_module *m);
const goload_module *goload_module_use(const goload_module *m, size_t i, const char **pkg);
/* Nothing was loaded: every package is the host's or a provider's. The
 * module maps nothing and is never registered with the runtime; lookups
 * go to its providers. */
bool goload_module_is_stub(const goload_module *m);
/* A link with opts.split_host that needs dropped host-package symbols no
 * extension has: nothing is laid out or mapped; pass it to
 * goload_extension_link, then free it. */
bool goload_module_needs_extension(const goload_module *m);
/* Such a link whose dropped host-package code needs a symbol of a package
 * this module loads (not given as a host package): the dropped symbol
 * needing it (*by: that symbol), else NULL. No extension can hold that
 * code (it would depend on the module); OpenPackage refuses the load. */
const char *goload_module_split_blocked(const goload_module *m, const char **by);
/* Links the dropped host-package symbols `need` asked for (and what they
 * need, dropped methods and their types, dropped variables' initializers)
 * as a host extension: a module of host packages only (they depend on
 * host packages only), registered and initialized like any, which is
 * never closed. opts: the host archives of `need`'s link, and the
 * earlier extensions. */
int goload_extension_link(goload_host *h, const goload_module *need, const goload_link_opts *opts, goload_module **out,
			  goload_err *err);

/* GOLOAD-SECTION-LOAD-END */

/* ===================================================================== */
/* patch — entry jumps and trampolines (src/patch)                       */
/* ===================================================================== */
/* GOLOAD-SECTION-PATCH-BEGIN */

/* Why a patch was refused (goload_patch_site_open, goload_patch_scan). */
typedef enum goload_patch_reason {
	GOLOAD_PATCH_R_NONE = 0,
	GOLOAD_PATCH_R_TOO_SHORT,       /* fewer than 5 bytes of code before the function ends */
	GOLOAD_PATCH_R_BACK_JUMP,       /* a branch of the function lands inside the bytes to overwrite */
	GOLOAD_PATCH_R_CALL,            /* a CALL among those bytes: its return address would be in the trampoline */
	GOLOAD_PATCH_R_UNRELOCATABLE,   /* an instruction that cannot move (undecodable, JRCXZ/LOOP, out of reach) */
	GOLOAD_PATCH_R_NO_NEAR_MEMORY,  /* nothing free within +-2 GiB of the target */
	GOLOAD_PATCH_R_INLINED,         /* callers hold inlined copies the jump would not reach */
	GOLOAD_PATCH_R_SIGNATURE,       /* the replacement's type differs from the target's */
	GOLOAD_PATCH_R_GENERIC_WRAPPER, /* a generic dictionary wrapper: the body is the shape function */
	GOLOAD_PATCH_R_BUSY,            /* a goroutine is stopped inside the bytes to write */
	GOLOAD_PATCH_R_WRAPPER,         /* a compiler wrapper (method value -fm, ABI wrapper) */
	GOLOAD_PATCH_R_ARCH,            /* an architecture goload does not patch (only amd64 is) */
} goload_patch_reason;

/* "too-short", "back-jump", ... Never NULL. */
const char *goload_patch_reason_name(int reason);
/* Whether goload patches code of that GOARCH ("amd64" only: the planner,
 * the stub and the entry jump are x86-64 code). Sites refuse with
 * GOLOAD_PATCH_R_ARCH on a host of another architecture. */
bool goload_patch_arch_supported(const char *goarch);
/* The loaded module's function whose entry is pc (a patch target): its
 * linker name and code size. NOTFOUND when no function of m starts there. */
int goload_patch_module_func_at(const goload_module *m, uint64_t pc, const char **name, uint64_t *size,
				goload_err *err);
/* The functions of module m holding inlined copies of the function name
 * (from the objects' inline trees): "caller (line N), ..." in *callers
 * (malloc'd, NULL when none) and their number in *n. */
int goload_patch_module_inlined_callers(goload_module *m, const char *name, char **callers, size_t *n,
					goload_err *err);

/* The patcher of the running process: memory near the host's text for
 * entry stubs and trampolines (read+execute, written through /proc/self/mem
 * so no mapping is ever writable and executable), and the scheduler layout
 * of the host's Go version. */
typedef struct goload_patcher goload_patcher;

/* goversion is the host's runtime.Version() ("go1.26.8"). */
int goload_patcher_open(const char *goversion, goload_patcher **out, goload_err *err);
/* Benches only (GOLOAD_BENCH_BEFORE=1, bench/load.sh): images opened from
 * then on copy the whole file when they have relocated words, as before
 * they were written into the file's private mapping. */
void goload_bench_image_copy(int on);
/* Registers the process for the membarrier that serializes every core
 * after code is written (MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE;
 * the syscall's result, -1 where the kernel has none). Call it once before
 * the first write of code; it can take an RCU grace period (10-20 ms), so
 * goload_patcher_open leaves it to the caller, who may run it on another
 * thread. */
int goload_patcher_register_sync_core(void);
/* Whether code written through /proc/self/mem is what the CPU runs next
 * (false under an emulator that caches translations, qemu-user): writers of
 * entry jumps then drop X for the write instead. */
bool goload_patcher_memfd_ok(goload_patcher *p);
/* /proc/self/mem opened read-write for the patcher's writes, -1 when the
 * kernel refuses forced writes there; the patcher keeps it open. */
int goload_patcher_memfd(goload_patcher *p);
/* Does now, once, what the first patch would otherwise wait for: opening
 * and trying /proc/self/mem, and paging in the instruction decoder's
 * tables by decoding sample (n bytes of the program's own code; about
 * 0.1-0.2 ms the first time in a process). Thread-safe: the Go binding
 * runs it on a goroutine of its own while the first NewPatch reads the
 * host's index; anything needing it waits. */
void goload_patcher_warm(goload_patcher *p, uint64_t sample, size_t n);
/* After code at [addr, addr+n) was written other than through
 * /proc/self/mem: make the instruction caches coherent for it (a no-op on
 * amd64) and serialize every thread's instruction stream. */
void goload_patcher_code_written(const goload_patcher *p, uint64_t addr, uint64_t n);
/* Frees the bookkeeping; the code memory stays mapped, since goroutines may
 * still return through it. */
void goload_patcher_close(goload_patcher *p);
/* Reads the executable's symbols, functions and inline trees through the
 * loader's host (goload_host_open) instead of opening it a second time.
 * Before the patcher's first lookup; h must outlive p. */
int goload_patcher_share_host(goload_patcher *p, const goload_host *h, goload_err *err);

/* One patchable function: its planned entry jump, its stub and its
 * call-original trampoline. A site lives as long as its patcher; applying
 * and reverting only rewrite the entry bytes (jump / original, with the
 * world stopped) and the replacement word at slot. */
typedef struct goload_patch_site goload_patch_site;

/* Most bytes an entry jump covers: a whole prologue (26 for frames above
 * 4 KiB: MOVQ SP, R12; SUBQ; JCS; CMPQ; JLS). */
#define GOLOAD_PATCH_COVER_MAX 48

typedef struct goload_patch_site_info {
	uint64_t entry;      /* the function */
	uint64_t cover;      /* bytes the entry jump overwrites */
	uint64_t stub;       /* where the entry jump goes */
	uint64_t trampoline; /* runs the original code (a func value's code pointer) */
	uint64_t slot;       /* the word holding the replacement's func value */
	uint64_t resume;     /* after the prologue's call of runtime.morestack*: a call preempted there resumes at the entry (0: none) */
	bool has_stub;       /* the prologue has a stack-growth path, re-routed for the trampoline */
	bool ctxt;           /* the function takes a closure context (a func literal's body) */
	uint8_t original[GOLOAD_PATCH_COVER_MAX]; /* the bytes the jump replaces */
	uint8_t jump[GOLOAD_PATCH_COVER_MAX];     /* what replaces them: JMP rel32 stub, INT3 padding (amd64); B stub, then the original words (arm64) */
} goload_patch_site_info;

/* Plan and build a site for the function [entry, entry+size) of the running
 * process. name is used in messages; morestack is runtime.morestack's ABI0
 * entry (0: recognize only stubs calling runtime.morestack_noctxt). The same
 * entry gives back the same site. On refusal: < 0, *reason set. */
int goload_patch_site_open(goload_patcher *p, uint64_t entry, uint64_t size, const char *name,
			   uint64_t morestack, goload_patch_site **out, int *reason, goload_err *err);
/* Plans a site for [entry, entry+size) as goload_patch_site_open would,
 * and builds nothing: out gets what the site's info would say of the
 * function (cover, has_stub, resume, ctxt; no stub, trampoline or slot).
 * goload.CheckPatch runs it on a function of its own, so that a toolchain
 * whose prologues the planner does not read is refused there, and the
 * planner's first run is not the first NewPatch's. */
int goload_patch_plan_check(goload_patcher *p, uint64_t entry, uint64_t size, const char *name, uint64_t morestack,
			    goload_patch_site_info *out, int *reason, goload_err *err);
const goload_patch_site_info *goload_patch_site_get_info(const goload_patch_site *s);
/* The resume of goload_patch_site_info for any function [entry,
 * entry+size) of the running process, patched or not (a replacement): 0
 * when its prologue has no stack-growth path. */
int goload_patch_func_resume(goload_patcher *p, uint64_t entry, uint64_t size, uint64_t morestack, uint64_t *resume,
			     goload_err *err);
/* The function of the running executable whose entry is pc: its linker
 * name (from .symtab when present, which spells type arguments in full,
 * "main.Sum[go.shape.int]"; else from pclntab, "main.Sum[...]") and its
 * size. GOLOAD_E_NOTFOUND when no function starts there. */
int goload_patch_func_at(goload_patcher *p, uint64_t pc, const char **name, uint64_t *size, goload_err *err);
/* Run-time entry of a function of the running executable by linker name;
 * works on stripped executables (go test binaries) through pclntab. */
int goload_patch_func_addr(goload_patcher *p, const char *name, uint64_t *pc, goload_err *err);

/* Functions of the running executable that hold inlined copies of name
 * (from their pclntab inline trees), as "caller (file:line of the call), ..."
 * in *callers (malloc'd, free() it; NULL when *n is 0). */
int goload_patch_inlined_callers(goload_patcher *p, const char *name, char **callers, size_t *n, goload_err *err);

/* Where the scheduler keeps what the stopped-world check reads, for the
 * patcher's Go version: byte offsets inside runtime.g, and the shape of
 * runtime.worldStop (int64 words after its reason byte; 0 when
 * stopTheWorld returns nothing). The check itself runs in Go with the
 * world stopped, where a cgo call would enter the scheduler. */
typedef struct goload_patch_g_layout {
	uint16_t stack_lo, stack_hi, sched_sp, sched_pc, syscallsp, syscallpc, atomicstatus, goid;
	uint16_t grunning, gscan; /* atomicstatus values: _Grunning, the _Gscan bit */
	uint8_t worldstop_words;
} goload_patch_g_layout;

void goload_patcher_g_layout(const goload_patcher *p, goload_patch_g_layout *out);

/* The two frames between g.sched and the PC where a goroutine was stopped
 * by an asynchronous preemption: runtime.asyncPreempt2, whose mcall saved
 * g.sched, and under it runtime.asyncPreempt, the call the signal handler
 * injected, whose return address (amd64) or saved LR (arm64) is that PC.
 * Each with [entry, end) and its frame where it calls (its largest pcsp
 * value). The stopped-world check follows them from g.sched.sp as the
 * runtime's unwinder does, to read that one word instead of taking any
 * word of the stack for it. */
typedef struct goload_patch_async_frames {
	uint64_t async2, async2_end;
	uint64_t async, async_end;
	int32_t async2_frame, async_frame;
} goload_patch_async_frames;

int goload_patcher_async_frames(goload_patcher *p, goload_patch_async_frames *out, goload_err *err);

/* GOLOAD-SECTION-PATCH-END */

/* ===================================================================== */
/* unload — what a module still holds, and its retirement (src/unload)   */
/* ===================================================================== */
/* GOLOAD-SECTION-UNLOAD-BEGIN */

/* Where a module lives: [start, end) is its whole mapping. */
typedef struct goload_module_layout {
	uint64_t start, end, text, etext, types, etypes, data, edata, bss, ebss;
} goload_module_layout;

void goload_module_get_layout(const goload_module *m, goload_module_layout *out);
const char *goload_module_name(const goload_module *m);
/* The module's symbol containing addr ("type:example.com/p.T") and addr's
 * offset in it; NULL when none. */
const char *goload_module_symbol_at(const goload_module *m, uint64_t addr, uint64_t *off);
/* Start addresses of the module's own type descriptors (not those shared
 * with the host), ascending, into out[0..cap); returns how many there are. */
size_t goload_module_type_addrs(const goload_module *m, uint64_t *out, size_t cap);
/* The host symbol containing addr (its symbol table when present, its
 * functions from pclntab, the data symbols recovery found in a stripped
 * host) and addr's offset in it; NULL when none. */
const char *goload_host_symbol_at(const goload_host *h, uint64_t addr, uint64_t *off);
/* For a module the runtime no longer knows (unlinked, a full GC since):
 * frees it and replaces its mapping by an inaccessible reservation, so its
 * addresses are never mapped again (caches compare them) and the memory
 * is returned. */
void goload_module_retire(goload_module *m);

/* The runtime layout facts Close needs, for the host's Go version. */
typedef struct goload_unload_info {
	uint32_t malloc_header_min, malloc_header_max; /* see goload_heapscan_opts */
	uint16_t md_next, md_typemap, md_types;        /* moduledata field offsets */
	uint16_t itab_inter, itab_type, type_hash;     /* itab and abi.Type field offsets */
	uint16_t itab_fun, iface_methods;              /* itab.fun; InterfaceType.Methods (a slice) */
	/* the heap's specials (see struct gl_rtheap); cleanup_kind 0: none */
	uint32_t mheap_allspans;
	uint16_t span_startaddr, span_npages, page_size, span_specials, special_offset, special_kind, special_size;
	uint8_t cleanup_kind, cleanup_words;
	uint16_t cleanupq_queued, cleanupq_executed, p_cleanups_queued; /* runtime.gcCleanups; 0: none */
	uint16_t span_elemsize, span_freeindex, span_allocbits; /* mspan.isFree */
	bool typemap_by_offset;                        /* typemap is map[typeOff]*_type */
	uint16_t md_typelinks;                         /* typelinks []int32, when typemap_by_offset */
	/* Close's stopped-world walk (unload_fastscan.go); span_state 0: none */
	uint16_t md_data, md_edata, md_bss, md_ebss;   /* moduledata field offsets */
	uint16_t span_state, span_spanclass, span_largetype; /* largetype 0: none */
	uint8_t span_inuse, finalizer_kind;
	uint16_t specialfinalizer_size, finblock_cnt, finblock_fin, finalizer_size;
	uint16_t g_gopc, g_startpc;
} goload_unload_info;

void goload_module_unload_info(const goload_module *m, goload_unload_info *out);

/* A scan of a Go heap dump (runtime/debug.WriteHeapDump) for every word
 * that still points into some ranges, liveness recomputed from the dump's
 * roots plus extra root blocks read in place. */
typedef struct goload_heapscan_opts {
	const uint64_t *ranges;      /* [lo, hi) pairs */
	size_t nranges;
	const uint64_t *types;       /* the ranges' type descriptors: start addresses, ascending */
	size_t ntypes;
	const uint64_t *itabs;       /* (itab, method) pairs, ascending: itabs elsewhere calling into the ranges */
	size_t nitabs;
	const uint64_t *extra_addr;  /* extra root blocks (another module's data) */
	const uint64_t *extra_len;
	size_t nextra;
	const uint64_t *skip;        /* objects never followed */
	size_t nskip;
	const uint64_t *ignore;      /* [lo, hi) pairs of root words not read */
	size_t nignore;
	uint64_t header_min, header_max; /* Go 1.22+ malloc header sizes, 0: none */
	size_t max_hits;
	uint64_t large_min;          /* list reached pointerful objects above this size, 0: none */
	uint64_t own_goid;           /* frames of this goroutine whose function name */
	const char *own_prefix;      /* starts with own_prefix are no roots (0/NULL: none) */
	const goload_host *host;     /* NULL: none; else a word of its data that still holds what
				      * its linker wrote is no interface's type word (heapdump.h) */
} goload_heapscan_opts;

enum goload_holder_kind {
	GOLOAD_HOLDER_DATA,      /* a host global (data or bss) */
	GOLOAD_HOLDER_EXTRA,     /* an extra root block */
	GOLOAD_HOLDER_FRAME,     /* a goroutine's frame: runs in the range, or holds a pointer */
	GOLOAD_HOLDER_GOROUTINE, /* a goroutine's context, defer or panic */
	GOLOAD_HOLDER_FINALIZER, /* a finalizer (root_at: the object it is set on) */
	GOLOAD_HOLDER_HEAP,      /* a live heap object, reached from the root */
};

typedef struct goload_holder {
	int kind;                /* enum goload_holder_kind */
	uint64_t target, at;     /* the value in the range, where it is stored */
	uint64_t obj, size;      /* HEAP: the holding object */
	int root_kind;           /* the root (HEAP: the one the object was reached from) */
	uint64_t root_at, goid;
	const char *func;        /* frames: the function, in the dump (not NUL-terminated) */
	size_t funclen;
	uint32_t extra;          /* EXTRA: index of the block */
	bool conservative;       /* frames: stopped asynchronously (runtime.asyncPreempt),
				  * every word of the frame read, as the GC reads it */
	bool iface;              /* roots: the word before a pointer word, read as an
				  * interface's type word (pointer maps leave those out) */
} goload_holder;

typedef struct goload_heapscan goload_heapscan;

int goload_heapscan_run(const void *dump, size_t n, const goload_heapscan_opts *o, goload_heapscan **out,
			goload_err *err);
size_t goload_heapscan_total(const goload_heapscan *s);  /* holders found */
size_t goload_heapscan_nhits(const goload_heapscan *s);  /* holders kept (max_hits) */
size_t goload_heapscan_nobjects(const goload_heapscan *s);
void goload_heapscan_hit(const goload_heapscan *s, size_t i, goload_holder *out);
/* Reached large objects (large_min): holders with target 0, whose type
 * (mspan.largeType, not in the dump) the caller checks. */
size_t goload_heapscan_nlarge(const goload_heapscan *s);
void goload_heapscan_large(const goload_heapscan *s, size_t i, goload_holder *out);
void goload_heapscan_free(goload_heapscan *s);

/* GOLOAD-SECTION-UNLOAD-END */

/* GOLOAD-SECTION-DEBUG: loaded code as perf and gdb see it (src/debug). */

enum { GOLOAD_DEBUG_PERFMAP = 1, /* lines in /tmp/perf-PID.map */
       GOLOAD_DEBUG_GDB = 2, /* an in-memory ELF object registered with GDB's JIT interface */
       GOLOAD_DEBUG_DEFER = 4 /* the perf map lines queued for a writer thread (goload_debug_flush) */ };

/* Names every function (and jump to a host function) of a published
 * module for perf and gdb, as flags ask. */
int goload_debug_register_module(const goload_module *m, unsigned flags, goload_err *err);
/* Names one range of code (a patch's stub and trampoline), under key. */
int goload_debug_register_code(const void *key, uint64_t addr, uint64_t size, const char *name, unsigned flags,
			       goload_err *err);
/* Unregisters what was registered under key (a module) from gdb; perf's
 * map lines cannot be removed. */
void goload_debug_unregister(const void *key);
bool goload_debug_registered(const void *key);
/* Both, less what the environment turns off: GOLOAD_PERFMAP=0 (the perf
 * map), GOLOAD_GDBJIT=0 (gdb's JIT interface). */
unsigned goload_debug_env_flags(void);
/* Creates /tmp/perf-PID.map now when flags ask for the perf map and it is
 * not open yet; true when it is open. The file's creation costs 30-50 µs
 * (ext4): the Go binding's first Open or NewPatch calls it on a goroutine
 * of its own while it reads the host index, instead of in its register
 * phase (a registration that comes first opens the file itself). */
bool goload_debug_prepare(unsigned flags);
/* Waits until the perf map lines queued with GOLOAD_DEBUG_DEFER are
 * written (or failed: a map that cannot be written fails no patch). */
void goload_debug_flush(void);

/* GOLOAD-SECTION-DEBUG-END */

#ifdef __cplusplus
}
#endif
#endif /* GOLOAD_H */
