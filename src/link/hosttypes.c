/*
 * The host's type descriptors by linker name ("type:[]string"). A plain
 * Go executable's symbol table has no per-type symbols (they sit under the
 * "type:*" carrier), so the index is built from the live runtime tables:
 * every descriptor reachable from the typelinks and itablinks of
 * runtime.firstmoduledata (from Go 1.27: its typelinked descriptor and itab
 * regions), walking element, key, field and parameter types.
 *
 * Names follow the linker's spelling: named types with their full package
 * path, composites built from their parts. Struct and interface literals
 * are walked through but not named (their runtime strings use package
 * names, not paths); loaded code keeps its own copies of those.
 */
#include "link/host.h"

#include "goobj/goobj.h"
#include "versions/rt_tables.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct walker {
	goload_host *h;
	const struct gl_rttab *rt;
	uint64_t types, etypes;
	gl_buf nb; /* scratch for names */
	/* names found, first descriptor wins; frozen when the walk is done */
	gl_strmap names;
	GL_VEC(char *) keys; /* names' storage */
	gl_fmap_builder tnames, inames; /* the frozen maps' records */
	/* visited descriptors: open addressing on the address */
	uint64_t *seen;
	size_t cap, len;
} walker;

static bool seen_add(walker *w, uint64_t a)
{
	if ((w->len + 1) * 2 > w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 4096;
		uint64_t *t = calloc(nc, sizeof *t);
		if (!t)
			return false;
		for (size_t i = 0; i < w->cap; i++)
			if (w->seen[i])
				for (size_t j = (w->seen[i] >> 4) & (nc - 1);; j = (j + 1) & (nc - 1))
					if (!t[j]) {
						t[j] = w->seen[i];
						break;
					}
		free(w->seen);
		w->seen = t;
		w->cap = nc;
	}
	for (size_t j = (a >> 4) & (w->cap - 1);; j = (j + 1) & (w->cap - 1)) {
		if (w->seen[j] == a)
			return false;
		if (!w->seen[j]) {
			w->seen[j] = a;
			w->len++;
			return true;
		}
	}
}

static const uint8_t *at(uint64_t a) { return (const uint8_t *)(uintptr_t)a; }
static uint64_t word(uint64_t a) { uint64_t v; memcpy(&v, at(a), 8); return v; }
static uint32_t host_u32(uint64_t a) { uint32_t v; memcpy(&v, at(a), 4); return v; }
static uint16_t u16(uint64_t a) { uint16_t v; memcpy(&v, at(a), 2); return v; }

static bool name_text(const struct gl_rttab *rt, const uint8_t *p, size_t avail, const char **s, size_t *n);

/* A runtime name (abi.Name) at a nameOff from a types base. */
static bool name_at_range(const struct gl_rttab *rt, uint64_t types, uint64_t etypes, int32_t off, const char **s,
			  size_t *n)
{
	uint64_t a = types + (uint64_t)(int64_t)off;
	if (off < 0 || a + 3 > etypes)
		return false;
	return name_text(rt, at(a), (size_t)(etypes - a), s, n);
}

static bool type_name_at(const walker *w, int32_t off, const char **s, size_t *n)
{
	return name_at_range(w->rt, w->types, w->etypes, off, s, n);
}

static bool in_types(const walker *w, uint64_t a) { return a >= w->types && a + w->rt->type_size <= w->etypes; }

/* Appends t's linker name to w->nb; false when it has none we can spell. */
static bool spell(walker *w, uint64_t t, int depth)
{
	const struct gl_rttab *rt = w->rt;
	if (!in_types(w, t) || depth > 32)
		return false;
	uint8_t tflag = at(t)[rt->type_off_tflag], kind = at(t)[rt->type_off_kind] & rt->kind_mask;
	const char *s;
	size_t n;
	if (tflag & rt->tflag_named) {
		if (!type_name_at(w, (int32_t)host_u32(t + rt->type_off_str), &s, &n))
			return false;
		if ((tflag & rt->tflag_extrastar) && n) {
			s++;
			n--;
		}
		const char *pp = NULL;
		size_t ppn = 0;
		if ((tflag & rt->tflag_uncommon) && kind < GL_KIND__COUNT) {
			uint64_t u = t + rt->type_size + rt->kind_extra[kind];
			type_name_at(w, (int32_t)host_u32(u + rt->uncommon_off_pkgpath), &pp, &ppn);
		}
		if (ppn) {
			/* "pkgname.Name[...]": keep what follows the package name. */
			size_t dot = 0;
			while (dot < n && s[dot] != '.' && s[dot] != '[')
				dot++;
			if (dot == n || s[dot] != '.' || memchr(s, '[', dot))
				return false;
			/* Instantiated generics spell their arguments with package names. */
			if (memchr(s, '[', n))
				return false;
			gl_buf_append(&w->nb, pp, ppn);
			gl_buf_append(&w->nb, s + dot, n - dot);
		} else
			gl_buf_append(&w->nb, s, n);
		return true;
	}
	switch (kind) {
	case GL_KIND_POINTER:
		gl_buf_str(&w->nb, "*");
		return spell(w, word(t + rt->ptr_off_elem), depth + 1);
	case GL_KIND_SLICE:
		gl_buf_str(&w->nb, "[]");
		return spell(w, word(t + rt->slice_off_elem), depth + 1);
	case GL_KIND_ARRAY:
		gl_buf_printf(&w->nb, "[%llu]", (unsigned long long)word(t + rt->array_off_len));
		return spell(w, word(t + rt->array_off_elem), depth + 1);
	case GL_KIND_CHAN: {
		uint64_t dir = word(t + rt->chan_off_dir);
		gl_buf_str(&w->nb, dir == 1 ? "<-chan " : dir == 2 ? "chan<- " : "chan ");
		return spell(w, word(t + rt->chan_off_elem), depth + 1);
	}
	case GL_KIND_MAP:
		gl_buf_str(&w->nb, "map[");
		if (!spell(w, word(t + rt->map_off_key), depth + 1))
			return false;
		gl_buf_str(&w->nb, "]");
		return spell(w, word(t + rt->map_off_elem), depth + 1);
	case GL_KIND_FUNC: {
		uint16_t in = u16(t + rt->func_off_incount), out = u16(t + rt->func_off_outcount);
		bool variadic = out & rt->func_variadic;
		out &= (uint16_t)~rt->func_variadic;
		uint64_t params = t + rt->type_size + rt->kind_extra[GL_KIND_FUNC] +
				  ((tflag & rt->tflag_uncommon) ? rt->uncommon_size : 0);
		gl_buf_str(&w->nb, "func(");
		for (uint16_t i = 0; i < in; i++) {
			if (i)
				gl_buf_str(&w->nb, ", ");
			uint64_t p = word(params + 8u * i);
			if (variadic && i == in - 1) {
				gl_buf_str(&w->nb, "...");
				p = word(p + rt->slice_off_elem); /* the slice's element */
			}
			if (!spell(w, p, depth + 1))
				return false;
		}
		gl_buf_str(&w->nb, ")");
		if (out > 1)
			gl_buf_str(&w->nb, " (");
		else if (out == 1)
			gl_buf_str(&w->nb, " ");
		for (uint16_t i = 0; i < out; i++) {
			if (i)
				gl_buf_str(&w->nb, ", ");
			if (!spell(w, word(params + 8u * (in + i)), depth + 1))
				return false;
		}
		if (out > 1)
			gl_buf_str(&w->nb, ")");
		return true;
	}
	case GL_KIND_INTERFACE:
		if (word(t + rt->iface_off_methods + 8))
			return false;
		gl_buf_str(&w->nb, "interface {}");
		return true;
	case GL_KIND_STRUCT:
		if (word(t + rt->struct_off_fields + 8))
			return false;
		gl_buf_str(&w->nb, "struct {}");
		return true;
	default:
		return false;
	}
}

static bool record(walker *w, uint64_t t)
{
	w->nb.len = 0;
	gl_buf_str(&w->nb, "type:");
	if (!spell(w, t, 0) || w->nb.oom)
		return true;
	/* The first descriptor of a name wins; a descriptor spelled twice
	 * keeps its first name (the frozen map's lookup by value). */
	char *k = malloc(w->nb.len + 1);
	if (!k)
		return false;
	memcpy(k, w->nb.p, w->nb.len);
	k[w->nb.len] = 0;
	bool existed;
	if (!gl_strmap_add(&w->names, k, w->nb.len, 0, &existed) || existed) {
		free(k);
		return existed;
	}
	if (!GL_VEC_PUSH(&w->keys, k)) {
		free(k);
		return false;
	}
	return gl_fmap_builder_add(&w->tnames, k, w->nb.len, t - w->h->bias, 0);
}

/* Visits t and every type it mentions (iteratively deep through a stack). */
static bool walk_type(walker *w, uint64_t root)
{
	const struct gl_rttab *rt = w->rt;
	GL_VEC(uint64_t) st = {0};
	bool ok = GL_VEC_PUSH(&st, root);
	while (ok && st.len) {
		uint64_t t = st.v[--st.len];
		if (!in_types(w, t) || !seen_add(w, t))
			continue;
		ok = record(w, t);
		uint8_t tflag = at(t)[rt->type_off_tflag], kind = at(t)[rt->type_off_kind] & rt->kind_mask;
		int32_t ptrto = (int32_t)host_u32(t + rt->type_off_ptrtothis);
		if (ptrto > 0)
			ok = ok && GL_VEC_PUSH(&st, w->types + (uint64_t)ptrto);
		switch (kind) {
		case GL_KIND_POINTER:
			ok = ok && GL_VEC_PUSH(&st, word(t + rt->ptr_off_elem));
			break;
		case GL_KIND_SLICE:
			ok = ok && GL_VEC_PUSH(&st, word(t + rt->slice_off_elem));
			break;
		case GL_KIND_ARRAY:
			ok = ok && GL_VEC_PUSH(&st, word(t + rt->array_off_elem));
			break;
		case GL_KIND_CHAN:
			ok = ok && GL_VEC_PUSH(&st, word(t + rt->chan_off_elem));
			break;
		case GL_KIND_MAP:
			ok = ok && GL_VEC_PUSH(&st, word(t + rt->map_off_key)) && GL_VEC_PUSH(&st, word(t + rt->map_off_elem));
			break;
		case GL_KIND_FUNC: {
			uint16_t in = u16(t + rt->func_off_incount),
				 out = u16(t + rt->func_off_outcount) & (uint16_t)~rt->func_variadic;
			uint64_t params = t + rt->type_size + rt->kind_extra[GL_KIND_FUNC] +
					  ((tflag & rt->tflag_uncommon) ? rt->uncommon_size : 0);
			for (uint32_t i = 0; ok && i < (uint32_t)in + out; i++)
				ok = GL_VEC_PUSH(&st, word(params + 8u * i));
			break;
		}
		case GL_KIND_STRUCT: {
			uint64_t f = word(t + rt->struct_off_fields), nf = word(t + rt->struct_off_fields + 8);
			for (uint64_t i = 0; ok && i < nf && i < 4096; i++)
				ok = GL_VEC_PUSH(&st, word(f + rt->field_size * i + rt->field_off_typ));
			break;
		}
		default:
			break;
		}
	}
	GL_VEC_FREE(&st);
	return ok;
}

/* [types, etypes) of the host's module (runtime.firstmoduledata). */
static void host_types_range(const goload_host *h, uint64_t *types, uint64_t *etypes)
{
	uint64_t md = gl_host_addr(h, "runtime.firstmoduledata");
	*types = md ? word(md + h->rt->md_off[GL_MD_TYPES]) : 0;
	*etypes = md ? word(md + h->rt->md_off[GL_MD_ETYPES]) : 0;
}

/* Roots up to Go 1.26: the typelinks (int32 offsets from types) and the
 * itablinks (*itab). */
static bool walk_links(walker *w, uint64_t md)
{
	const struct gl_rttab *rt = w->rt;
	uint64_t tl = word(md + rt->md_off[GL_MD_TYPELINKS]), ntl = word(md + rt->md_off[GL_MD_TYPELINKS] + 8);
	bool ok = true;
	for (uint64_t i = 0; ok && i < ntl; i++)
		ok = walk_type(w, w->types + (uint64_t)(int64_t)(int32_t)host_u32(tl + 4 * i));
	uint64_t il = word(md + rt->md_off[GL_MD_ITABLINKS]), nil = word(md + rt->md_off[GL_MD_ITABLINKS] + 8);
	for (uint64_t i = 0; ok && i < nil; i++) {
		uint64_t it = word(il + 8 * i);
		ok = walk_type(w, word(it + rt->itab_off_inter)) && walk_type(w, word(it + rt->itab_off_type));
	}
	return ok;
}

/* Names an itab of the region "go:itab.T,I" as the linker would have. */
static bool record_itab(walker *w, uint64_t itab)
{
	w->nb.len = 0;
	gl_buf_str(&w->nb, "go:itab.");
	if (!spell(w, word(itab + w->rt->itab_off_type), 0))
		return true;
	gl_buf_str(&w->nb, ",");
	if (!spell(w, word(itab + w->rt->itab_off_inter), 0) || w->nb.oom)
		return true;
	return gl_fmap_builder_add(&w->inames, (const char *)w->nb.p, w->nb.len, itab - w->h->bias, 0);
}

/* Roots from Go 1.27: the typelinked descriptors laid out back to back in
 * [types+8, types+typedesclen) (runtime.moduleTypelinks) and the itabs in
 * [types+itaboffset, +itabsize) (runtime.addModuleItabs), each walked by
 * its own size and never past etypes. */
static int walk_regions(walker *w, uint64_t md, bool *ok, goload_err *err)
{
	const struct gl_rttab *rt = w->rt;
	uint64_t span = w->etypes - w->types;
	uint64_t tdl = word(md + rt->md_off[GL_MD_TYPEDESCLEN]);
	uint64_t ioff = word(md + rt->md_off[GL_MD_ITABOFFSET]), isz = word(md + rt->md_off[GL_MD_ITABSIZE]);
	if (w->etypes < w->types || tdl > span || ioff > span || isz > span - ioff)
		return gl_err(err, GOLOAD_E_FORMAT,
			      "host: firstmoduledata: typedesclen 0x%llx, itaboffset 0x%llx, itabsize 0x%llx do not fit "
			      "types [0x%llx, 0x%llx)",
			      (unsigned long long)tdl, (unsigned long long)ioff, (unsigned long long)isz,
			      (unsigned long long)w->types, (unsigned long long)w->etypes);
	uint64_t end = w->types + tdl;
	size_t i = 0;
	for (uint64_t td = w->types + 8; *ok && td < end; i++) {
		td = (td + 7) & ~7ull;
		if (td >= end)
			break;
		uint64_t size;
		if (!gl_rt_descriptor_size(rt, gl_span_make(at(td), (size_t)(w->etypes - td)), &size) ||
		    size > w->etypes - td)
			return gl_err(err, GOLOAD_E_FORMAT, "host: typelinked descriptor %zu at 0x%llx (types+0x%llx) is not a "
				      "type descriptor of known size", i, (unsigned long long)td,
				      (unsigned long long)(td - w->types));
		*ok = walk_type(w, td);
		td += size;
	}
	end = w->types + ioff + isz;
	i = 0;
	for (uint64_t p = w->types + ioff; *ok && p < end; i++) {
		uint64_t inter = p + rt->itab_off_fun + 8u <= end ? word(p + rt->itab_off_inter) : 0;
		if (!in_types(w, inter) || inter + rt->iface_off_methods + 16u > w->etypes)
			return gl_err(err, GOLOAD_E_FORMAT, "host: itab %zu at 0x%llx (types+0x%llx): interface 0x%llx is "
				      "outside types", i, (unsigned long long)p, (unsigned long long)(p - w->types),
				      (unsigned long long)inter);
		uint64_t nfun = word(inter + rt->iface_off_methods + 8);
		/* abi.ITab.Size: fun[0] == 0 marks a negative entry with one slot. */
		uint64_t nslot = word(p + rt->itab_off_fun) && nfun ? nfun : 1;
		if (nslot > (end - p) / 8)
			return gl_err(err, GOLOAD_E_FORMAT, "host: itab %zu at 0x%llx: %llu methods run past the itabs",
				      i, (unsigned long long)p, (unsigned long long)nfun);
		*ok = walk_type(w, inter) && walk_type(w, word(p + rt->itab_off_type)) && record_itab(w, p);
		p += rt->itab_off_fun + 8u * nslot;
	}
	return 0;
}

static int cmp_typehash(const void *a, const void *b)
{
	const goload_typehash *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The host's typelinked descriptors in the order runtime.typelinksinit
 * reads them (typelinks up to Go 1.26; from 1.27 the typelinked region,
 * as runtime.moduleTypelinks walks it), each once, by hash. */
static bool build_typehash(goload_host *h, uint64_t md, bool links, uint64_t types, uint64_t etypes)
{
	const struct gl_rttab *rt = h->rt;
	GL_VEC(goload_typehash) v = {0};
	bool ok = true;
	uint64_t n = 0, tl = 0, end = 0;
	if (links) {
		tl = word(md + rt->md_off[GL_MD_TYPELINKS]);
		n = word(md + rt->md_off[GL_MD_TYPELINKS] + 8);
	} else {
		end = types + word(md + rt->md_off[GL_MD_TYPEDESCLEN]);
	}
	uint64_t td = types + 8;
	for (uint64_t i = 0; ok; i++) {
		uint64_t t;
		if (links) {
			if (i >= n)
				break;
			t = types + (uint64_t)(int64_t)(int32_t)host_u32(tl + 4 * i);
		} else {
			td = (td + 7) & ~7ull;
			uint64_t size;
			if (td >= end || td >= etypes ||
			    !gl_rt_descriptor_size(rt, gl_span_make(at(td), (size_t)(etypes - td)), &size) ||
			    size > etypes - td)
				break;
			t = td;
			td += size;
		}
		if (t < types || t + rt->type_size > etypes)
			continue;
		goload_typehash e = {host_u32(t + rt->type_off_hash), (uint32_t)i, t - h->bias};
		ok = GL_VEC_PUSH(&v, e);
	}
	if (!ok) {
		GL_VEC_FREE(&v);
		return false;
	}
	if (v.len)
		qsort(v.v, v.len, sizeof *v.v, cmp_typehash);
	/* one entry per descriptor (typelinksinit's table skips repeats) */
	size_t k = 0;
	for (size_t i = 0; i < v.len; i++) {
		bool dup = false;
		for (size_t j = k; j-- > 0 && v.v[j].hash == v.v[i].hash && !dup;)
			dup = v.v[j].va == v.v[i].va;
		if (!dup)
			v.v[k++] = v.v[i];
	}
	h->typehash = v.v;
	h->ntypehash = k;
	h->typehash_own = v.v;
	return true;
}

int gl_host_types_index(goload_host *h, goload_err *err)
{
	if (h->types_indexed)
		return 0;
	const struct gl_rttab *rt = h->rt;
	uint64_t md = gl_host_addr(h, "runtime.firstmoduledata");
	bool links = rt && rt->md_off[GL_MD_TYPELINKS] != GL_RT_ABSENT && rt->md_off[GL_MD_ITABLINKS] != GL_RT_ABSENT;
	bool regions = rt && rt->md_off[GL_MD_TYPEDESCLEN] != GL_RT_ABSENT &&
		       rt->md_off[GL_MD_ITABOFFSET] != GL_RT_ABSENT && rt->md_off[GL_MD_ITABSIZE] != GL_RT_ABSENT;
	if (!md || !(links || regions))
		return gl_err(err, GOLOAD_E_UNSUPPORTED,
			      "host: cannot index its types (no firstmoduledata, typelinks or typedesclen)");
	int cached = gl_hostcache_types(h, err);
	if (cached) {
		h->types_indexed = cached > 0;
		return cached > 0 ? 0 : cached;
	}
	gl_gobin_access(h->img, false); /* every type is read */
	walker w = {.h = h, .rt = rt};
	host_types_range(h, &w.types, &w.etypes);
	bool ok = true;
	int rc = 0;
	if (links)
		ok = walk_links(&w, md);
	else
		rc = walk_regions(&w, md, &ok, err);
	free(w.seen);
	gl_buf_free(&w.nb);
	gl_strmap_free(&w.names);
	for (size_t i = 0; i < w.keys.len; i++)
		free(w.keys.v[i]);
	GL_VEC_FREE(&w.keys);
	if (!rc && ok) {
		ok = gl_fmap_freeze(&w.tnames, true, &h->types) && gl_fmap_freeze(&w.inames, false, &h->itabs) &&
		     build_typehash(h, md, links, w.types, w.etypes);
		if (!ok) {
			gl_fmap_free(&h->types);
			gl_fmap_free(&h->itabs);
		}
	}
	gl_fmap_builder_free(&w.tnames);
	gl_fmap_builder_free(&w.inames);
	if (rc < 0)
		return rc;
	if (!ok)
		return gl_err(err, GOLOAD_E_NOMEM, "host: out of memory indexing types");
	h->types_indexed = true;
	gl_hostcache_save(h);
	return 0;
}

int goload_host_index_types(goload_host *h, goload_err *err) { return gl_host_types_index(h, err); }

const goload_typehash *goload_host_typehash(const goload_host *h, size_t *n, uint64_t *bias)
{
	*bias = h->bias;
	*n = h->types_indexed ? h->ntypehash : 0;
	return h->types_indexed ? h->typehash : NULL;
}

uint64_t gl_host_type(const goload_host *h, const char *name, size_t n)
{
	const gl_fmap_rec *r = gl_fmap_get(&h->types, name, n);
	return r ? r->val + h->bias : 0;
}

uint64_t gl_host_itab(const goload_host *h, const char *name, size_t n)
{
	const gl_fmap_rec *r = gl_fmap_get(&h->itabs, name, n);
	return r ? r->val + h->bias : 0;
}

/* A method-table entry as the host's linker left it (a module may have
 * filled it since: a later module still sees it dropped, and records its
 * own copy of the method). */
static int32_t orig32(const goload_host *h, uint64_t a) { return (int32_t)(uint32_t)gl_host_orig_value(h, a, 4); }

/* Methods of the host's named types whose code its linker dropped: their
 * method-table entries (Ifn, Tfn) hold -1, which the runtime turns into
 * runtime.unreachableMethod when it builds an itab or reflect calls them. */
int gl_host_dropped_methods(goload_host *h, gl_host_method_fn fn, void *ctx, goload_err *err)
{
	int rc = gl_host_types_index(h, err);
	if (rc < 0)
		return rc;
	const struct gl_rttab *rt = h->rt;
	uint64_t md = gl_host_addr(h, "runtime.firstmoduledata");
	walker w = {.h = h, .rt = rt};
	w.types = word(md + rt->md_off[GL_MD_TYPES]);
	w.etypes = word(md + rt->md_off[GL_MD_ETYPES]);
	gl_buf sym = {0};
	for (size_t i = 0; i < h->types.nrecs && rc == 0; i++) {
		const gl_fmap_rec *tr = gl_fmap_at(&h->types, i);
		const char *full = gl_fmap_name(&h->types, tr);
		if (!full || tr->len < 5)
			continue;
		const char *tn = full + 5; /* after "type:" */
		bool ptr = tn[0] == '*';
		const char *named = tn + ptr;
		size_t slash = 0, n = strlen(named);
		for (size_t k = 0; k < n; k++)
			if (named[k] == '/')
				slash = k;
		const char *dot = memchr(named + slash, '.', n - slash);
		if (!dot || strpbrk(named, "[]{} *()") || (named[0] == 'm' && !strncmp(named, "map", 3) && named[3] == '['))
			continue;
		uint64_t t = tr->val + h->bias;
		uint8_t tflag = at(t)[rt->type_off_tflag], kind = at(t)[rt->type_off_kind] & rt->kind_mask;
		if (!(tflag & rt->tflag_uncommon) || kind >= GL_KIND__COUNT)
			continue;
		uint64_t u = t + rt->type_size + rt->kind_extra[kind];
		uint16_t mcount = u16(u + rt->uncommon_off_mcount);
		uint64_t methods = u + host_u32(u + rt->uncommon_off_moff);
		/* A value receiver's itab entry is the method itself when the
		 * value is pointer-shaped, else the (*T) wrapper: live siblings
		 * say which (Ifn == Tfn), pointer-shaped kinds always are. */
		bool direct = ptr || kind == GL_KIND_FUNC || kind == GL_KIND_MAP || kind == GL_KIND_CHAN ||
			      kind == GL_KIND_POINTER || kind == GL_KIND_UNSAFEPOINTER;
		for (uint16_t k = 0; k < mcount && !ptr; k++) {
			uint64_t me = methods + (uint64_t)k * rt->method_size;
			int32_t ifn = orig32(h, me + rt->method_off_ifn), tfn = orig32(h, me + rt->method_off_tfn);
			if (ifn != -1 && tfn != -1)
				direct = ifn == tfn;
		}
		for (uint16_t k = 0; k < mcount && rc == 0; k++) {
			uint64_t me = methods + (uint64_t)k * rt->method_size;
			const char *mn;
			size_t mnl;
			uint64_t mtyp = me + rt->method_off_mtyp;
			if (orig32(h, mtyp) != -1)
				mtyp = 0;
			/* Code the host calls directly keeps its text offsets while
			 * the method's func type may be dropped: one call with
			 * slot 0 for the type alone. The linker's values decide
			 * (gl_host_orig_value), not what an open module wrote: a
			 * later module records its own copy, for Close of the
			 * filler to hand the word over to. */
			bool code = orig32(h, me + rt->method_off_ifn) != -1 && orig32(h, me + rt->method_off_tfn) != -1;
			if ((code && !mtyp) || !type_name_at(&w, (int32_t)host_u32(me + rt->method_off_name), &mn, &mnl))
				continue;
			for (int f = 0; f < 2 && rc == 0; f++) { /* Ifn, Tfn */
				uint64_t slot = me + (f ? rt->method_off_tfn : rt->method_off_ifn);
				if (code && f == 1)
					break;
				if (code)
					slot = 0;
				else if (orig32(h, slot) != -1)
					continue;
				sym.len = 0;
				gl_buf_append(&sym, named, (size_t)(dot - named));
				if (ptr || (f == 0 && !direct))
					gl_buf_printf(&sym, ".(*%.*s).", (int)(named + n - dot - 1), dot + 1);
				else
					gl_buf_printf(&sym, ".%.*s.", (int)(named + n - dot - 1), dot + 1);
				gl_buf_append(&sym, mn, mnl);
				gl_buf_u8(&sym, 0);
				gl_host_method hm = {.sym = (const char *)sym.p, .slot = slot, .type = t,
						     .name = mn, .namelen = mnl, .ifn = f == 0,
						     .mtyp = mtyp, .tname = full};
				mtyp = 0;
				if (sym.oom)
					rc = gl_err(err, GOLOAD_E_NOMEM, "host: out of memory");
				else
					rc = fn(ctx, &hm, err);
			}
		}
	}
	gl_buf_free(&sym);
	return rc;
}

int gl_host_itab_slots(goload_host *h, uint64_t t, const char *name, size_t n,
		       int (*fn)(void *ctx, uint64_t slot, goload_err *err), void *ctx, goload_err *err)
{
	const struct gl_rttab *rt = h->rt;
	uint64_t tab = gl_host_addr(h, "runtime.itabTable"), md = gl_host_addr(h, "runtime.firstmoduledata");
	uint64_t unreachable = gl_host_addr(h, "runtime.unreachableMethod");
	if (!tab || !md || !unreachable || rt->md_off[GL_MD_ETYPES] == GL_RT_ABSENT)
		return 0;
	tab = word(tab); /* *itabTableType */
	uint64_t size = word(tab + rt->itabtable_off_size);
	for (uint64_t i = 0; i < size; i++) {
		uint64_t e = word(tab + rt->itabtable_off_entries + 8 * i);
		if (!e || word(e + rt->itab_off_type) != t || word(e + rt->itab_off_fun) == 0)
			continue;
		uint64_t inter = word(e + rt->itab_off_inter);
		/* the interface's names are offsets from its module's types */
		uint64_t types = 0, etypes = 0;
		for (uint64_t p = md; p; p = word(p + rt->md_off[GL_MD_NEXT])) {
			uint64_t lo = word(p + rt->md_off[GL_MD_TYPES]), hi = word(p + rt->md_off[GL_MD_ETYPES]);
			if (inter >= lo && inter < hi) {
				types = lo;
				etypes = hi;
				break;
			}
		}
		if (!types)
			continue;
		uint64_t ms = word(inter + rt->iface_off_methods), nm = word(inter + rt->iface_off_methods + 8);
		for (uint64_t k = 0; k < nm; k++) {
			const char *s;
			size_t sl;
			uint64_t slot = e + rt->itab_off_fun + 8 * k;
			if (gl_host_orig_value(h, slot, 8) != unreachable ||
			    !name_at_range(rt, types, etypes, (int32_t)host_u32(ms + k * rt->imethod_size + rt->imethod_off_name), &s, &sl) ||
			    sl != n || memcmp(s, name, n) != 0)
				continue;
			int rc = fn(ctx, slot, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------------ layout checks */

/* An abi.Name's text: a flag byte, the length (uvarint from 1.17, else
 * two bytes big-endian), the bytes; false when it does not fit in avail. */
static bool name_text(const struct gl_rttab *rt, const uint8_t *p, size_t avail, const char **s, size_t *n)
{
	uint64_t len;
	size_t hdr;
	if (avail < 3)
		return false;
	if (rt->name_varint) {
		size_t used = gl_uvarint(p + 1, avail - 1, &len);
		if (!used)
			return false;
		hdr = 1 + used;
	} else {
		len = (uint64_t)p[1] << 8 | p[2];
		hdr = 3;
	}
	if (len > avail - hdr)
		return false;
	*s = (const char *)p + hdr;
	*n = (size_t)len;
	return true;
}

/* The module's side: a descriptor in an object, its pointers relocations. */
typedef struct objtype {
	const gl_goobj *o;
	uint32_t idx;
	gl_span d;
	const gl_goobj_resolver *res;
} objtype;

static bool obj_reloc(const objtype *t, uint64_t off, gl_goobj_reloc *out)
{
	return gl_goobj_reloc_at_off(t->o, t->idx, off, out);
}

/* A pointer into the descriptor itself (a struct's fields, an interface's
 * methods follow its header). */
static bool self_ref(const objtype *t, gl_goobj_reloc r)
{
	uint32_t local;
	return r.add >= 0 && gl_goobj_ref_local(t->o, r.sym, &local) && local == t->idx;
}

/* Name of the symbol the pointer at off points to ("type:int"); n = 0 when
 * none (a nil pointer). */
static void obj_target(const objtype *t, uint64_t off, const char **s, size_t *n)
{
	gl_goobj_reloc r;
	gl_goobj_symname nm;
	*s = "";
	*n = 0;
	if (obj_reloc(t, off, &r) && gl_goobj_ref_name(t->o, r.sym, t->res, &nm, NULL) == 0) {
		*s = nm.name;
		*n = nm.namelen;
	}
}

/* The abi.Name the pointer or offset at off points to (a namedata symbol). */
static bool obj_name(const struct gl_rttab *rt, const objtype *t, uint64_t off, const char **s, size_t *n)
{
	gl_goobj_reloc r;
	if (!obj_reloc(t, off, &r) || r.add < 0)
		return false;
	gl_span d = gl_goobj_ref_data(t->o, r.sym);
	if ((uint64_t)r.add >= d.n)
		return false;
	return name_text(rt, d.p + r.add, d.n - (size_t)r.add, s, n);
}

static uint64_t obj_word(const objtype *t, uint64_t off, unsigned size)
{
	uint64_t v = 0;
	if (size == 8)
		gl_u64_at(t->d, off, &v);
	else if (size == 4) {
		uint32_t x = 0;
		gl_u32_at(t->d, off, &x);
		v = x;
	} else if (size == 2) {
		uint16_t x = 0;
		gl_u16_at(t->d, off, &x);
		v = x;
	} else {
		uint8_t x = 0;
		gl_u8_at(t->d, off, &x);
		v = x;
	}
	return v;
}

static uint64_t host_word(uint64_t a, unsigned size)
{
	return size == 8 ? word(a) : size == 4 ? host_u32(a) : size == 2 ? u16(a) : at(a)[0];
}

/* A host descriptor's linker name (without "type:"), NULL when unnamed. */
static const char *host_name_of(const goload_host *h, uint64_t t)
{
	const gl_fmap_rec *r = t ? gl_fmap_get_val(&h->types, t - h->bias) : NULL;
	const char *n = r ? gl_fmap_name(&h->types, r) : NULL;
	return n && r->len >= 5 ? n + 5 : NULL;
}

/* Compares a referenced type: the module's symbol name with the host's
 * descriptor's name (when the host's can be spelled). */
static bool same_ref(const goload_host *h, const char *ms, size_t mn, uint64_t ht)
{
	const char *hn = host_name_of(h, ht);
	if (!hn || !mn)
		return true;
	if (mn > 5 && !memcmp(ms, "type:", 5)) {
		ms += 5;
		mn -= 5;
	}
	return strlen(hn) == mn && !memcmp(hn, ms, mn);
}

/* The first of n methods (abi.Method or abi.Imethod: stride bytes apart,
 * their nameOff at name_off) whose names differ, -1 when none: the
 * module's at object offset mo, the host's at address hm. */
static long diff_method(const goload_host *h, const objtype *t, uint64_t mo, uint64_t hm, uint64_t n, uint16_t stride,
			uint16_t name_off, const char **ms, size_t *mn, const char **hs, size_t *hn)
{
	uint64_t tb, te;
	host_types_range(h, &tb, &te);
	for (uint64_t i = 0; i < n && i < 1u << 16; i++) {
		int32_t hoff = (int32_t)host_u32(hm + i * stride + name_off);
		if (!obj_name(h->rt, t, mo + i * stride + name_off, ms, mn) || !name_at_range(h->rt, tb, te, hoff, hs, hn))
			continue;
		if (*mn != *hn || memcmp(*ms, *hs, *mn))
			return (long)i;
	}
	return -1;
}

int gl_host_type_check(const goload_host *h, const gl_goobj *o, uint32_t idx, const gl_goobj_resolver *res,
		       uint64_t ht, goload_err *err)
{
	const struct gl_rttab *rt = h->rt;
	objtype t = {o, idx, gl_goobj_data(o, idx), res};
	gl_goobj_sym sym = gl_goobj_sym_at(o, idx);
	int nl = (int)sym.namelen;
	const char *nm = sym.name;
	if (nl > 5 && !memcmp(nm, "type:", 5))
		nm += 5, nl -= 5;
	if (t.d.n < rt->type_size)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: type descriptor %.*s is %zu bytes", gl_goobj_name(o), nl, nm, t.d.n);
#define DIFF(fmt, ...)                                                                                              \
	gl_err(err, GOLOAD_E_MISMATCH, "type %.*s (%s) differs from the host's: " fmt, nl, nm, gl_goobj_name(o), __VA_ARGS__)
	uint8_t mk = (uint8_t)obj_word(&t, rt->type_off_kind, 1), hk = at(ht)[rt->type_off_kind];
	unsigned kind = mk & rt->kind_mask;
	if (kind != (hk & rt->kind_mask))
		return DIFF("kind %s, the host's %s", gl_kind_name(kind), gl_kind_name(hk & rt->kind_mask));
	static const struct {
		const char *what;
		size_t field;
		unsigned size;
	} scalars[] = {
		{"size", offsetof(struct gl_rttab, type_off_size), 8},
		{"pointer bytes", offsetof(struct gl_rttab, type_off_ptrdata), 8},
		{"alignment", offsetof(struct gl_rttab, type_off_align), 1},
		{"field alignment", offsetof(struct gl_rttab, type_off_fieldalign), 1},
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(scalars); i++) {
		uint16_t off;
		memcpy(&off, (const char *)rt + scalars[i].field, sizeof off);
		uint64_t a = obj_word(&t, off, scalars[i].size), b = host_word(ht + off, scalars[i].size);
		if (a != b)
			return DIFF("%s %llu, the host's %llu", scalars[i].what, (unsigned long long)a, (unsigned long long)b);
	}
	/* The pointer bitmap, when both are plain bitmaps. */
	uint64_t ptrdata = obj_word(&t, rt->type_off_ptrdata, 8);
	uint8_t mtf = (uint8_t)obj_word(&t, rt->type_off_tflag, 1), htf = at(ht)[rt->type_off_tflag];
	uint64_t hgc = word(ht + rt->type_off_gcdata);
	gl_goobj_reloc gr;
	if (ptrdata && hgc && !((mk | hk) & rt->kind_gcprog) && !((mtf | htf) & rt->tflag_gcmask_ondemand) &&
	    obj_reloc(&t, rt->type_off_gcdata, &gr) && gr.add >= 0) {
		gl_span g = gl_goobj_ref_data(o, gr.sym);
		uint64_t nb = (ptrdata / 8 + 7) / 8;
		if (gl_span_has(g, (uint64_t)gr.add, nb) && memcmp(g.p + gr.add, at(hgc), nb))
			return DIFF("%s", "pointer bitmap");
	}
	const char *ms, *hs;
	size_t mn, hn;
	switch (kind) {
	case GL_KIND_POINTER:
	case GL_KIND_SLICE:
	case GL_KIND_CHAN: {
		uint16_t off = kind == GL_KIND_POINTER ? rt->ptr_off_elem
			       : kind == GL_KIND_SLICE ? rt->slice_off_elem
						       : rt->chan_off_elem;
		obj_target(&t, off, &ms, &mn);
		if (!same_ref(h, ms, mn, word(ht + off)))
			return DIFF("element %.*s, the host's %s", (int)mn, ms, host_name_of(h, word(ht + off)));
		if (kind == GL_KIND_CHAN && obj_word(&t, rt->chan_off_dir, 8) != word(ht + rt->chan_off_dir))
			return DIFF("%s", "channel direction");
		break;
	}
	case GL_KIND_ARRAY:
		if (obj_word(&t, rt->array_off_len, 8) != word(ht + rt->array_off_len))
			return DIFF("length %llu, the host's %llu", (unsigned long long)obj_word(&t, rt->array_off_len, 8),
				    (unsigned long long)word(ht + rt->array_off_len));
		obj_target(&t, rt->array_off_elem, &ms, &mn);
		if (!same_ref(h, ms, mn, word(ht + rt->array_off_elem)))
			return DIFF("element %.*s, the host's %s", (int)mn, ms, host_name_of(h, word(ht + rt->array_off_elem)));
		break;
	case GL_KIND_MAP:
		for (int k = 0; k < 2; k++) {
			uint16_t off = k ? rt->map_off_elem : rt->map_off_key;
			obj_target(&t, off, &ms, &mn);
			if (!same_ref(h, ms, mn, word(ht + off)))
				return DIFF("%s %.*s, the host's %s", k ? "element" : "key", (int)mn, ms, host_name_of(h, word(ht + off)));
		}
		break;
	case GL_KIND_FUNC:
		if (obj_word(&t, rt->func_off_incount, 2) != u16(ht + rt->func_off_incount) ||
		    obj_word(&t, rt->func_off_outcount, 2) != u16(ht + rt->func_off_outcount))
			return DIFF("%s", "parameter count");
		break;
	case GL_KIND_STRUCT: {
		/* Fields: a slice whose data is the descriptor itself (after
		 * the uncommon part, if any) at the relocation's addend. */
		uint64_t nf = obj_word(&t, rt->struct_off_fields + 8, 8), hf = word(ht + rt->struct_off_fields + 8);
		if (nf != hf)
			return DIFF("%llu fields, the host's %llu", (unsigned long long)nf, (unsigned long long)hf);
		gl_goobj_reloc fr;
		if (!nf || !obj_reloc(&t, rt->struct_off_fields, &fr) || !self_ref(&t, fr))
			break;
		uint64_t hfa = word(ht + rt->struct_off_fields);
		for (uint64_t i = 0; i < nf && i < 4096; i++) {
			uint64_t mo = (uint64_t)fr.add + i * rt->field_size, ho = hfa + i * rt->field_size;
			uint64_t moff = obj_word(&t, mo + rt->field_off_offset, 8), hoff = word(ho + rt->field_off_offset);
			if (!obj_name(rt, &t, mo + rt->field_off_name, &ms, &mn))
				ms = "?", mn = 1;
			uint64_t hna = word(ho + rt->field_off_name);
			if (!hna || !name_text(rt, at(hna), 1u << 16, &hs, &hn))
				hs = "?", hn = 1;
			const char *mt;
			size_t mtn;
			obj_target(&t, mo + rt->field_off_typ, &mt, &mtn);
			uint64_t hty = word(ho + rt->field_off_typ);
			if (moff != hoff || mn != hn || memcmp(ms, hs, mn) || !same_ref(h, mt, mtn, hty)) {
				const char *htn = host_name_of(h, hty);
				if (mtn > 5 && !memcmp(mt, "type:", 5))
					mt += 5, mtn -= 5;
				return DIFF("field %llu is %.*s %.*s at offset %llu, the host's %.*s %s at offset %llu",
					    (unsigned long long)i, (int)mn, ms, (int)mtn, mt, (unsigned long long)moff, (int)hn, hs,
					    htn ? htn : "?", (unsigned long long)hoff);
			}
		}
		break;
	}
	case GL_KIND_INTERFACE: {
		uint64_t nm_ = obj_word(&t, rt->iface_off_methods + 8, 8), hm = word(ht + rt->iface_off_methods + 8);
		if (nm_ != hm)
			return DIFF("%llu methods, the host's %llu", (unsigned long long)nm_, (unsigned long long)hm);
		gl_goobj_reloc ir;
		if (!nm_ || !obj_reloc(&t, rt->iface_off_methods, &ir) || !self_ref(&t, ir))
			break;
		long i = diff_method(h, &t, (uint64_t)ir.add, word(ht + rt->iface_off_methods), nm_, rt->imethod_size,
				     rt->imethod_off_name, &ms, &mn, &hs, &hn);
		if (i >= 0)
			return DIFF("method %ld is %.*s, the host's %.*s", i, (int)mn, ms, (int)hn, hs);
		break;
	}
	default:
		break;
	}
	/* The method set (UncommonType): count and names in order. */
	if ((mtf & rt->tflag_uncommon) && (htf & rt->tflag_uncommon) && kind < GL_KIND__COUNT) {
		uint64_t u = rt->type_size + rt->kind_extra[kind];
		uint64_t mc = obj_word(&t, u + rt->uncommon_off_mcount, 2), hc = u16(ht + u + rt->uncommon_off_mcount);
		if (mc != hc)
			return DIFF("%llu methods, the host's %llu", (unsigned long long)mc, (unsigned long long)hc);
		long i = diff_method(h, &t, u + obj_word(&t, u + rt->uncommon_off_moff, 4),
				     ht + u + host_u32(ht + u + rt->uncommon_off_moff), mc, rt->method_size, rt->method_off_name, &ms,
				     &mn, &hs, &hn);
		if (i >= 0)
			return DIFF("method %ld is %.*s, the host's %.*s", i, (int)mn, ms, (int)hn, hs);
	} else if ((mtf ^ htf) & rt->tflag_uncommon)
		return DIFF("%s", "one has methods or a package path, the other not");
#undef DIFF
	return 0;
}
