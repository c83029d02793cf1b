/*
 * recover: data symbol addresses of a stripped Go host (-ldflags=-s -w).
 *
 * A stripped host keeps pclntab (every function's name, entry and size)
 * but loses the names of its variables and other data. The compiled
 * objects of the host's packages (the build cache archives that
 * `go list -export -deps` names) still say, for every function, where its
 * code refers to which data symbol. So: each host function is matched to
 * its definition in an object (same name, fits the host's extent, code
 * bytes equal outside relocation sites), and every R_PCREL / R_ADDR site
 * of the matched code is decoded from the host's linked bytes back to the
 * target's address (inverting cmd/link's resolution, ld/data.go:
 * R_PCREL: field = S + A - (P + siz); R_ADDR: field = S + A). Each site is
 * one vote; a name whose sites disagree is a conflict and is not reported
 * as recovered. Data symbols found this way whose object definition
 * matches the host's bytes then lend their own R_ADDR words, which reaches data only referenced from other data. Last,
 * runtime.lastmoduledatap (a linker-made word often unreferenced by live
 * code) is the unique writable word holding the moduledata's address.
 *
 * Targets that are functions are checked against pclntab instead (a
 * built-in self-test of the decoding: text_bad must stay 0).
 *
 * linux/amd64 only. Addresses are link-time (add gl_gobin_bias for a
 * host opened with gl_gobin_open_self).
 */
#ifndef GL_RECOVER_H
#define GL_RECOVER_H

#include "elf/elf.h"
#include "gobin/gobin.h"
#include "util/util.h"

typedef struct gl_recover gl_recover;

typedef struct gl_recover_sym {
	const char *name; /* NUL-terminated, owned by the gl_recover */
	uint64_t addr;    /* link-time address */
	uint64_t size;    /* size of the object's definition, 0 when no object defines it (linker symbols) */
	char kind;        /* like go tool nm: D data, B bss, R rodata, '?' defined by the linker */
	uint32_t votes;   /* sites that agree */
	bool conflict;    /* some site disagreed: addr is the first vote, not trusted */
	uint64_t other;   /* first disagreeing address when conflict */
	bool content_differs; /* the object's initial bytes are not at addr (outside pointers) */
} gl_recover_sym;

typedef struct gl_recover_stats {
	size_t packages, objects;   /* archives and Go objects read */
	size_t host_funcs;          /* functions in the host's pclntab */
	size_t matched;             /* host functions matched to an object definition */
	size_t no_def;              /* host functions no object defines (linker-made, other packages) */
	size_t byte_mismatch;       /* a definition of that name whose bytes differ */
	size_t sites;               /* relocation sites decoded */
	size_t text_ok, text_bad;   /* sites targeting functions: agree / disagree with pclntab */
	size_t data_sites;          /* sites targeting data (votes) */
	size_t from_data;           /* votes from recovered data's own pointers */
	size_t unresolved;          /* targets whose name could not be resolved */
	size_t recovered;           /* data symbols without conflict */
	size_t conflicts;
	size_t content_ok, content_bad; /* recovered symbols with initial content: equal / not at the address */
	double seconds;
} gl_recover_stats;

/* An empty set of archives. */
int gl_recover_new(gl_recover **out, goload_err *err);
/* Add one package's archive (all its Go objects are read, assembly too). */
int gl_recover_add(gl_recover *r, const char *pkg, size_t pkglen, const char *file, goload_err *err);
/* Add every "packagefile PKG=FILE" line of an importcfg, e.g. from
 *   go list -export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' MAIN
 * run with the host's toolchain (same version, GOAMD64, experiments). */
int gl_recover_importcfg(gl_recover *r, const char *path, goload_err *err);
/* The same from text in memory; `what` names it in errors. */
int gl_recover_importcfg_text(gl_recover *r, const char *text, size_t len, const char *what, goload_err *err);
/* Match the host against the archives and collect the votes. Once per gl_recover. */
int gl_recover_run(gl_recover *r, const gl_gobin *host, goload_err *err);
void gl_recover_close(gl_recover *r);

/* Results, sorted by name; conflicts included (flagged). */
size_t gl_recover_nsyms(const gl_recover *r);
const gl_recover_sym *gl_recover_sym_at(const gl_recover *r, size_t i);
/* A recovered symbol by exact name (conflicts included), NULL when absent. */
const gl_recover_sym *gl_recover_lookup(const gl_recover *r, const char *name, size_t len);
const gl_recover_stats *gl_recover_get_stats(const gl_recover *r);
/* The %fs offset of runtime.g (what an unstripped host gives as
 * runtime.tlsg's value minus the TLS block size), from the matched code's
 * R_TLS_LE / R_TLS_IE sites, all agreeing. NOTFOUND otherwise. */
int gl_recover_tls_g(const gl_recover *r, int32_t *off, goload_err *err);

/* The packages whose code the host contains, from pclntab names: one
 * import path per line into out (package main and linker-made names such
 * as "type:.eq.*" left out), *n of them. What a loader hands to
 * `go list -export -deps` (in the host's module, with its toolchain) when
 * it has no importcfg of the host's build: everything but main's own
 * variables is then recovered. */
int gl_recover_packages(const gl_gobin *host, gl_buf *out, size_t *n, goload_err *err);

/* A synthetic ELF symbol table for a stripped host: every pclntab function
 * (STT_FUNC, entry, code size; an ABI wrapper sharing a name with its body
 * is listed after it) and every recovered data symbol without conflict
 * (STT_OBJECT). Names point into the host and r: keep both open. The
 * array is malloc'd; free() it. */
int gl_recover_host_syms(const gl_recover *r, const gl_gobin *host, gl_elf_sym **syms, size_t *n,
			 goload_err *err);

#endif
