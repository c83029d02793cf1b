/*
 * Internal utilities shared by every stage of the pipeline:
 *   - error helpers (goload_err),
 *   - gl_span / gl_rd: the one bounds-checked reader every parser uses,
 *   - gl_buf: a growable byte buffer for the tables the linker emits,
 *   - GL_VEC: typed growable arrays,
 *   - gl_strmap: string -> uint64 hash map,
 *   - gl_file: read-only memory-mapped files.
 *
 * Nothing here allocates behind the caller's back except the containers,
 * and every container records allocation failure instead of aborting.
 */
#ifndef GL_UTIL_H
#define GL_UTIL_H

#include "goload.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GL_UNUSED(x) ((void)(x))
#define GL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define GL_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---------------------------------------------------------------- errors */

/* Sets err (if not NULL) and returns -code, so callers can write
 *   return gl_err(err, GOLOAD_E_FORMAT, "%s: bad magic at 0x%zx", path, off);
 */
int gl_err(goload_err *err, int code, const char *fmt, ...) GL_PRINTF(3, 4);
int gl_verr(goload_err *err, int code, const char *fmt, va_list ap);
/* Prefix an existing message: "ctx: old message". Returns -err->code. */
int gl_err_prefix(goload_err *err, const char *fmt, ...) GL_PRINTF(2, 3);
void gl_err_clear(goload_err *err);

/* --------------------------------------------------------- spans/reader */

typedef struct gl_span {
	const uint8_t *p;
	size_t n;
} gl_span;

static inline gl_span gl_span_make(const void *p, size_t n)
{
	gl_span s = {(const uint8_t *)p, n};
	return s;
}

/* True when [off, off+len) lies inside the span (overflow-safe). */
static inline bool gl_span_has(gl_span s, uint64_t off, uint64_t len)
{
	return off <= s.n && len <= s.n - off;
}

/* Sub-span, or an empty span with p == NULL when out of range. */
gl_span gl_span_sub(gl_span s, uint64_t off, uint64_t len);

/* Random-access little-endian loads; false when out of range (*v is then 0). */
bool gl_u8_at(gl_span s, uint64_t off, uint8_t *v);
bool gl_u16_at(gl_span s, uint64_t off, uint16_t *v);
bool gl_u32_at(gl_span s, uint64_t off, uint32_t *v);
bool gl_u64_at(gl_span s, uint64_t off, uint64_t *v);
/* A NUL-terminated string starting at off that ends inside the span. */
const char *gl_cstr_at(gl_span s, uint64_t off, size_t *len);

/* Sequential reader with a sticky failure flag: after the first out-of-range
 * read every read returns 0/NULL and `failed` stays set; `fail_at` records
 * the offset that failed so the error message can say where. */
typedef struct gl_rd {
	gl_span s;
	size_t pos;
	size_t fail_at;
	bool failed;
} gl_rd;

static inline gl_rd gl_rd_make(gl_span s, size_t pos)
{
	gl_rd r = {s, pos, 0, false};
	if (pos > s.n) {
		r.failed = true;
		r.fail_at = pos;
	}
	return r;
}

uint8_t gl_rd_u8(gl_rd *r);
uint16_t gl_rd_u16(gl_rd *r);
uint32_t gl_rd_u32(gl_rd *r);
uint64_t gl_rd_u64(gl_rd *r);
/* Go's encoding/binary Uvarint/Varint (max 10 bytes). */
uint64_t gl_rd_uvarint(gl_rd *r);
int64_t gl_rd_varint(gl_rd *r);
/* Pointer to the next n bytes (advances), NULL on failure. */
const uint8_t *gl_rd_bytes(gl_rd *r, size_t n);
void gl_rd_skip(gl_rd *r, size_t n);
static inline bool gl_rd_ok(const gl_rd *r) { return !r->failed; }
static inline size_t gl_rd_left(const gl_rd *r) { return r->failed ? 0 : r->s.n - r->pos; }

/* Decode one uvarint from p[0..n) without a reader; returns bytes used, 0 on error. */
size_t gl_uvarint(const uint8_t *p, size_t n, uint64_t *v);

/* ------------------------------------------------------------- buffers */

typedef struct gl_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom; /* sticky: an append failed */
} gl_buf;

bool gl_buf_reserve(gl_buf *b, size_t extra);
bool gl_buf_append(gl_buf *b, const void *p, size_t n);
bool gl_buf_zeros(gl_buf *b, size_t n);
bool gl_buf_align(gl_buf *b, size_t align); /* pad with zeros */
bool gl_buf_u8(gl_buf *b, uint8_t v);
bool gl_buf_u32(gl_buf *b, uint32_t v);
bool gl_buf_u64(gl_buf *b, uint64_t v);
bool gl_buf_uvarint(gl_buf *b, uint64_t v);
bool gl_buf_str(gl_buf *b, const char *s); /* without the NUL */
bool gl_buf_printf(gl_buf *b, const char *fmt, ...) GL_PRINTF(2, 3);
void gl_buf_free(gl_buf *b);

/* Typed growable array: GL_VEC(struct foo) v = {0}; GL_VEC_PUSH(&v, x). */
#define GL_VEC(T)             \
	struct {              \
		T *v;         \
		size_t len, cap; \
	}
bool gl_vec_grow_(void **v, size_t *cap, size_t need, size_t elem);
#define GL_VEC_RESERVE(vec, n) \
	gl_vec_grow_((void **)&(vec)->v, &(vec)->cap, (vec)->len + (n), sizeof(*(vec)->v))
/* Evaluates to true on success. */
#define GL_VEC_PUSH(vec, x) \
	(GL_VEC_RESERVE(vec, 1) ? ((vec)->v[(vec)->len++] = (x), true) : false)
#define GL_VEC_FREE(vec)            \
	do {                        \
		free((vec)->v);     \
		(vec)->v = NULL;    \
		(vec)->len = (vec)->cap = 0; \
	} while (0)

/* --------------------------------------------------------- string map */

/* Open-addressing map from a borrowed key (pointer + length; the caller
 * keeps the bytes alive) to a uint64 value. Duplicate keys: put replaces. */
typedef struct gl_strmap_ent {
	const char *key;
	uint32_t klen;
	uint32_t hash;
	uint64_t val;
} gl_strmap_ent;

typedef struct gl_strmap {
	gl_strmap_ent *t;
	size_t cap, len; /* cap is 0 or a power of two */
} gl_strmap;

uint32_t gl_hash(const void *p, size_t n);
bool gl_strmap_put(gl_strmap *m, const char *key, size_t klen, uint64_t val);
/* Insert only if absent; returns false on OOM. *existed tells which. */
bool gl_strmap_add(gl_strmap *m, const char *key, size_t klen, uint64_t val, bool *existed);
bool gl_strmap_get(const gl_strmap *m, const char *key, size_t klen, uint64_t *val);
/* gl_strmap_add that also gives the entry's value slot (the existing
 * value when *existed, else val), valid until the next insertion; NULL on
 * OOM. One hash and one probe where get-then-put takes two. */
uint64_t *gl_strmap_slot(gl_strmap *m, const char *key, size_t klen, uint64_t val, bool *existed);
/* The same with h = gl_hash(key, klen) computed by the caller, who may
 * have asked for its slot's cache line ahead (gl_strmap_prefetch): a big
 * table's probes are cache misses, overlapped that way. */
uint64_t *gl_strmap_slot_hashed(gl_strmap *m, const char *key, size_t klen, uint32_t h, uint64_t val, bool *existed);
void gl_strmap_prefetch(const gl_strmap *m, uint32_t h);
/* Makes room for n entries in all, so that adding them rehashes nothing. */
bool gl_strmap_reserve(gl_strmap *m, size_t n);
void gl_strmap_free(gl_strmap *m);

/* Maps the pages of a fresh big allocation [p, p+n) at once
 * (MADV_POPULATE_WRITE) instead of one page fault per page as it is first
 * written: the host's symbol arrays and tables are megabytes, and a fault
 * costs about a microsecond. A hint: nothing changes where the kernel
 * refuses (before Linux 5.14) or for small blocks. */
void gl_prefault(void *p, size_t n);

/* --------------------------------------------------------- mapped files */

typedef struct gl_file {
	char *path;
	gl_span data; /* whole file, read-only */
	size_t maplen;
	bool writable; /* GL_FILE_PRIVATE_RW: the mapping may be written */
	/* The file opened (fstat of its descriptor): which file a path named. */
	uint64_t dev, ino, size, mtime_sec, mtime_nsec;
} gl_file;

/* mmap a whole file read-only. Empty files map to an empty span. */
int gl_file_open(const char *path, gl_file **out, goload_err *err);
/* GL_FILE_PRIVATE_RW: the private mapping is also writable (a process's
 * own copy of the pages it writes; never executable), so that the few
 * words written need no mprotect, whose removal of write access costs a
 * TLB shootdown of every CPU the process runs on. GL_FILE_RANDOM: page
 * faults map one page, not the 16 around it (MADV_RANDOM): the scattered
 * reads of an index lookup fault for a third of the time
 * (gl_file_access). */
enum { GL_FILE_PRIVATE_RW = 1, GL_FILE_RANDOM = 2 };
int gl_file_open_flags(const char *path, unsigned flags, gl_file **out, goload_err *err);
/* Scattered (random) or sequential reads ahead: the mapping's fault-around
 * on or off (MADV_RANDOM, MADV_NORMAL). A hint. */
void gl_file_access(const gl_file *f, bool random);
void gl_file_close(gl_file *f);

/* mkdir -p: every missing directory of path, with mode; true when path
 * then exists. */
bool gl_mkdirs(const char *path, unsigned mode);

/* Read a whole file into malloc'd memory (for /proc files that cannot be mmapped). */
int gl_read_all(const char *path, gl_buf *out, goload_err *err);

#endif /* GL_UTIL_H */
