/*
 * The symbol index: name -> address over ELF .symtab, .dynsym and pclntab.
 *
 * The linker names the ABI0 twin of a function that also has an
 * ABIInternal body "name.abi0" in .symtab; pclntab names both "name".
 * Either way "name" resolves to the ABIInternal one, which is what Go code
 * calling through a func value expects, and "name.abi0" to the other, as
 * .symtab would (a stripped host's ABI0 references need it).
 */
#include "gobin/gobin_int.h"

#include <stdlib.h>
#include <string.h>

static bool ends_with(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);
	return n >= m && !memcmp(s + n - m, suf, m);
}

/* The index while it is built: entries with their names' lengths, a map
 * of names, the derived names ("name.abi0"); frozen when done. */
typedef struct symbuild {
	GL_VEC(gl_gobin_sym) syms;
	GL_VEC(uint32_t) lens, hashes;
	gl_strmap symmap;
	GL_VEC(char *) names;
} symbuild;

static void symbuild_free(symbuild *b)
{
	GL_VEC_FREE(&b->syms);
	GL_VEC_FREE(&b->lens);
	GL_VEC_FREE(&b->hashes);
	gl_strmap_free(&b->symmap);
	for (size_t i = 0; i < b->names.len; i++)
		free(b->names.v[i]);
	GL_VEC_FREE(&b->names);
}

/* A record's flags: kind, source, funcid, abi0, is_asm. */
static uint32_t sym_flags(const gl_gobin_sym *s)
{
	return (uint32_t)(uint8_t)s->kind | (uint32_t)(s->source & 0xf) << 8 | (uint32_t)s->funcid << 12 |
	       (uint32_t)s->abi0 << 20 | (uint32_t)s->is_asm << 21;
}

static bool sym_of(const gl_gobin *g, const gl_fmap_rec *r, size_t i, gl_gobin_sym *out)
{
	const char *name = r ? gl_fmap_name(&g->symidx, r) : NULL;
	if (!name)
		return false;
	*out = (gl_gobin_sym){name,
			      r->val,
			      g->symsize ? g->symsize[i] : 0,
			      (char)(r->flags & 0xff),
			      (uint8_t)(r->flags >> 8 & 0xf),
			      (uint8_t)(r->flags >> 12),
			      (r->flags >> 20 & 1) != 0,
			      (r->flags >> 21 & 1) != 0};
	return true;
}

/* Adds or, when `better` says so, replaces the entry for s->name (len
 * bytes): one hash and one probe. */
static bool add_sym_hashed(symbuild *g, const gl_gobin_sym *s, size_t len, uint32_t h,
			   bool (*better)(const gl_gobin_sym *, const gl_gobin_sym *))
{
	bool existed;
	uint64_t *idx = gl_strmap_slot_hashed(&g->symmap, s->name, len, h, g->syms.len, &existed);
	if (!idx)
		return false;
	if (existed) {
		if (better && better(s, &g->syms.v[*idx]))
			g->syms.v[*idx] = *s;
		return true;
	}
	return GL_VEC_PUSH(&g->lens, (uint32_t)len) && GL_VEC_PUSH(&g->hashes, h) && GL_VEC_PUSH(&g->syms, *s);
}

static bool add_sym(symbuild *g, const gl_gobin_sym *s, size_t len,
		    bool (*better)(const gl_gobin_sym *, const gl_gobin_sym *))
{
	return add_sym_hashed(g, s, len, gl_hash(s->name, len), better);
}

/* Within one source, a defined symbol beats an undefined one, a global beats a local. */
static bool table_better(const gl_gobin_sym *n, const gl_gobin_sym *o)
{
	if (o->kind == 'U' && n->kind != 'U')
		return true;
	return o->kind >= 'a' && n->kind >= 'A' && n->kind <= 'Z';
}

/* A pclntab function whose name another pclntab function already has: an
 * assembly body and the ABIInternal wrapper the linker made for its Go
 * callers, or a Go body and the ABI0 wrapper made for its assembly
 * callers. The assembly body, else the wrapper, is the ABI0 one: it is
 * indexed as "name.abi0", the other keeps "name". An entry from .symtab is
 * never replaced (it has its own "name.abi0"). */
static bool pcln_twin(symbuild *g, const gl_gobin_sym *n, size_t len, uint64_t idx, bool *ok)
{
	*ok = true;
	if (g->syms.v[idx].source != GL_SYMSRC_PCLNTAB)
		return true;
	char *name = malloc(len + sizeof ".abi0");
	if (!name || !GL_VEC_PUSH(&g->names, name)) {
		free(name);
		*ok = false;
		return true;
	}
	memcpy(name, n->name, len);
	memcpy(name + len, ".abi0", sizeof ".abi0");
	uint64_t twin;
	if (gl_strmap_get(&g->symmap, name, len + 5, &twin))
		return true; /* already paired: keep the first two */
	gl_gobin_sym *o = &g->syms.v[idx];
	bool n_abi0 = n->is_asm || (!o->is_asm && n->abi0);
	gl_gobin_sym a = n_abi0 ? *n : *o;
	if (!n_abi0)
		*o = *n;
	o->abi0 = false;
	a.name = name;
	a.abi0 = true;
	*ok = add_sym(g, &a, len + 5, NULL);
	return true;
}

/* The image's symbols go in PREFETCH entries after they are hashed: each
 * probe of a table of tens of thousands of entries is a cache miss; asked
 * for early, they overlap. */
enum { PREFETCH = 16 };

typedef struct sym_ring {
	symbuild *b;
	gl_image_sym q[PREFETCH];
	uint32_t hash[PREFETCH];
	size_t len[PREFETCH];
	size_t n;
	bool oom;
} sym_ring;

static bool ring_add(sym_ring *r, size_t k)
{
	const gl_image_sym *is = &r->q[k % PREFETCH];
	size_t len = r->len[k % PREFETCH];
	gl_gobin_sym s = {is->name, is->value, is->size, is->kind,
			  is->source == GL_IMGSYM_SYMTAB ? GL_SYMSRC_SYMTAB : GL_SYMSRC_DYNSYM, 0,
			  ends_with(is->name, len, ".abi0"), false};
	if (!add_sym_hashed(r->b, &s, len, r->hash[k % PREFETCH], table_better))
		r->oom = true;
	return !r->oom;
}

static bool ring_sym(void *ctx, const gl_image_sym *is)
{
	sym_ring *r = ctx;
	size_t i = r->n++;
	if (i >= PREFETCH && !ring_add(r, i - PREFETCH)) /* entry i - PREFETCH, hashed that many steps ago */
		return false;
	size_t len = is->namelen ? is->namelen : strlen(is->name);
	r->q[i % PREFETCH] = *is;
	r->len[i % PREFETCH] = len;
	r->hash[i % PREFETCH] = gl_hash(is->name, len);
	gl_strmap_prefetch(&r->b->symmap, r->hash[i % PREFETCH]);
	return true;
}

static int build_into(gl_gobin *g, symbuild *b, goload_err *err)
{
	gl_image *im = g->image;
	/* Sized once: growing rehashes every entry (tens of thousands). */
	size_t want = gl_image_syms_max(im) + (size_t)g->nfunc / (im->nsymtab ? 8 : 1);
	if (!gl_strmap_reserve(&b->symmap, want) || !GL_VEC_RESERVE(&b->syms, want) || !GL_VEC_RESERVE(&b->lens, want) ||
	    !GL_VEC_RESERVE(&b->hashes, want))
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	gl_prefault(b->syms.v, want * sizeof *b->syms.v);
	/* The image's symbols (decoded as walked when not read yet). */
	sym_ring r = {.b = b};
	int rc = gl_image_each_sym(im, g->what, ring_sym, &r, err);
	for (size_t k = r.n > PREFETCH ? r.n - PREFETCH : 0; !rc && !r.oom && k < r.n; k++)
		ring_add(&r, k);
	if (rc)
		return rc;
	if (r.oom)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	for (size_t i = 0; i < g->nfunc; i++) {
		gl_gobin_func f;
		rc = gl_gobin_func_at(g, i, &f, err);
		if (rc)
			return rc;
		/* A name .symtab or .dynsym has is kept (pcln_twin): its size,
		 * a walk over the whole pc-value table, is not needed. */
		uint64_t idx, size;
		size_t len = strlen(f.name);
		bool known = gl_strmap_get(&b->symmap, f.name, len, &idx);
		if (known && b->syms.v[idx].source != GL_SYMSRC_PCLNTAB) {
			/* PE and Mach-O symbol tables record no sizes: the pc tables do. */
			gl_gobin_sym *o = &b->syms.v[idx];
			if (o->size == 0 && o->addr == f.entry && (rc = gl_gobin_func_size(g, &f, &o->size, err)) != 0)
				return rc;
			continue;
		}
		if ((rc = gl_gobin_func_size(g, &f, &size, err)) != 0)
			return rc;
		bool is_asm = g->rt->flag_asm && (f.flag & g->rt->flag_asm);
		bool wrapper = f.funcid == g->rt->funcid_wrapper && g->rt->funcid_wrapper != 0;
		gl_gobin_sym s = {f.name, f.entry, size, 'T', GL_SYMSRC_PCLNTAB, f.funcid, is_asm || wrapper, is_asm};
		bool ok;
		if (!known || !pcln_twin(b, &s, len, idx, &ok))
			ok = add_sym(b, &s, len, NULL);
		if (!ok)
			return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	}
	return 0;
}

typedef struct text_fn {
	uint64_t addr;
	uint32_t idx;
} text_fn;

static int cmp_textaddr(const void *a, const void *b)
{
	const text_fn *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool is_text_fn(const gl_gobin *g, uint32_t i)
{
	uint32_t f = g->symidx.recs[i].flags;
	char kind = (char)(f & 0xff);
	return (kind == 'T' || kind == 't') && (f >> 8 & 0xf) == GL_SYMSRC_SYMTAB && g->symsize[i];
}

static bool build_textaddr(gl_gobin *g)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->symidx.nrecs; i++)
		n += is_text_fn(g, i);
	uint32_t *v = malloc((n ? n : 1) * sizeof *v);
	text_fn *t = malloc((n ? n : 1) * sizeof *t);
	if (!v || !t) {
		free(v);
		free(t);
		return false;
	}
	n = 0;
	for (uint32_t i = 0; i < g->symidx.nrecs; i++)
		if (is_text_fn(g, i))
			t[n++] = (text_fn){g->symidx.recs[i].val, i};
	if (n)
		qsort(t, n, sizeof *t, cmp_textaddr);
	for (uint32_t i = 0; i < n; i++)
		v[i] = t[i].idx;
	free(t);
	g->textaddr = g->textaddr_own = v;
	g->ntextaddr = n;
	return true;
}

static int build(gl_gobin *g, goload_err *err)
{
	symbuild b = {0};
	int rc = build_into(g, &b, err);
	gl_fmap_builder fb = {.base = g->img};
	uint64_t *sizes = rc ? NULL : malloc((b.syms.len ? b.syms.len : 1) * sizeof *sizes);
	if (!rc && !sizes)
		rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	for (size_t i = 0; !rc && i < b.syms.len; i++) {
		const gl_gobin_sym *s = &b.syms.v[i];
		sizes[i] = s->size;
		if (!gl_fmap_builder_add_hashed(&fb, s->name, b.lens.v[i], b.hashes.v[i], s->addr, sym_flags(s)))
			rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	}
	symbuild_free(&b);
	if (!rc && !gl_fmap_freeze(&fb, false, &g->symidx))
		rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	gl_fmap_builder_free(&fb);
	if (rc) {
		free(sizes);
		return rc;
	}
	g->symsize = g->symsize_own = sizes;
	g->syms_built = true;
	if (!build_textaddr(g)) {
		gl_gobin_free_syms(g);
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	}
	return 0;
}

static bool ensure(gl_gobin *g)
{
	if (g->syms_built)
		return true;
	goload_err e;
	if (build(g, &e) != 0) {
		gl_gobin_free_syms(g);
		return false;
	}
	return true;
}

void gl_gobin_free_syms(gl_gobin *g)
{
	gl_fmap_free(&g->symidx);
	free(g->symsize_own);
	g->symsize = g->symsize_own = NULL;
	free(g->textaddr_own);
	g->textaddr = g->textaddr_own = NULL;
	g->ntextaddr = 0;
	g->syms_built = false;
}

size_t gl_gobin_nsyms(gl_gobin *g) { return ensure(g) ? g->symidx.nrecs : 0; }

bool gl_gobin_sym_at(gl_gobin *g, size_t i, gl_gobin_sym *out)
{
	return ensure(g) && sym_of(g, gl_fmap_at(&g->symidx, i), i, out);
}

bool gl_gobin_sym_lookup(gl_gobin *g, const char *name, size_t len, gl_gobin_sym *out)
{
	if (!ensure(g))
		return false;
	const gl_fmap_rec *r = gl_fmap_get(&g->symidx, name, len);
	return r && sym_of(g, r, (size_t)(r - g->symidx.recs), out);
}

int gl_gobin_syms_build(gl_gobin *g, goload_err *err)
{
	if (g->syms_built)
		return 0;
	gl_gobin_access(g, false); /* every symbol is read */
	int rc = build(g, err);
	if (rc)
		gl_gobin_free_syms(g);
	return rc;
}

int gl_gobin_sym_addr(gl_gobin *g, const char *name, uint64_t *addr, goload_err *err)
{
	int rc = gl_gobin_syms_build(g, err);
	if (rc)
		return rc;
	gl_gobin_sym s;
	if (!gl_gobin_sym_lookup(g, name, strlen(name), &s) || s.kind == 'U')
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: no symbol %s", g->what, name);
	*addr = s.addr;
	return 0;
}

/* Serialized: the frozen map (util/fmap.c), then the entries' count and
 * their sizes. */
bool gl_gobin_syms_write(gl_gobin *g, gl_buf *out)
{
	if (!ensure(g) || !gl_fmap_write(&g->symidx, out) || !gl_buf_u64(out, g->symidx.nrecs) ||
	    !gl_buf_append(out, g->symsize, (size_t)g->symidx.nrecs * 8) || !gl_buf_u64(out, g->ntextaddr))
		return false;
	return gl_buf_append(out, g->textaddr, (size_t)g->ntextaddr * 4);
}

bool gl_gobin_syms_read(gl_gobin *g, gl_span bytes)
{
	gl_fmap m;
	if (!gl_fmap_open(bytes, g->img, &m))
		return false;
	size_t end = gl_fmap_bytes(&m); /* the sizes follow, then the functions by address */
	uint64_t n, nt;
	if (!gl_u64_at(bytes, end, &n) || n != m.nrecs || !gl_span_has(bytes, end + 8, n * 8) ||
	    !gl_u64_at(bytes, end + 8 + n * 8, &nt) || nt > n || !gl_span_has(bytes, end + 16 + n * 8, nt * 4))
		return false;
	gl_gobin_free_syms(g);
	g->symidx = m;
	g->symsize = (const uint64_t *)(bytes.p + end + 8);
	g->textaddr = (const uint32_t *)(bytes.p + end + 16 + n * 8);
	g->ntextaddr = (uint32_t)nt;
	g->syms_built = true;
	return true;
}

bool gl_gobin_text_at(gl_gobin *g, uint64_t va, gl_gobin_sym *out)
{
	if (!ensure(g))
		return false;
	size_t lo = 0, hi = g->ntextaddr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t i = g->textaddr[mid];
		if (i < g->symidx.nrecs && g->symidx.recs[i].val < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= g->ntextaddr)
		return false;
	uint32_t i = g->textaddr[lo];
	const gl_fmap_rec *r = gl_fmap_at(&g->symidx, i);
	return r && r->val == va && sym_of(g, r, i, out);
}
