/*
 * link — Go archives into the running process.
 *
 *   open     every Go object member of every archive; the header line must
 *            match the host's toolchain (version, GOAMD64, experiments)
 *   define   one link symbol per definition; dupok and content-addressed
 *            definitions are shared across objects
 *   resolve  each reference: a loaded definition, else the host's symbol
 *   layout   text | rodata | pclntab || noptrdata | data | bss | noptrbss,
 *            one mapping near the host (mem), pages of each part together
 *   relocate every amd64 relocation the objects contain
 *   rt       pclntab and moduledata for the host's Go version
 *   protect  text R+X, rodata and pclntab R, data RW
 */
#ifndef GL_LINK_H
#define GL_LINK_H

#include "goobj/goobj.h"
#include "link/host.h"
#include "mem/mem.h"
#include "rt/rt.h"

enum gl_sect { SECT_NONE, SECT_TEXT, SECT_RODATA, SECT_NOPTRDATA, SECT_DATA, SECT_BSS, SECT_NOPTRBSS, SECT_N };

typedef struct gl_lsym {
	const char *name; /* NUL-terminated copy, "" for anonymous */
	uint32_t obj;     /* index of the defining object; UINT32_MAX: not defined here */
	uint32_t idx;     /* local index in that object */
	int kind;         /* enum gl_sk */
	uint32_t flags;   /* enum gl_sflag */
	uint32_t size, align;
	int sect;         /* enum gl_sect; SECT_NONE for host symbols and aux tables */
	uint64_t off;     /* offset inside its section */
	uint64_t addr;    /* final address (host symbols: run-time address) */
	uint64_t alias;   /* a dupok type the host also has: its descriptor, used by
			   * every reference except the module-relative offsets */
	bool host;
	bool resolved;
	bool dropped;     /* funcdata that cannot be expressed in this module */
	uint32_t tramp;   /* host functions: the module's jump to it (module-relative
			   * text offsets cannot reach the host), 0 if none */
	uint32_t target;  /* trampolines: the host function */
	uint32_t prov;    /* host symbols: 1 + index in uses when it is an earlier
			   * module's (a package reused from it), else 0 */
} gl_lsym;

typedef struct gl_lobj {
	gl_goobj *o;
	char *pkgpath;
	uint32_t *sym; /* local index -> link symbol, UINT32_MAX until resolved */
	const char *archive;
	bool shared;   /* the host's pkgcache owns o */
	bool lazy;     /* a host package's object: only what the host's linker
			* dropped is defined from it, on first reference */
	bool pkgknown; /* pkgpath is object_pkgpath's (open_archives computed it) */
	uint32_t *initby; /* lazy objects: definition -> 1 + the init-code
			   * function referencing it, 0 if none (on first use) */
} gl_lobj;

/* A dropped variable of a host package and the outlined initializer
 * (pkg.map.init.N) that sets it in a normal build: run once, before the
 * module's init tasks. */
struct gl_varinit {
	uint32_t var, fn;  /* link symbols */
	size_t pkg;        /* index in opts.host_pkgs (dependency order) */
	uint64_t n;        /* N of map.init.N: the package's init order */
};

/* An itab definition of object obj that is the host's at addr. */
struct gl_hostitab {
	uint32_t obj, idx;
	uint64_t addr;
};

/* A host method-table entry to fill: the method's link symbol, or its
 * address when the host has the code (called directly, unreachable
 * through interfaces). */
struct gl_methodfill {
	uint64_t slot, addr;
	uint32_t sym;
	uint64_t type;    /* an Ifn entry's type: its itabs are filled too; 0 for Tfn */
	const char *name; /* the method's name (host memory) */
	size_t namelen;
};

/* A host method-table Mtyp entry (int32 typeOff, -1 in the host) to
 * fill with the method's func type: sym, the host's or the module's. */
struct gl_typefill {
	uint64_t slot;
	uint32_t sym;
	const char *method; /* "os.(*File).Chmod", for the log and errors */
	uint64_t type;      /* the module's descriptor, when the host has none */
	int32_t key;        /* its typemap key (see goload_type_fill) */
};

/* A word of the host's read-only data the link pointed into the module
 * (an itab slot, 8 bytes, or a method-table text offset, 4), and `code`,
 * the address it designates. The owner wrote it; a module that found the
 * word filled by another only records its own value (a claim), which
 * Close of the owner writes instead of `old` (the linker's value). */
struct gl_hostfill {
	uint64_t at, old, new, code;
	uint32_t n;
	bool owner;
	const char *method; /* the method's symbol (arena), or NULL */
};

/* A package this module loaded: its path and its archive (kept open
 * with the module): its Go objects are the build. */
struct gl_loadedpkg {
	const char *pkg;
	const gl_goobj_archive *ar;
};

/* An earlier module whose copy of a package this one reuses. */
struct gl_use {
	const goload_module *prov;
	const char *pkg; /* the first package reused from it */
	bool ext;        /* a host extension (opts.extensions) */
};

/* A dropped host-package symbol a split link needs from an extension. */
struct gl_extroot {
	const char *name;
	int abi;
};

/* A host package whose archive is consulted for dropped symbols. */
typedef struct gl_hostpkg {
	uint32_t first, n; /* its objects in objs, once opened */
	bool opened;
	uint32_t seq;      /* open order among the module's host packages */
} gl_hostpkg;

struct goload_module {
	goload_host *host;
	goload_link_opts opts;
	char *name;
	GL_VEC(gl_goobj_archive *) archives;
	GL_VEC(gl_lobj) objs;
	GL_VEC(gl_lsym) syms;
	gl_strmap byname;  /* "name\0abi" key (arena) -> link symbol */
	gl_strmap byhash;  /* content hash -> link symbol */
	gl_strmap bypkg;   /* package path -> object */
	gl_strmap bydep;   /* package path -> index in deps + 1 (0: asked, none) */
	GL_VEC(gl_goobj *) deps;              /* objects read for names only */
	GL_VEC(gl_goobj_archive *) deparchives;
	gl_strmap byhostpkg;  /* opts.host_pkgs[i] -> i */
	gl_hostpkg *hostpkgs; /* opts.nhost_archives of them */
	uint32_t *bycache;    /* host pkgcache entry -> 1 + index in hostpkgs, 0: not opened */
	uint32_t nbycache, nopened;
	bool frozen;          /* resolution done: no more symbols may be added */
	bool stub;            /* nothing loaded: every package is the host's or an
			       * earlier module's (lookups go to those modules) */
	GL_VEC(struct gl_loadedpkg) loaded;
	GL_VEC(struct gl_use) uses;
	gl_strmap provided;   /* package path -> index in uses */
	GL_VEC(struct gl_hostitab) hostitabs; /* loaded itabs that are the host's */
	GL_VEC(struct gl_methodfill) methodfills;
	GL_VEC(struct gl_typefill) typefills;
	/* host itab slots and method-table entries written to point into
	 * the module (those pointing at the host's own text are not kept) */
	GL_VEC(struct gl_hostfill) hostfills;
	struct gl_hostbatch *batch; /* host writes queued (hostfill.c), or NULL */
	uint32_t nsyms_aliased;     /* symbols alias_host_types saw (alias_dupok_types) */
	gl_buf arena;      /* chunks of names, freed at close */
	GL_VEC(char *) strs;
	gl_mem mem;
	uint64_t sect_addr[SECT_N], sect_size[SECT_N];
	uint64_t pcln_addr, pcln_size;
	gl_rt_pcln pcln;
	uint8_t *md;
	uint8_t *gcdata, *gcbss;
	GL_VEC(uint64_t) itabs;
	GL_VEC(uint64_t) inittasks;
	GL_VEC(struct gl_varinit) varinits;
	uint32_t varinit_task; /* the init task running them; 0 if none */
	GL_VEC(int32_t) typelinks;
	/* what its code could call through a host method table (ifaceuse.c) */
	gl_strmap ifacenames; /* method names of its interface calls, reflect by name */
	gl_strmap ifacetypes; /* types it converts to interfaces, and what they reach */
	const char *iface_any; /* why any method may be called (reflect), or NULL */
	uint64_t typedesclen; /* Go 1.27+: the typelinked descriptors' end, from rodata's start */
	size_t nrel[64];   /* relocations applied, by enum gl_rtype (capped) */
	uint64_t phase_ns[GOLOAD_PHASE_N]; /* goload_module_phase_ns */
	const goload_module *need; /* extension links: the split link asking */
	bool pulled;              /* split links: a host package's symbol was pulled */
	const char *blocked, *blocked_by; /* split links: pulled code that needs a
					   * loaded (non-host) package's symbol */
	GL_VEC(struct gl_extroot) extroots; /* split links: what was pulled by name */
	struct gl_cobjs *cobjs;   /* cgo packages' native objects (cobj.c), or NULL */
};

/* A cgo package's C destructors (cobj.c), once: before its memory is
 * retired or unmapped. */
void gl_cobj_fini(goload_module *m);

/* Symbol of a link-wide index. */
static inline gl_lsym *gl_link_sym(goload_module *m, uint32_t i) { return &m->syms.v[i]; }

#endif
