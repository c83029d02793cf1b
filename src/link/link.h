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
} gl_lsym;

typedef struct gl_lobj {
	gl_goobj *o;
	char *pkgpath;
	uint32_t *sym; /* local index -> link symbol, UINT32_MAX until resolved */
	const char *archive;
	bool lazy;     /* a host package's object: only what the host's linker
			* dropped is defined from it, on first reference */
} gl_lobj;

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

/* A word of the host's read-only data the link pointed into the module
 * (an itab slot, 8 bytes, or a method-table text offset, 4), and `code`,
 * the address it designates. The owner wrote it; a module that found the
 * word filled by another only records its own value (a claim), which
 * Close of the owner writes instead of `old` (the linker's value). */
struct gl_hostfill {
	uint64_t at, old, new, code;
	uint32_t n;
	bool owner;
};

/* A host package whose archive is consulted for dropped symbols. */
typedef struct gl_hostpkg {
	uint32_t first, n; /* its objects in objs, once opened */
	bool opened;
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
	gl_strmap hostdefs[2]; /* by ABI (0, ABIInternal): name in an opened host
				* package's object -> obj << 32 | local index */
	gl_hostpkg *hostpkgs; /* opts.nhost_archives of them */
	bool frozen;          /* resolution done: no more symbols may be added */
	GL_VEC(struct gl_hostitab) hostitabs; /* loaded itabs that are the host's */
	GL_VEC(struct gl_methodfill) methodfills;
	/* host itab slots and method-table entries written to point into
	 * the module (those pointing at the host's own text are not kept) */
	GL_VEC(struct gl_hostfill) hostfills;
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
	GL_VEC(int32_t) typelinks;
	uint64_t typedesclen; /* Go 1.27+: the typelinked descriptors' end, from rodata's start */
	size_t nrel[64];   /* relocations applied, by enum gl_rtype (capped) */
};

/* Symbol of a link-wide index. */
static inline gl_lsym *gl_link_sym(goload_module *m, uint32_t i) { return &m->syms.v[i]; }

#endif
