#define _GNU_SOURCE
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---------------------------------------------------------------- errors */

static const char *const code_names[] = {
	[GOLOAD_OK] = "ok",
	[GOLOAD_E_INVAL] = "invalid argument",
	[GOLOAD_E_IO] = "i/o",
	[GOLOAD_E_NOMEM] = "out of memory",
	[GOLOAD_E_FORMAT] = "malformed input",
	[GOLOAD_E_UNSUPPORTED] = "unsupported",
	[GOLOAD_E_NOTFOUND] = "not found",
	[GOLOAD_E_VERSION] = "version mismatch",
	[GOLOAD_E_UNRESOLVED] = "unresolved symbols",
	[GOLOAD_E_UNSAFE] = "unsafe now",
	[GOLOAD_E_MISMATCH] = "mismatch",
	[GOLOAD_E_INTERNAL] = "internal error",
};

const char *goload_code_name(int code)
{
	if (code < 0)
		code = -code;
	if ((size_t)code < GL_ARRAY_LEN(code_names) && code_names[code])
		return code_names[code];
	return "unknown error";
}

const char *goload_version(void) { return "0.1.0"; }

int gl_verr(goload_err *err, int code, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (err) {
		err->code = code;
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	}
	return -code;
}

int gl_err(goload_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = gl_verr(err, code, fmt, ap);
	va_end(ap);
	return r;
}

int gl_err_prefix(goload_err *err, const char *fmt, ...)
{
	if (!err)
		return -GOLOAD_E_INTERNAL;
	char pre[GOLOAD_ERR_MSG_MAX], old[GOLOAD_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof old);
	/* Concatenate by hand: truncation is intended, so no snprintf warning. */
	size_t cap = sizeof err->msg - 1, n = 0;
	for (const char *parts[3] = {pre, ": ", old}, **q = parts; q < parts + 3; q++)
		for (const char *c = *q; *c && n < cap; c++)
			err->msg[n++] = *c;
	err->msg[n] = 0;
	if (err->code == 0)
		err->code = GOLOAD_E_INTERNAL;
	return -err->code;
}

void gl_err_clear(goload_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = 0;
	}
}

/* ----------------------------------------------------------------- spans */

gl_span gl_span_sub(gl_span s, uint64_t off, uint64_t len)
{
	if (!gl_span_has(s, off, len))
		return gl_span_make(NULL, 0);
	return gl_span_make(s.p + off, (size_t)len);
}

bool gl_u8_at(gl_span s, uint64_t off, uint8_t *v)
{
	if (!gl_span_has(s, off, 1)) {
		*v = 0;
		return false;
	}
	*v = s.p[off];
	return true;
}

bool gl_u16_at(gl_span s, uint64_t off, uint16_t *v)
{
	if (!gl_span_has(s, off, 2)) {
		*v = 0;
		return false;
	}
	const uint8_t *p = s.p + off;
	*v = (uint16_t)(p[0] | (p[1] << 8));
	return true;
}

bool gl_u32_at(gl_span s, uint64_t off, uint32_t *v)
{
	if (!gl_span_has(s, off, 4)) {
		*v = 0;
		return false;
	}
	const uint8_t *p = s.p + off;
	*v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
	return true;
}

bool gl_u64_at(gl_span s, uint64_t off, uint64_t *v)
{
	uint32_t lo, hi;
	if (!gl_u32_at(s, off, &lo) || !gl_u32_at(s, off + 4, &hi)) {
		*v = 0;
		return false;
	}
	*v = (uint64_t)lo | ((uint64_t)hi << 32);
	return true;
}

const char *gl_cstr_at(gl_span s, uint64_t off, size_t *len)
{
	if (off >= s.n)
		return NULL;
	const uint8_t *start = s.p + off;
	const uint8_t *nul = memchr(start, 0, s.n - off);
	if (!nul)
		return NULL;
	if (len)
		*len = (size_t)(nul - start);
	return (const char *)start;
}

/* ---------------------------------------------------------------- reader */

static bool rd_need(gl_rd *r, size_t n)
{
	if (r->failed)
		return false;
	if (!gl_span_has(r->s, r->pos, n)) {
		r->failed = true;
		r->fail_at = r->pos;
		return false;
	}
	return true;
}

uint8_t gl_rd_u8(gl_rd *r)
{
	if (!rd_need(r, 1))
		return 0;
	return r->s.p[r->pos++];
}

uint16_t gl_rd_u16(gl_rd *r)
{
	uint16_t v = 0;
	if (rd_need(r, 2)) {
		gl_u16_at(r->s, r->pos, &v);
		r->pos += 2;
	}
	return v;
}

uint32_t gl_rd_u32(gl_rd *r)
{
	uint32_t v = 0;
	if (rd_need(r, 4)) {
		gl_u32_at(r->s, r->pos, &v);
		r->pos += 4;
	}
	return v;
}

uint64_t gl_rd_u64(gl_rd *r)
{
	uint64_t v = 0;
	if (rd_need(r, 8)) {
		gl_u64_at(r->s, r->pos, &v);
		r->pos += 8;
	}
	return v;
}

size_t gl_uvarint(const uint8_t *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	for (size_t i = 0; i < n && i < 10; i++) {
		uint8_t b = p[i];
		if (b < 0x80) {
			if (i == 9 && b > 1)
				return 0; /* overflow */
			*v = x | ((uint64_t)b << shift);
			return i + 1;
		}
		x |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	}
	*v = 0;
	return 0;
}

uint64_t gl_rd_uvarint(gl_rd *r)
{
	if (r->failed)
		return 0;
	uint64_t v;
	size_t used = gl_uvarint(r->s.p + r->pos, r->s.n - r->pos, &v);
	if (!used) {
		r->failed = true;
		r->fail_at = r->pos;
		return 0;
	}
	r->pos += used;
	return v;
}

int64_t gl_rd_varint(gl_rd *r)
{
	uint64_t ux = gl_rd_uvarint(r);
	int64_t x = (int64_t)(ux >> 1);
	if (ux & 1)
		x = ~x;
	return x;
}

const uint8_t *gl_rd_bytes(gl_rd *r, size_t n)
{
	if (!rd_need(r, n))
		return NULL;
	const uint8_t *p = r->s.p + r->pos;
	r->pos += n;
	return p;
}

void gl_rd_skip(gl_rd *r, size_t n)
{
	if (rd_need(r, n))
		r->pos += n;
}

/* --------------------------------------------------------------- buffers */

bool gl_vec_grow_(void **v, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap : 8;
	while (nc < need) {
		if (nc > SIZE_MAX / 2 / elem)
			return false;
		nc *= 2;
	}
	void *p = realloc(*v, nc * elem);
	if (!p)
		return false;
	*v = p;
	*cap = nc;
	return true;
}

bool gl_buf_reserve(gl_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra <= b->cap - b->len)
		return true; /* room already: no call to grow */
	if (extra > SIZE_MAX - b->len || !gl_vec_grow_((void **)&b->p, &b->cap, b->len + extra, 1)) {
		b->oom = true;
		return false;
	}
	return true;
}

bool gl_buf_append(gl_buf *b, const void *p, size_t n)
{
	if (!gl_buf_reserve(b, n))
		return false;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return true;
}

bool gl_buf_zeros(gl_buf *b, size_t n)
{
	if (!gl_buf_reserve(b, n))
		return false;
	if (n)
		memset(b->p + b->len, 0, n);
	b->len += n;
	return true;
}

bool gl_buf_align(gl_buf *b, size_t align)
{
	if (align <= 1)
		return !b->oom;
	size_t pad = (align - b->len % align) % align;
	return gl_buf_zeros(b, pad);
}

bool gl_buf_u8(gl_buf *b, uint8_t v)
{
	if (!b->oom && b->len < b->cap) {
		b->p[b->len++] = v;
		return true;
	}
	return gl_buf_append(b, &v, 1);
}

bool gl_buf_u32(gl_buf *b, uint32_t v)
{
	uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	return gl_buf_append(b, t, 4);
}

bool gl_buf_u64(gl_buf *b, uint64_t v)
{
	return gl_buf_u32(b, (uint32_t)v) && gl_buf_u32(b, (uint32_t)(v >> 32));
}

bool gl_buf_uvarint(gl_buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	while (v >= 0x80) {
		t[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (uint8_t)v;
	return gl_buf_append(b, t, n);
}

bool gl_buf_str(gl_buf *b, const char *s) { return gl_buf_append(b, s, strlen(s)); }

bool gl_buf_printf(gl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !gl_buf_reserve(b, (size_t)n + 1))
		return false;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

void gl_buf_free(gl_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------ string map */

uint32_t gl_hash(const void *p, size_t n)
{
	/* Eight bytes a step (symbol names run to tens of bytes: the host's
	 * index hashes every one of its tens of thousands), each mixed by a
	 * multiply and shift, then a final avalanche so low bits are usable
	 * as an index. */
	const uint8_t *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	for (; n >= 8; s += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static gl_strmap_ent *map_slot(const gl_strmap *m, const char *key, size_t klen, uint32_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		gl_strmap_ent *e = &m->t[i];
		if (!e->key)
			return e;
		if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
			return e;
	}
}

static bool map_grow_to(gl_strmap *m, size_t nc);

static bool map_grow(gl_strmap *m) { return map_grow_to(m, m->cap ? m->cap * 2 : 64); }

static bool map_grow_to(gl_strmap *m, size_t nc)
{
	gl_strmap_ent *nt = calloc(nc, sizeof *nt);
	if (!nt)
		return false;
	gl_prefault(nt, nc * sizeof *nt);
	gl_strmap old = *m;
	m->t = nt;
	m->cap = nc;
	for (size_t i = 0; i < old.cap; i++) {
		if (old.t[i].key)
			*map_slot(m, old.t[i].key, old.t[i].klen, old.t[i].hash) = old.t[i];
	}
	free(old.t);
	return true;
}

bool gl_strmap_reserve(gl_strmap *m, size_t n)
{
	if (n > SIZE_MAX / 8)
		return false;
	size_t nc = m->cap ? m->cap : 64;
	while ((n + 1) * 4 >= nc * 3)
		nc *= 2;
	return nc == m->cap || map_grow_to(m, nc); /* one table, not every size on the way */
}

uint64_t *gl_strmap_slot(gl_strmap *m, const char *key, size_t klen, uint64_t val, bool *existed)
{
	return gl_strmap_slot_hashed(m, key, klen, gl_hash(key, klen), val, existed);
}

void gl_strmap_prefetch(const gl_strmap *m, uint32_t h)
{
	if (m->cap)
		__builtin_prefetch(&m->t[h & (m->cap - 1)], 1);
}

uint64_t *gl_strmap_slot_hashed(gl_strmap *m, const char *key, size_t klen, uint32_t h, uint64_t val, bool *existed)
{
	if (klen > UINT32_MAX)
		return NULL;
	if ((m->len + 1) * 4 >= m->cap * 3 && !map_grow(m))
		return NULL;
	gl_strmap_ent *e = map_slot(m, key, klen, h);
	if (e->key) {
		if (existed)
			*existed = true;
		return &e->val;
	}
	e->key = key ? key : "";
	e->klen = (uint32_t)klen;
	e->hash = h;
	e->val = val;
	m->len++;
	if (existed)
		*existed = false;
	return &e->val;
}

bool gl_strmap_add(gl_strmap *m, const char *key, size_t klen, uint64_t val, bool *existed)
{
	return gl_strmap_slot(m, key, klen, val, existed) != NULL;
}

bool gl_strmap_put(gl_strmap *m, const char *key, size_t klen, uint64_t val)
{
	bool existed;
	if (!gl_strmap_add(m, key, klen, val, &existed))
		return false;
	if (existed)
		map_slot(m, key, klen, gl_hash(key, klen))->val = val;
	return true;
}

bool gl_strmap_get(const gl_strmap *m, const char *key, size_t klen, uint64_t *val)
{
	if (!m->cap)
		return false;
	gl_strmap_ent *e = map_slot(m, key, klen, gl_hash(key, klen));
	if (!e->key)
		return false;
	if (val)
		*val = e->val;
	return true;
}

void gl_strmap_free(gl_strmap *m)
{
	free(m->t);
	memset(m, 0, sizeof *m);
}

void gl_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	const size_t pg = 4096;
	if (!p || n < 64 * pg)
		return;
	uintptr_t lo = ((uintptr_t)p + pg - 1) & ~(uintptr_t)(pg - 1);
	uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(pg - 1);
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

/* ------------------------------------------------------------ files */

int gl_file_open(const char *path, gl_file **out, goload_err *err) { return gl_file_open_flags(path, 0, out, err); }

void gl_file_access(const gl_file *f, bool random)
{
	if (f && f->maplen)
		(void)madvise((void *)f->data.p, f->maplen, random ? MADV_RANDOM : MADV_NORMAL);
}

int gl_file_open_flags(const char *path, unsigned flags, gl_file **out, goload_err *err)
{
	*out = NULL;
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
	 * writer, forever; it is refused below like every non-regular file
	 * (mmap needs one). It changes nothing for a regular file. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return gl_err(err, GOLOAD_E_IO, "%s: open: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return gl_err(err, GOLOAD_E_IO, "%s: stat: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		const char *kind = S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode) ? "a directory" : S_ISCHR(st.st_mode) ? "a character device" : S_ISBLK(st.st_mode) ? "a block device" : S_ISSOCK(st.st_mode) ? "a socket" : "not a regular file";
		return gl_err(err, GOLOAD_E_IO, "%s: not a regular file (%s)", path, kind);
	}
	gl_file *f = calloc(1, sizeof *f);
	if (f)
		f->path = strdup(path);
	if (!f || !f->path) {
		close(fd);
		free(f);
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", path);
	}
	f->dev = (uint64_t)st.st_dev;
	f->ino = (uint64_t)st.st_ino;
	f->size = (uint64_t)st.st_size;
	f->mtime_sec = (uint64_t)st.st_mtim.tv_sec;
	f->mtime_nsec = (uint64_t)st.st_mtim.tv_nsec;
	if (st.st_size > 0) {
		int prot = PROT_READ | (flags & GL_FILE_PRIVATE_RW ? PROT_WRITE : 0);
		void *p = mmap(NULL, (size_t)st.st_size, prot, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			int e = errno;
			close(fd);
			free(f->path);
			free(f);
			return gl_err(err, GOLOAD_E_IO, "%s: mmap: %s", path, strerror(e));
		}
		f->data = gl_span_make(p, (size_t)st.st_size);
		f->maplen = (size_t)st.st_size;
		f->writable = flags & GL_FILE_PRIVATE_RW;
		if (flags & GL_FILE_RANDOM)
			gl_file_access(f, true);
	} else {
		f->data = gl_span_make("", 0);
	}
	close(fd);
	*out = f;
	return 0;
}

void gl_file_close(gl_file *f)
{
	if (!f)
		return;
	if (f->maplen)
		munmap((void *)f->data.p, f->maplen);
	free(f->path);
	free(f);
}

int gl_read_all(const char *path, gl_buf *out, goload_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gl_err(err, GOLOAD_E_IO, "%s: open: %s", path, strerror(errno));
	for (;;) {
		if (!gl_buf_reserve(out, 65536)) {
			close(fd);
			return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", path);
		}
		ssize_t n = read(fd, out->p + out->len, out->cap - out->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return gl_err(err, GOLOAD_E_IO, "%s: read: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
	}
	close(fd);
	return 0;
}

bool gl_mkdirs(const char *path, unsigned mode)
{
	char *p = strdup(path);
	if (!p)
		return false;
	bool ok = true;
	for (char *q = p + 1; ok && *q; q++) {
		if (*q != '/')
			continue;
		*q = 0;
		ok = mkdir(p, (mode_t)mode) == 0 || errno == EEXIST;
		*q = '/';
	}
	ok = ok && (mkdir(p, (mode_t)mode) == 0 || errno == EEXIST);
	free(p);
	return ok;
}
