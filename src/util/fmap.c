#include "util/fmap.h"

#include <stdlib.h>

/* Serialized: this header, then recs, slots, vslots and the pool, each
 * 8-aligned. */
typedef struct fmap_hdr {
	char magic[8]; /* "glfmap1\0" */
	uint32_t nrecs, cap, vcap, pad;
	uint64_t npool;
} fmap_hdr;

static const char fmap_magic[8] = "glfmap1";

static size_t align8(size_t n) { return (n + 7) & ~(size_t)7; }

bool gl_fmap_builder_add(gl_fmap_builder *b, const char *name, size_t len, uint64_t val, uint32_t flags)
{
	return gl_fmap_builder_add_hashed(b, name, len, gl_hash(name, len), val, flags);
}

bool gl_fmap_builder_add_hashed(gl_fmap_builder *b, const char *name, size_t len, uint32_t hash, uint64_t val,
				uint32_t flags)
{
	if (len > UINT32_MAX || b->recs.len >= UINT32_MAX / 2)
		return false;
	gl_fmap_rec r = {hash, (uint32_t)len, 0, flags & ~(uint32_t)GL_FMAP_IN_BASE, val};
	const uint8_t *p = (const uint8_t *)name;
	/* In the base, and NUL-terminated there, as the pool's names are. */
	if (b->base.p && p >= b->base.p && (size_t)(p - b->base.p) < b->base.n && (size_t)(p - b->base.p) <= UINT32_MAX &&
	    gl_span_has(b->base, (uint64_t)(p - b->base.p), (uint64_t)len + 1) && !p[len]) {
		r.name = (uint32_t)(p - b->base.p);
		r.flags |= GL_FMAP_IN_BASE;
	} else {
		if (b->pool.len > UINT32_MAX - len - 1)
			return false;
		r.name = (uint32_t)b->pool.len;
		if (!gl_buf_append(&b->pool, name, len) || !gl_buf_u8(&b->pool, 0))
			return false;
	}
	return GL_VEC_PUSH(&b->recs, r);
}

void gl_fmap_builder_free(gl_fmap_builder *b)
{
	GL_VEC_FREE(&b->recs);
	gl_buf_free(&b->pool);
}

static uint32_t table_cap(size_t n)
{
	uint32_t cap = 16;
	while (cap < n + n / 2 + 1) /* at most 2/3 full */
		cap *= 2;
	return cap;
}

static uint32_t val_hash(uint64_t v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdull;
	v ^= v >> 33;
	return (uint32_t)v;
}

const char *gl_fmap_name(const gl_fmap *m, const gl_fmap_rec *r)
{
	/* NUL-terminated where it ends: callers may use it as a C string. */
	if (r->flags & GL_FMAP_IN_BASE)
		return gl_span_has(m->base, r->name, (uint64_t)r->len + 1) && !m->base.p[r->name + r->len]
			       ? (const char *)m->base.p + r->name
			       : NULL;
	return r->name <= m->npool && (uint64_t)r->len + 1 <= m->npool - r->name && !m->pool[r->name + r->len]
		       ? m->pool + r->name
		       : NULL;
}

bool gl_fmap_freeze(gl_fmap_builder *b, bool by_value, gl_fmap *m)
{
	memset(m, 0, sizeof *m);
	size_t n = b->recs.len;
	uint32_t cap = table_cap(n), vcap = by_value ? table_cap(n) : 0;
	size_t sz = align8(n * sizeof(gl_fmap_rec)) + align8((size_t)cap * 4) + align8((size_t)vcap * 4) +
		    align8(b->pool.len + 1);
	uint8_t *own = b->pool.oom ? NULL : calloc(1, sz);
	if (!own) {
		gl_fmap_builder_free(b);
		return false;
	}
	gl_fmap_rec *recs = (gl_fmap_rec *)own;
	uint32_t *slots = (uint32_t *)(own + align8(n * sizeof *recs));
	uint32_t *vslots = slots + align8((size_t)cap * 4) / 4;
	char *pool = (char *)vslots + align8((size_t)vcap * 4);
	if (n)
		memcpy(recs, b->recs.v, n * sizeof *recs);
	if (b->pool.len)
		memcpy(pool, b->pool.p, b->pool.len);
	*m = (gl_fmap){recs, slots, by_value ? vslots : NULL, pool, b->base, (uint32_t)n, cap, vcap,
		       b->pool.len, own};
	gl_fmap_builder_free(b);
	for (uint32_t i = 0; i < n; i++) {
		/* First record of a name wins, as its lookup would find it. */
		const char *name = gl_fmap_name(m, &recs[i]);
		uint32_t j = recs[i].hash & (cap - 1);
		for (; slots[j]; j = (j + 1) & (cap - 1)) {
			const gl_fmap_rec *o = &recs[slots[j] - 1];
			if (o->hash == recs[i].hash && o->len == recs[i].len && !memcmp(gl_fmap_name(m, o), name, o->len))
				break;
		}
		if (!slots[j])
			slots[j] = i + 1;
		if (!vcap)
			continue;
		for (j = val_hash(recs[i].val) & (vcap - 1); vslots[j]; j = (j + 1) & (vcap - 1))
			if (recs[vslots[j] - 1].val == recs[i].val)
				break;
		if (!vslots[j])
			vslots[j] = i + 1;
	}
	return true;
}

void gl_fmap_free(gl_fmap *m)
{
	free(m->own);
	memset(m, 0, sizeof *m);
}

const gl_fmap_rec *gl_fmap_at(const gl_fmap *m, size_t i) { return i < m->nrecs ? &m->recs[i] : NULL; }

const gl_fmap_rec *gl_fmap_get(const gl_fmap *m, const char *name, size_t len)
{
	if (!m->cap)
		return NULL;
	uint32_t h = gl_hash(name, len), mask = m->cap - 1;
	/* Bounded: a damaged table may have no empty slot. */
	for (uint32_t j = h & mask, k = 0; k < m->cap && m->slots[j]; j = (j + 1) & mask, k++) {
		uint32_t s = m->slots[j];
		if (s > m->nrecs)
			return NULL;
		const gl_fmap_rec *r = &m->recs[s - 1];
		if (r->hash != h || r->len != len)
			continue;
		const char *rn = gl_fmap_name(m, r);
		if (rn && !memcmp(rn, name, len))
			return r;
	}
	return NULL;
}

const gl_fmap_rec *gl_fmap_get_val(const gl_fmap *m, uint64_t val)
{
	if (!m->vcap || !m->vslots)
		return NULL;
	uint32_t mask = m->vcap - 1;
	for (uint32_t j = val_hash(val) & mask, k = 0; k < m->vcap && m->vslots[j]; j = (j + 1) & mask, k++) {
		uint32_t s = m->vslots[j];
		if (s > m->nrecs)
			return NULL;
		if (m->recs[s - 1].val == val)
			return &m->recs[s - 1];
	}
	return NULL;
}

bool gl_fmap_write(const gl_fmap *m, gl_buf *out)
{
	fmap_hdr h = {{0}, m->nrecs, m->cap, m->vslots ? m->vcap : 0, 0, m->npool};
	memcpy(h.magic, fmap_magic, sizeof h.magic);
	gl_buf_align(out, 8);
	gl_buf_append(out, &h, sizeof h);
	gl_buf_append(out, m->recs, (size_t)m->nrecs * sizeof *m->recs);
	gl_buf_align(out, 8);
	gl_buf_append(out, m->slots, (size_t)m->cap * 4);
	gl_buf_align(out, 8);
	if (h.vcap)
		gl_buf_append(out, m->vslots, (size_t)h.vcap * 4);
	gl_buf_align(out, 8);
	gl_buf_append(out, m->pool, (size_t)m->npool);
	gl_buf_u8(out, 0);
	gl_buf_align(out, 8);
	return !out->oom;
}

size_t gl_fmap_bytes(const gl_fmap *m)
{
	return sizeof(fmap_hdr) + align8((size_t)m->nrecs * sizeof(gl_fmap_rec)) + align8((size_t)m->cap * 4) +
	       align8(m->vslots ? (size_t)m->vcap * 4 : 0) + align8((size_t)m->npool + 1);
}

static bool pow2_or_0(uint32_t v) { return (v & (v - 1)) == 0; }

bool gl_fmap_open(gl_span bytes, gl_span base, gl_fmap *m)
{
	memset(m, 0, sizeof *m);
	fmap_hdr h;
	if (bytes.n < sizeof h || ((uintptr_t)bytes.p & 7))
		return false;
	memcpy(&h, bytes.p, sizeof h);
	if (memcmp(h.magic, fmap_magic, sizeof h.magic) || !pow2_or_0(h.cap) || !pow2_or_0(h.vcap) ||
	    h.nrecs > UINT32_MAX / 2)
		return false;
	uint64_t off = sizeof h, rl = align8((size_t)h.nrecs * sizeof(gl_fmap_rec)), sl = align8((size_t)h.cap * 4),
		 vl = align8((size_t)h.vcap * 4);
	if (!gl_span_has(bytes, off, rl) || !gl_span_has(bytes, off + rl, sl) || !gl_span_has(bytes, off + rl + sl, vl) ||
	    h.npool >= UINT64_MAX - 8 || !gl_span_has(bytes, off + rl + sl + vl, h.npool + 1))
		return false;
	if (bytes.p[off + rl + sl + vl + h.npool]) /* the pool ends with a NUL */
		return false;
	m->recs = (const gl_fmap_rec *)(bytes.p + off);
	m->slots = (const uint32_t *)(bytes.p + off + rl);
	m->vslots = h.vcap ? (const uint32_t *)(bytes.p + off + rl + sl) : NULL;
	m->pool = (const char *)bytes.p + off + rl + sl + vl;
	m->npool = h.npool;
	m->base = base;
	m->nrecs = h.nrecs;
	m->cap = h.cap;
	m->vcap = h.vcap;
	return true;
}
