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

/* Adds or, when `better` says so, replaces the entry for s->name (len
 * bytes): one hash and one probe. */
static bool add_sym_hashed(gl_gobin *g, const gl_gobin_sym *s, size_t len, uint32_t h,
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
	return GL_VEC_PUSH(&g->syms, *s);
}

static bool add_sym(gl_gobin *g, const gl_gobin_sym *s, size_t len,
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
static bool pcln_twin(gl_gobin *g, const gl_gobin_sym *n, size_t len, uint64_t idx, bool *ok)
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

static int build(gl_gobin *g, goload_err *err)
{
	const gl_image *im = g->image;
	/* Sized once: growing rehashes every entry (tens of thousands). */
	size_t want = im->nsyms + (size_t)g->nfunc / (im->nsymtab ? 8 : 1);
	if (!gl_strmap_reserve(&g->symmap, want) || !GL_VEC_RESERVE(&g->syms, want))
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	gl_prefault(g->syms.v, want * sizeof *g->syms.v);
	/* Hashed PREFETCH entries ahead: each probe of a table of tens of
	 * thousands of entries is a cache miss; asked for early, they overlap. */
	enum { PREFETCH = 16 };
	uint32_t ring[PREFETCH];
	size_t lens[PREFETCH];
	for (size_t i = 0; i < im->nsyms + PREFETCH; i++) {
		if (i >= PREFETCH) { /* add entry k, hashed PREFETCH steps ago */
			size_t k = i - PREFETCH;
			const gl_image_sym *is = &im->syms[k];
			size_t len = lens[k % PREFETCH];
			gl_gobin_sym s = {is->name, is->value, is->size, is->kind,
					  is->source == GL_IMGSYM_SYMTAB ? GL_SYMSRC_SYMTAB : GL_SYMSRC_DYNSYM, 0,
					  ends_with(is->name, len, ".abi0"), false};
			if (!add_sym_hashed(g, &s, len, ring[k % PREFETCH], table_better))
				return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
		}
		if (i < im->nsyms) { /* then hash entry i, ask for its slot */
			const gl_image_sym *is = &im->syms[i];
			size_t len = is->namelen ? is->namelen : strlen(is->name);
			lens[i % PREFETCH] = len;
			ring[i % PREFETCH] = gl_hash(is->name, len);
			gl_strmap_prefetch(&g->symmap, ring[i % PREFETCH]);
		}
	}
	for (size_t i = 0; i < g->nfunc; i++) {
		gl_gobin_func f;
		int rc = gl_gobin_func_at(g, i, &f, err);
		if (rc)
			return rc;
		/* A name .symtab or .dynsym has is kept (pcln_twin): its size,
		 * a walk over the whole pc-value table, is not needed. */
		uint64_t idx, size;
		size_t len = strlen(f.name);
		bool known = gl_strmap_get(&g->symmap, f.name, len, &idx);
		if (known && g->syms.v[idx].source != GL_SYMSRC_PCLNTAB) {
			/* PE and Mach-O symbol tables record no sizes: the pc tables do. */
			gl_gobin_sym *o = &g->syms.v[idx];
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
		if (!known || !pcln_twin(g, &s, len, idx, &ok))
			ok = add_sym(g, &s, len, NULL);
		if (!ok)
			return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", g->what);
	}
	g->syms_built = true;
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
	GL_VEC_FREE(&g->syms);
	gl_strmap_free(&g->symmap);
	for (size_t i = 0; i < g->names.len; i++)
		free(g->names.v[i]);
	GL_VEC_FREE(&g->names);
	g->syms_built = false;
}

size_t gl_gobin_nsyms(gl_gobin *g) { return ensure(g) ? g->syms.len : 0; }

const gl_gobin_sym *gl_gobin_sym_at(gl_gobin *g, size_t i)
{
	return ensure(g) && i < g->syms.len ? &g->syms.v[i] : NULL;
}

const gl_gobin_sym *gl_gobin_sym_lookup(gl_gobin *g, const char *name, size_t len)
{
	uint64_t idx;
	if (!ensure(g) || !gl_strmap_get(&g->symmap, name, len, &idx))
		return NULL;
	return &g->syms.v[idx];
}

int gl_gobin_sym_addr(gl_gobin *g, const char *name, uint64_t *addr, goload_err *err)
{
	if (!g->syms_built) {
		int rc = build(g, err);
		if (rc) {
			gl_gobin_free_syms(g);
			return rc;
		}
	}
	const gl_gobin_sym *s = gl_gobin_sym_lookup(g, name, strlen(name));
	if (!s || s->kind == 'U')
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: no symbol %s", g->what, name);
	*addr = s->addr;
	return 0;
}
