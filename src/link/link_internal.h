/*
 * What the files of the link stage share (see link.c for the pipeline):
 * private to src/link (and its fuzz harness, tests/fuzz/fuzz_cobj.c).
 */
#ifndef GL_LINK_INTERNAL_H
#define GL_LINK_INTERNAL_H

#include "link/link.h"

#include "versions/rt_tables.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Hidden: these names stay inside the library wherever it is linked. */
#pragma GCC visibility push(hidden)

#define NOSYM UINT32_MAX

typedef GL_VEC(uint32_t) u32vec;

/* Placed and defined by an object (not a host symbol, aux table or
 * trampoline). */
static inline bool from_obj(const gl_lsym *s) { return !s->host && s->sect != SECT_NONE && s->obj != NOSYM; }

extern const char *const sect_names[SECT_N];

/* rt's input for the pclntab, built by functab.c. */
typedef struct funcbuild {
	GL_VEC(gl_rt_func) funcs;
	GL_VEC(gl_rt_cu) cus;
	GL_VEC(gl_span) spans;   /* pcdata of every function, in order */
	GL_VEC(uint64_t) fdata;  /* funcdata of every function */
	GL_VEC(gl_rt_inl) inl;
	GL_VEC(const char *) files;
	GL_VEC(size_t) span_at, fdata_at, inl_at;
} funcbuild;

/* link.c */
void dbg(const goload_module *m, const char *fmt, ...) GL_PRINTF(2, 3);
char *keep(goload_module *m, const char *s, size_t n);
char *name_key(goload_module *m, const char *name, size_t n, uint16_t abi, size_t *klen);
bool find_named(const goload_module *m, const char *name, size_t n, uint16_t abi, uint32_t *out);
int sect_of_kind(int kind);
size_t name_pkglen(const char *name, size_t n);
uint32_t new_sym(goload_module *m, gl_lsym s);
uint64_t host_lookup(const goload_host *h, const char *name, size_t n, int abi);

/* archives.c */
char *own_prefix(const gl_goobj *o);
char *object_pkgpath(goload_module *m, const gl_goobj *o);
bool types_only(const gl_goobj *o, const char *pkg);
bool named_type_of(const gl_goobj_sym *s, const char *pkg, size_t pl);
int open_pkg_object(const char *path, gl_goobj_archive **ar, gl_goobj **o, goload_err *err);
char *path_to_prefix(const char *path);
int check_header(goload_module *m, const gl_goobj *o, const gl_goobj *first, const char *what, goload_err *err);
int module_archive(goload_module *m, const char *path, gl_goobj_archive **ar, goload_err *err);
int open_archives(goload_module *m, const char *const *paths, size_t n, goload_err *err);
const gl_goobj *dep_object(void *ctx, const char *pkg, size_t n, goload_err *err);

/* resolve.c */
int init_syms(goload_module *m, uint32_t oi, goload_err *err);
int define_one(goload_module *m, uint32_t oi, uint32_t i, goload_err *err);
int define(goload_module *m, goload_err *err);
uint64_t provider_addr(const goload_module *m, const char *name, size_t n, const int *abis, uint32_t *size,
		       uint32_t *use);
uint64_t ext_addr(const goload_module *m, const char *name, size_t n, const int *abis, uint32_t *size, uint32_t *use);
bool ext_sym(const goload_module *m, uint32_t id);
int add_ext_uses(goload_module *m, goload_err *err);
uint32_t resolve(goload_module *m, uint32_t oi, gl_goobj_ref r, gl_goobj_symname *missing, goload_err *err);
bool is_marker(int t);
bool optional_type_ref(goload_module *m, const gl_lsym *s, int32_t off);
int resolve_all(goload_module *m, goload_err *err);

/* hostpkgs.c */
int open_hostpkg(goload_module *m, size_t k, goload_err *err);
bool gl_pkgcache_def(const goload_module *m, int abi, const char *name, size_t n, uint64_t *out);
int fix_roots(goload_module *m, goload_err *err);
uint32_t pull(goload_module *m, uint32_t oi, uint32_t i, goload_err *err);
bool is_data_sect(int sect);
int varinit_task(goload_module *m, goload_err *err);
uint32_t hostpkg_find(goload_module *m, const gl_goobj_symname *nm, const int *abis, goload_err *err);

/* hostfill.c */
int host_write(goload_module *m, uint64_t at, const void *p, size_t n, uint64_t code, const char *method, bool into_module,
	       goload_err *err);
void host_writes_begin(goload_module *m);
int host_writes_end(goload_module *m, bool write, goload_err *err);
int want_method(void *ctx, const gl_host_method *hm, goload_err *err);
int note_iface_use(goload_module *m, uint32_t oi, const gl_lsym *s, gl_goobj_reloc r, goload_err *err);
int note_reflect_method(goload_module *m, const gl_lsym *s, goload_err *err);
int patch_host_methods(goload_module *m, goload_err *err);
int host_itab_slots(goload_module *m, struct gl_hostitab h, bool write, goload_err *err);
int type_copy(goload_module *m, uint32_t si, gl_goobj_ref ref, uint32_t t, goload_err *err);
int alias_host_types(goload_module *m, goload_err *err);
int alias_dupok_types(goload_module *m, uint32_t from, goload_err *err);

/* layout.c */
bool sorted_typelinks(goload_module *m, u32vec *tl);
bool layout(goload_module *m);
void place(goload_module *m, uint64_t base, uint64_t pcln_size);
uint64_t module_end(const goload_module *m);
uint64_t mapping_end(const goload_module *m);
static inline uint8_t *mem_at(goload_module *m, uint64_t addr) { return m->mem.base + (addr - m->sect_addr[SECT_TEXT]); }

/* functab.c */
void funcbuild_free(funcbuild *b);
int build_funcs(goload_module *m, funcbuild *b, goload_err *err);
int build_pcln(goload_module *m, funcbuild *b, goload_err *err);

/* relocate.c */
int apply_relocs(goload_module *m, goload_err *err);
/* An arm64 instruction relocation (reloc_arm64.c): 1 applied, 0 not one of
 * them, < 0 refused (out of reach, misaligned). */
int gl_link_reloc_arm64(int type, uint32_t siz, uint64_t P, uint64_t S, int64_t addend, uint8_t *site, const char *sname,
			int32_t off, const char *tname, goload_err *err);
#if defined(__aarch64__)
#define GL_LINK_GOARCH "arm64"
#define GL_LINK_FUNCALIGN 16 /* cmd/link/internal/arm64: funcAlign */
#else
#define GL_LINK_GOARCH "amd64"
#define GL_LINK_FUNCALIGN 32 /* cmd/link/internal/amd64: funcAlign */
#endif

/* cobj.c: native (ELF) objects of cgo packages */
int cobj_add_archive(goload_module *m, const char *path, const gl_goobj_archive *ar, goload_err *err);
uint64_t cobj_area_size(const goload_module *m, int area); /* 0 text, 1 ro, 2 rw */
void cobj_place(goload_module *m, uint64_t text, uint64_t ro, uint64_t rw);
int cobj_apply(goload_module *m, goload_err *err);
int cobj_count_go(goload_module *m, goload_err *err);
uint64_t cobj_go_got(goload_module *m, uint64_t value);
void cobj_run_ctors(goload_module *m);
void cobj_free(goload_module *m);

/* tables.c */
int gc_masks(goload_module *m, goload_err *err);
int collect_tables(goload_module *m, goload_err *err);

#pragma GCC visibility pop

#endif
