/*
 * The running process as the link target: symbol addresses (with the PIE
 * bias applied), the thread-pointer offset of the g slot, the Go version.
 *
 * Every host symbol comes from one place: gobin's image of /proc/self/exe
 * (its index over .symtab/.dynsym and pclntab, so functions resolve even
 * in a stripped host), then, for a stripped host, the data symbols
 * src/recover found by matching the host's code against its packages'
 * objects (goload_host_recover). The image and its index are built at
 * open and never change afterwards, so the patcher may share them.
 */
#ifndef GL_LINK_HOST_H
#define GL_LINK_HOST_H

#include "gobin/gobin.h"
#include "util/fmap.h"
#include "goobj/goobj.h"
#include "util/util.h"

#include <sys/types.h>
#include <time.h>

/* A host package's archive, opened once per process (pkgcache.c). */
typedef struct gl_pkgent {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	gl_goobj_archive *ar;
	GL_VEC(gl_goobj *) objs; /* its Go members, in order */
	int gomain;              /* index in objs of "_go_.o", -1 if none */
	bool indexed;            /* its definitions are in the cache's index */
	char *haspkg;            /* goload_host_has_package's answer for this */
	int has, hasstate;       /* package path, and the host's state then */
	bool hasinit;            /* its init task lists a function */
} gl_pkgent;

/* One named definition in a chain of the cache's index. */
typedef struct gl_pkgdef {
	uint32_t ent, obj, def; /* entry, object in it, definition */
	uint32_t next, last;    /* the chain's next; last: the head's tail */
} gl_pkgdef;

typedef struct gl_pkgcache {
	GL_VEC(gl_pkgent *) ents;
	gl_strmap bypath;  /* path -> newest entry of it */
	gl_strmap defs[2]; /* by ABI: name -> head of its chain */
	GL_VEC(gl_pkgdef) chain;
} gl_pkgcache;

typedef struct gl_host_rsym {
	uint64_t addr, size; /* link-time */
} gl_host_rsym;

typedef struct gl_host_orig {
	uint64_t at, old;
} gl_host_orig;

struct goload_host {
	gl_gobin *img;       /* /proc/self/exe */
	uint64_t bias;       /* run-time address - link-time address */
	bool stripped;       /* no .symtab: data symbols need recovering */
	/* What recovery found (its archives are closed again): names in
	 * recnames, name -> index in recsyms. */
	bool recovered;
	gl_buf recnames;
	GL_VEC(gl_host_rsym) recsyms;
	gl_strmap recmap;
	bool recover_tried;
	goload_err recover_err; /* the first attempt's failure, repeated */
	int32_t tls_g;       /* %fs offset of runtime.g (R_TLS_LE value) */
	bool tls_known;
	char goversion[64];  /* runtime.buildVersion */
	int minor;           /* Go 1.<minor> */
	const struct gl_rttab *rt;
	const struct gl_objtab *obj;
	/* Frozen (util/fmap.h), values link-time addresses (+ bias at run
	 * time): linker name ("type:[]string") -> descriptor, see
	 * hosttypes.c, in the order found, also by descriptor; and, as Go
	 * 1.27+ hosts' itabs have no symbols, "go:itab.T,I" -> itab, found
	 * in the itab region. Built, or read from the host index cache. */
	gl_fmap types;
	gl_fmap itabs;
	/* The host's typelinked descriptors by hash (goload_host_typehash). */
	const goload_typehash *typehash;
	size_t ntypehash;
	goload_typehash *typehash_own;
	bool types_indexed;
	struct gl_hostcache *cache; /* the host index cache's file, mapped, or NULL */
	/* Words of the host's read-only data a module pointed into itself
	 * (dropped methods' method-table entries and itab slots), sorted by
	 * address, with the value the host's linker left there: a later
	 * module sees them dropped still, and records its own copy of each
	 * method for Close to hand the entry over to. */
	GL_VEC(gl_host_orig) origs;
	/* /proc/self/mem, opened by the first host write (gl_host_memfd) and
	 * kept: one open per write cost more than the write. memfd_pid is
	 * the process that opened it (a forked child opens its own). */
	int memfd;
	int memfd_pid;
	gl_pkgcache *pkgcache; /* host packages' archives, once per process */
};

/* The host index cache (hostcache.c): made before the executable is
 * opened; given its image (gl_gobin_open_self_hook), it finds the file and
 * hands the image the names gobin's open looks up; then the symbol index
 * read from the file; the types and itabs read from it at the first
 * gl_host_types_index; all written once built here. With
 * GOLOAD_CHECK_INDEX=1 what is read is compared with a fresh build, and a
 * difference is an error naming the entry. */
void gl_hostcache_new(goload_host *h);
void gl_hostcache_image(gl_image *im, const gl_file *f, void *ctx); /* gl_gobin_image_hook */
int gl_hostcache_syms(goload_host *h, goload_err *err);
int gl_hostcache_types(goload_host *h, goload_err *err); /* 1: read; 0: build them */
void gl_hostcache_save(const goload_host *h);
/* The patcher's inline index of the host (patch/inline.h): read from the
 * file, else built (and written). The caller owns *out. */
struct gl_patch_inl_index;
int gl_hostcache_inline(const goload_host *h, struct gl_patch_inl_index **out, goload_err *err);
void gl_hostcache_close(goload_host *h);

int gl_pkgcache_get(goload_host *h, const char *path, uint32_t *id, goload_err *err);
int gl_pkgcache_index(goload_host *h, uint32_t id, goload_err *err);
/* The Go object of a package's archive (its "_go_.o" member), cached. */
int gl_pkgcache_goobj(goload_host *h, const char *path, const gl_goobj **o, goload_err *err);
void gl_pkgcache_free(gl_pkgcache *c);

/* The host's /proc/self/mem descriptor for writing its read-only data,
 * -1 when it cannot be opened. */
int gl_host_memfd(goload_host *h);

/* The value the host's linker left at `at` (n bytes, little-endian): the
 * registry's when a module filled it, else what is there now. */
uint64_t gl_host_orig_value(const goload_host *h, uint64_t at, size_t n);
/* Whether a module filled `at` (its linker's value is in the registry). */
bool gl_host_orig_known(const goload_host *h, uint64_t at);
/* Records the linker's value of `at` before a module first fills it. */
bool gl_host_orig_add(goload_host *h, uint64_t at, uint64_t old);

/* Like goload_host_sym, but 0 when absent (no error). */
uint64_t gl_host_addr(const goload_host *h, const char *name);
/* Size of a host symbol (the linker's, or its object definition's when
 * recovered), 0 when absent or unknown. */
uint64_t gl_host_size(const goload_host *h, const char *name);
/* runtime.g's offset from the thread pointer. */
int gl_host_tls_g(const goload_host *h, int32_t *off, goload_err *err);
/* The run-time extent of the host's loaded segments. */
void gl_host_range(const goload_host *h, uint64_t *lo, uint64_t *hi);
/* What an unresolved-symbol error says after "the host" when the host is
 * stripped (its data symbols are only what recovery found); "" otherwise. */
const char *gl_host_missing_note(const goload_host *h);

/* Builds the host's type index once (walks the live runtime tables). */
int gl_host_types_index(goload_host *h, goload_err *err);
/* Run-time address of the host's descriptor for a linker type name, 0 if none. */
uint64_t gl_host_type(const goload_host *h, const char *name, size_t n);
/* Run-time address of the host's itab "go:itab.T,I" that the type index
 * found (Go 1.27+, where itabs have no symbols); 0 if none. */
uint64_t gl_host_itab(const goload_host *h, const char *name, size_t n);
/* Type identity by name is only safe for one layout: compares the type
 * descriptor def idx of an object (compiled against some version of the
 * type's package) with the host's descriptor ht: kind, size, pointer bytes,
 * alignment, pointer bitmap, elements, key, fields (names, offsets, types),
 * interface methods and the method set. GOLOAD_E_MISMATCH names the type
 * and the first difference. */
struct gl_goobj;
struct gl_goobj_resolver;
int gl_host_type_check(const goload_host *h, const struct gl_goobj *o, uint32_t idx,
		       const struct gl_goobj_resolver *res, uint64_t ht, goload_err *err);

/* Called with the linker name of a method whose code the host's linker
 * dropped ("p.(*T).M", "p.T.M"), the address of its method-table entry
 * (an int32 text offset, -1 as its linker left it), the type's descriptor,
 * the method's name (host memory) and whether the entry is Ifn (what itabs
 * call). The first call for a method whose Mtyp (its func type's typeOff)
 * is -1 too, its type unreachable in the host, also gives that entry's
 * address in mtyp (0 otherwise) and the type's linker name in tname:
 * without it itab init and reflect find no such method. slot is 0 when
 * only the Mtyp is -1 (the host calls the method directly: its code is
 * kept). */
typedef struct gl_host_method {
	const char *sym;
	uint64_t slot, type;
	const char *name;
	size_t namelen;
	bool ifn;
	uint64_t mtyp;
	const char *tname;
} gl_host_method;
typedef int (*gl_host_method_fn)(void *ctx, const gl_host_method *hm, goload_err *err);
int gl_host_dropped_methods(goload_host *h, gl_host_method_fn fn, void *ctx, goload_err *err);

/* Calls fn with the address of every fun slot of the runtime's itab table
 * (host itabs and those getitab built, for host and loaded interfaces)
 * whose type is t and whose method `name` is runtime.unreachableMethod,
 * or was before a module filled it: itabs made before a dropped method
 * was supplied. */
int gl_host_itab_slots(goload_host *h, uint64_t t, const char *name, size_t n,
		       int (*fn)(void *ctx, uint64_t slot, goload_err *err), void *ctx, goload_err *err);

#endif
