/*
 * gl_fmap: a frozen string map, one layout in memory and on disk.
 *
 * The host's indexes (its symbols, its types, its itabs) are built once,
 * then only read. Frozen, each is a few flat arrays with no pointers: the
 * same bytes serve a map built in this process and one read back from the
 * host index cache (link/hostcache.c), which is mapped, not parsed, so a
 * process that finds its executable's index there does no per-symbol work
 * at all.
 *
 * A record is a name and a 64-bit value. Its name lives either in the
 * map's own pool or in a caller-given base (the executable's bytes: the
 * symbol index names its records by their offsets in the file, so that its
 * names are not copied). Records keep the order they were added in;
 * lookups go by name and, when asked for, by value (first record wins).
 *
 * A map read from bytes (gl_fmap_open) is checked where it is used: every
 * slot, record and name is bounds-checked at each access, so a damaged
 * file gives misses, never a read out of bounds, and costs nothing up
 * front.
 */
#ifndef GL_FMAP_H
#define GL_FMAP_H

#include "util/util.h"

typedef struct gl_fmap_rec {
	uint32_t hash; /* gl_hash of the name */
	uint32_t len;  /* the name's length */
	uint32_t name; /* its offset in the pool, or in the base (GL_FMAP_IN_BASE) */
	uint32_t flags;
	uint64_t val;
} gl_fmap_rec;

enum { GL_FMAP_IN_BASE = 1u << 31 }; /* rec.flags: the name is in the base; the low bits are the caller's */

typedef struct gl_fmap {
	const gl_fmap_rec *recs;
	const uint32_t *slots;  /* by name: record index + 1, 0 empty */
	const uint32_t *vslots; /* by value (optional): the same */
	const char *pool;
	gl_span base;
	uint32_t nrecs, cap, vcap;
	uint64_t npool;
	void *own; /* storage of a built map */
} gl_fmap;

/* Building: records are added, then frozen. A name within base is kept by
 * its offset; any other is copied into the pool. */
typedef struct gl_fmap_builder {
	GL_VEC(gl_fmap_rec) recs;
	gl_buf pool;
	gl_span base;
} gl_fmap_builder;

bool gl_fmap_builder_add(gl_fmap_builder *b, const char *name, size_t len, uint64_t val, uint32_t flags);
/* The same with hash = gl_hash(name, len) known to the caller. */
bool gl_fmap_builder_add_hashed(gl_fmap_builder *b, const char *name, size_t len, uint32_t hash, uint64_t val,
				uint32_t flags);
/* Freezes the records into m (with a by-value table when by_value); the
 * builder is emptied either way. False on out of memory. */
bool gl_fmap_freeze(gl_fmap_builder *b, bool by_value, gl_fmap *m);
void gl_fmap_builder_free(gl_fmap_builder *b);

/* The record named name, NULL when none. */
const gl_fmap_rec *gl_fmap_get(const gl_fmap *m, const char *name, size_t len);
/* The first record whose value is val (a map frozen with by_value). */
const gl_fmap_rec *gl_fmap_get_val(const gl_fmap *m, uint64_t val);
/* Record i in the order added, NULL past the end. */
const gl_fmap_rec *gl_fmap_at(const gl_fmap *m, size_t i);
/* A record's name (not NUL-terminated: rec->len bytes), NULL when it does
 * not lie within the pool or the base. */
const char *gl_fmap_name(const gl_fmap *m, const gl_fmap_rec *r);
void gl_fmap_free(gl_fmap *m);

/* The map as bytes (appended to out, 8-aligned), and back: gl_fmap_open
 * checks the header's sizes against the span and borrows its bytes (the
 * span outlives m). base is the names' base, as when frozen. */
bool gl_fmap_write(const gl_fmap *m, gl_buf *out);
bool gl_fmap_open(gl_span bytes, gl_span base, gl_fmap *m);
/* How many bytes gl_fmap_write writes for m (from an 8-aligned start). */
size_t gl_fmap_bytes(const gl_fmap *m);

#endif /* GL_FMAP_H */
