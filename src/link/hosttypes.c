/*
 * The host's type descriptors by linker name ("type:[]string"). A plain
 * Go executable's symbol table has no per-type symbols (they sit under the
 * "type:*" carrier), so the index is built from the live runtime tables:
 * every descriptor reachable from the typelinks and itablinks of
 * runtime.firstmoduledata, walking element, key, field and parameter types.
 *
 * Names follow the linker's spelling: named types with their full package
 * path, composites built from their parts. Struct and interface literals
 * are walked through but not named (their runtime strings use package
 * names, not paths); loaded code keeps its own copies of those.
 */
#include "link/host.h"

#include "versions/rt_tables.h"

#include <stdlib.h>
#include <string.h>

typedef struct walker {
	goload_host *h;
	const struct gl_rttab *rt;
	uint64_t types, etypes;
	gl_buf nb; /* scratch for names */
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
static uint32_t u32(uint64_t a) { uint32_t v; memcpy(&v, at(a), 4); return v; }
static uint16_t u16(uint64_t a) { uint16_t v; memcpy(&v, at(a), 2); return v; }

/* A runtime name (abi.Name) at a nameOff from the host's types base. */
static bool name_at(const walker *w, int32_t off, const char **s, size_t *n)
{
	uint64_t a = w->types + (uint64_t)(int64_t)off;
	if (off < 0 || a + 3 > w->etypes)
		return false;
	const uint8_t *p = at(a);
	if (w->rt->name_varint) {
		size_t used = gl_uvarint(p + 1, (size_t)(w->etypes - a - 1), (uint64_t *)n);
		if (!used)
			return false;
		*s = (const char *)p + 1 + used;
	} else {
		*n = (size_t)p[1] << 8 | p[2];
		*s = (const char *)p + 3;
	}
	return a + *n <= w->etypes;
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
		if (!name_at(w, (int32_t)u32(t + rt->type_off_str), &s, &n))
			return false;
		if ((tflag & rt->tflag_extrastar) && n) {
			s++;
			n--;
		}
		const char *pp = NULL;
		size_t ppn = 0;
		if ((tflag & rt->tflag_uncommon) && kind < GL_KIND__COUNT) {
			uint64_t u = t + rt->type_size + rt->kind_extra[kind];
			name_at(w, (int32_t)u32(u + rt->uncommon_off_pkgpath), &pp, &ppn);
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
	char *k = malloc(w->nb.len + 1);
	if (!k)
		return false;
	memcpy(k, w->nb.p, w->nb.len);
	k[w->nb.len] = 0;
	bool existed;
	if (!gl_strmap_add(&w->h->types, k, w->nb.len, t, &existed)) {
		free(k);
		return false;
	}
	if (existed)
		free(k);
	else if (!GL_VEC_PUSH(&w->h->typenames, k)) {
		return false;
	}
	return true;
}

/* Visits t and every type it mentions (iteratively deep through a stack). */
static bool walk(walker *w, uint64_t root)
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
		int32_t ptrto = (int32_t)u32(t + rt->type_off_ptrtothis);
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

int gl_host_types_index(goload_host *h, goload_err *err)
{
	if (h->types_indexed)
		return 0;
	const struct gl_rttab *rt = h->rt;
	uint64_t md = gl_host_addr(h, "runtime.firstmoduledata");
	if (!rt || !md || rt->md_off[GL_MD_TYPELINKS] == GL_RT_ABSENT)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "host: cannot index its types (no firstmoduledata or typelinks)");
	walker w = {.h = h, .rt = rt};
	w.types = word(md + rt->md_off[GL_MD_TYPES]);
	w.etypes = word(md + rt->md_off[GL_MD_ETYPES]);
	uint64_t tl = word(md + rt->md_off[GL_MD_TYPELINKS]), ntl = word(md + rt->md_off[GL_MD_TYPELINKS] + 8);
	bool ok = true;
	for (uint64_t i = 0; ok && i < ntl; i++)
		ok = walk(&w, w.types + (uint64_t)(int64_t)(int32_t)u32(tl + 4 * i));
	if (rt->md_off[GL_MD_ITABLINKS] != GL_RT_ABSENT) {
		uint64_t il = word(md + rt->md_off[GL_MD_ITABLINKS]), nil = word(md + rt->md_off[GL_MD_ITABLINKS] + 8);
		for (uint64_t i = 0; ok && i < nil; i++) {
			uint64_t it = word(il + 8 * i);
			ok = walk(&w, word(it + rt->itab_off_inter)) && walk(&w, word(it + rt->itab_off_type));
		}
	}
	free(w.seen);
	gl_buf_free(&w.nb);
	if (!ok)
		return gl_err(err, GOLOAD_E_NOMEM, "host: out of memory indexing types");
	h->types_indexed = true;
	return 0;
}

uint64_t gl_host_type(const goload_host *h, const char *name, size_t n)
{
	uint64_t v;
	return gl_strmap_get(&h->types, name, n, &v) ? v : 0;
}

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
	for (size_t i = 0; i < h->typenames.len && rc == 0; i++) {
		const char *tn = h->typenames.v[i] + 5; /* after "type:" */
		bool ptr = tn[0] == '*';
		const char *named = tn + ptr;
		size_t slash = 0, n = strlen(named);
		for (size_t k = 0; k < n; k++)
			if (named[k] == '/')
				slash = k;
		const char *dot = memchr(named + slash, '.', n - slash);
		if (!dot || strpbrk(named, "[]{} *()") || (named[0] == 'm' && !strncmp(named, "map", 3) && named[3] == '['))
			continue;
		uint64_t t = gl_host_type(h, h->typenames.v[i], strlen(h->typenames.v[i]));
		uint8_t tflag = at(t)[rt->type_off_tflag], kind = at(t)[rt->type_off_kind] & rt->kind_mask;
		if (!(tflag & rt->tflag_uncommon) || kind >= GL_KIND__COUNT)
			continue;
		uint64_t u = t + rt->type_size + rt->kind_extra[kind];
		uint16_t mcount = u16(u + rt->uncommon_off_mcount);
		uint64_t methods = u + u32(u + rt->uncommon_off_moff);
		/* A value receiver's itab entry is the method itself when the
		 * value is pointer-shaped, else the (*T) wrapper: live siblings
		 * say which (Ifn == Tfn), pointer-shaped kinds always are. */
		bool direct = ptr || kind == GL_KIND_FUNC || kind == GL_KIND_MAP || kind == GL_KIND_CHAN ||
			      kind == GL_KIND_POINTER || kind == GL_KIND_UNSAFEPOINTER;
		for (uint16_t k = 0; k < mcount && !ptr; k++) {
			uint64_t me = methods + (uint64_t)k * rt->method_size;
			int32_t ifn = (int32_t)u32(me + rt->method_off_ifn), tfn = (int32_t)u32(me + rt->method_off_tfn);
			if (ifn != -1 && tfn != -1)
				direct = ifn == tfn;
		}
		for (uint16_t k = 0; k < mcount && rc == 0; k++) {
			uint64_t me = methods + (uint64_t)k * rt->method_size;
			const char *mn;
			size_t mnl;
			if ((int32_t)u32(me + rt->method_off_ifn) != -1 && (int32_t)u32(me + rt->method_off_tfn) != -1)
				continue;
			if (!name_at(&w, (int32_t)u32(me + rt->method_off_name), &mn, &mnl))
				continue;
			for (int f = 0; f < 2 && rc == 0; f++) { /* Ifn, Tfn */
				uint64_t slot = me + (f ? rt->method_off_tfn : rt->method_off_ifn);
				if ((int32_t)u32(slot) != -1)
					continue;
				sym.len = 0;
				gl_buf_append(&sym, named, (size_t)(dot - named));
				if (ptr || (f == 0 && !direct))
					gl_buf_printf(&sym, ".(*%.*s).", (int)(named + n - dot - 1), dot + 1);
				else
					gl_buf_printf(&sym, ".%.*s.", (int)(named + n - dot - 1), dot + 1);
				gl_buf_append(&sym, mn, mnl);
				gl_buf_u8(&sym, 0);
				if (sym.oom)
					rc = gl_err(err, GOLOAD_E_NOMEM, "host: out of memory");
				else
					rc = fn(ctx, (const char *)sym.p, slot, err);
			}
		}
	}
	gl_buf_free(&sym);
	return rc;
}
