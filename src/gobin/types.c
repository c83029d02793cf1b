/*
 * Type descriptors (internal/abi.Type and its kind-specific tails) and
 * itabs, reached from moduledata.typelinks / itablinks, or in Go 1.27+
 * from the typelink descriptor region [types+8, types+typedesclen) and the
 * itab region [types+itaboffset, +itabsize) (runtime.moduleTypelinks,
 * runtime.addModuleItabs).
 */
#include "gobin/gobin_int.h"

#include <string.h>

static uint64_t mdword(const gl_gobin *g, enum gl_md_field f)
{
	uint64_t v = 0;
	goload_err e;
	gl_gobin_md_word(g, f, &v, &e);
	return v;
}

/* An abi.Name at va: flags byte, length, bytes. */
static bool name_at(const gl_gobin *g, uint64_t va, const char **s, size_t *n, uint8_t *flags)
{
	gl_span sp = gl_image_va_span(g->image, va);
	if (sp.n < 2)
		return false;
	gl_rd r = gl_rd_make(sp, 0);
	uint8_t fl = gl_rd_u8(&r);
	uint64_t len;
	if (g->rt->name_varint) {
		len = gl_rd_uvarint(&r);
	} else {
		uint8_t hi = gl_rd_u8(&r), lo = gl_rd_u8(&r);
		len = (uint64_t)hi << 8 | lo;
	}
	const uint8_t *p = gl_rd_bytes(&r, len);
	if (!p)
		return false;
	*s = (const char *)p;
	*n = (size_t)len;
	if (flags)
		*flags = fl;
	return true;
}

int gl_gobin_type_at(const gl_gobin *g, uint64_t va, gl_gobin_type *t, goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	gl_span d = gl_gobin_va_span(g, va, rt->type_size);
	if (!d.p)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: type descriptor at 0x%llx is outside the file", g->what,
			      (unsigned long long)va);
	memset(t, 0, sizeof *t);
	t->va = va;
	gl_u64_at(d, rt->type_off_size, &t->size);
	gl_u64_at(d, rt->type_off_ptrdata, &t->ptrdata);
	gl_u32_at(d, rt->type_off_hash, &t->hash);
	t->tflag = d.p[rt->type_off_tflag];
	t->align = d.p[rt->type_off_align];
	t->fieldalign = d.p[rt->type_off_fieldalign];
	t->kind = d.p[rt->type_off_kind] & rt->kind_mask;
	if (t->kind == 0 || t->kind >= GL_KIND__COUNT)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: type descriptor at 0x%llx has invalid kind %u", g->what,
			      (unsigned long long)va, d.p[rt->type_off_kind]);
	uint32_t str;
	gl_u32_at(d, rt->type_off_str, &str);
	uint64_t types = mdword(g, GL_MD_TYPES);
	if (!name_at(g, types + (int32_t)str, &t->name, &t->namelen, NULL))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: type at 0x%llx: name offset 0x%x is outside the file", g->what,
			      (unsigned long long)va, str);
	if ((t->tflag & rt->tflag_extrastar) && t->namelen && t->name[0] == '*') {
		t->name++;
		t->namelen--;
	}
	t->pkgpath = "";
	if (t->kind == GL_KIND_POINTER) {
		if (!gl_gobin_u64(g, va + rt->ptr_off_elem, &t->elem_va))
			return gl_err(err, GOLOAD_E_FORMAT, "%s: pointer type at 0x%llx: elem is outside the file",
				      g->what, (unsigned long long)va);
	}
	if (t->tflag & rt->tflag_uncommon) {
		uint64_t u = va + rt->type_size + rt->kind_extra[t->kind];
		gl_span us = gl_gobin_va_span(g, u, rt->uncommon_size);
		if (!us.p)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: type %.*s at 0x%llx: uncommon part is outside the file",
				      g->what, (int)t->namelen, t->name, (unsigned long long)va);
		uint32_t pkg, moff;
		gl_u32_at(us, 0, &pkg);
		gl_u16_at(us, 4, &t->mcount);
		gl_u16_at(us, 6, &t->xcount);
		gl_u32_at(us, 8, &moff);
		if (pkg && !name_at(g, types + (int32_t)pkg, &t->pkgpath, &t->pkgpathlen, NULL))
			return gl_err(err, GOLOAD_E_FORMAT, "%s: type %.*s: package path offset 0x%x is outside the file",
				      g->what, (int)t->namelen, t->name, pkg);
		if (t->mcount)
			t->methods_va = u + moff;
		if (t->xcount > t->mcount)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: type %.*s: %u exported of %u methods", g->what,
				      (int)t->namelen, t->name, t->xcount, t->mcount);
	}
	return 0;
}

int gl_gobin_type_method(const gl_gobin *g, const gl_gobin_type *t, size_t i, gl_gobin_method *m, goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	if (i >= t->mcount)
		return gl_err(err, GOLOAD_E_INVAL, "%s: type %.*s has %u methods, not %zu", g->what, (int)t->namelen,
			      t->name, t->mcount, i + 1);
	gl_span s = gl_gobin_va_span(g, t->methods_va + i * rt->method_size, rt->method_size);
	if (!s.p)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: type %.*s: method %zu is outside the file", g->what,
			      (int)t->namelen, t->name, i);
	uint32_t name, mtyp, ifn, tfn;
	gl_u32_at(s, 0, &name);
	gl_u32_at(s, 4, &mtyp);
	gl_u32_at(s, 8, &ifn);
	gl_u32_at(s, 12, &tfn);
	uint64_t types = mdword(g, GL_MD_TYPES);
	uint8_t flags = 0;
	if (!name_at(g, types + (int32_t)name, &m->name, &m->namelen, &flags))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: type %.*s: method %zu name offset 0x%x is outside the file",
			      g->what, (int)t->namelen, t->name, i, name);
	m->exported = flags & 1;
	/* -1 marks a method the linker found unreachable and dropped. */
	m->mtyp = mtyp == UINT32_MAX ? 0 : types + (int32_t)mtyp;
	m->ifn = ifn == UINT32_MAX ? 0 : gl_gobin_textaddr(g, ifn);
	m->tfn = tfn == UINT32_MAX ? 0 : gl_gobin_textaddr(g, tfn);
	return 0;
}

/* Bytes of the descriptor at t (abi.Type.DescriptorSize, Go 1.27). */
static int descriptor_size(const gl_gobin *g, const gl_gobin_type *t, uint64_t *size, goload_err *err)
{
	if (!gl_rt_descriptor_size(g->rt, gl_image_va_span(g->image, t->va), size))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s type at 0x%llx is truncated or has a bad member count",
			      g->what, gl_kind_name(t->kind), (unsigned long long)t->va);
	return 0;
}

int gl_gobin_types_walk(const gl_gobin *g, gl_gobin_type_cb cb, void *ctx, goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	uint64_t types = mdword(g, GL_MD_TYPES);
	gl_gobin_type t;
	int rc;
	if (rt->md_off[GL_MD_TYPELINKS] != GL_RT_ABSENT) {
		gl_gobin_slice tl;
		if ((rc = gl_gobin_md_slice(g, GL_MD_TYPELINKS, &tl, err)) != 0)
			return rc;
		gl_span s = gl_gobin_va_span(g, tl.va, tl.len * 4);
		if (tl.len && !s.p)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: typelinks [0x%llx, %llu entries) is outside the file",
				      g->what, (unsigned long long)tl.va, (unsigned long long)tl.len);
		for (uint64_t i = 0; i < tl.len; i++) {
			uint32_t off;
			gl_u32_at(s, i * 4, &off);
			if ((rc = gl_gobin_type_at(g, types + (int32_t)off, &t, err)) != 0)
				return gl_err_prefix(err, "typelinks[%llu]", (unsigned long long)i);
			if (!cb(ctx, &t))
				return 0;
		}
		return 0;
	}
	uint64_t end = types + mdword(g, GL_MD_TYPEDESCLEN);
	uint64_t td = types + 8;
	for (size_t i = 0; td < end; i++) {
		td = (td + 7) & ~7ull;
		if (td >= end)
			break;
		uint64_t size = 0;
		if ((rc = gl_gobin_type_at(g, td, &t, err)) != 0 || (rc = descriptor_size(g, &t, &size, err)) != 0)
			return gl_err_prefix(err, "type descriptor %zu", i);
		if (!cb(ctx, &t))
			return 0;
		td += size;
	}
	return 0;
}

static int itab_at(const gl_gobin *g, uint64_t va, gl_gobin_itab *it, goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	memset(it, 0, sizeof *it);
	it->va = va;
	const uint8_t *p = gl_gobin_va(g, va, rt->itab_off_fun + 8u);
	if (!p)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: itab at 0x%llx is outside the file", g->what,
			      (unsigned long long)va);
	gl_span s = gl_span_make(p, rt->itab_off_fun + 8u);
	gl_u64_at(s, rt->itab_off_inter, &it->inter);
	gl_u64_at(s, rt->itab_off_type, &it->type);
	gl_u32_at(s, rt->itab_off_hash, &it->hash);
	it->fun_va = va + rt->itab_off_fun;
	uint64_t n;
	if (!gl_gobin_u64(g, it->inter + rt->iface_off_methods + 8, &n) || n > g->img.n)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: itab at 0x%llx: interface type 0x%llx is unreadable", g->what,
			      (unsigned long long)va, (unsigned long long)it->inter);
	it->nfun = (size_t)n;
	return 0;
}

int gl_gobin_itab_fun(const gl_gobin *g, const gl_gobin_itab *it, size_t i, uint64_t *pc, goload_err *err)
{
	if (i >= it->nfun || !gl_gobin_u64(g, it->fun_va + 8 * i, pc))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: itab at 0x%llx: fun[%zu] is unreadable", g->what,
			      (unsigned long long)it->va, i);
	return 0;
}

int gl_gobin_itabs_walk(const gl_gobin *g, gl_gobin_itab_cb cb, void *ctx, goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	gl_gobin_itab it;
	int rc;
	if (rt->md_off[GL_MD_ITABLINKS] != GL_RT_ABSENT) {
		gl_gobin_slice il;
		if ((rc = gl_gobin_md_slice(g, GL_MD_ITABLINKS, &il, err)) != 0)
			return rc;
		for (uint64_t i = 0; i < il.len; i++) {
			uint64_t va;
			if (!gl_gobin_u64(g, il.va + 8 * i, &va))
				return gl_err(err, GOLOAD_E_FORMAT, "%s: itablinks[%llu] is outside the file", g->what,
					      (unsigned long long)i);
			if ((rc = itab_at(g, va, &it, err)) != 0)
				return gl_err_prefix(err, "itablinks[%llu]", (unsigned long long)i);
			if (!cb(ctx, &it))
				return 0;
		}
		return 0;
	}
	uint64_t p = mdword(g, GL_MD_TYPES) + mdword(g, GL_MD_ITABOFFSET);
	uint64_t end = p + mdword(g, GL_MD_ITABSIZE);
	for (size_t i = 0; p < end; i++) {
		if ((rc = itab_at(g, p, &it, err)) != 0)
			return gl_err_prefix(err, "itab %zu", i);
		if (!cb(ctx, &it))
			return 0;
		uint64_t f0 = 0;
		gl_gobin_u64(g, it.fun_va, &f0);
		/* abi.ITab.Size: fun[0] == 0 marks a negative entry with one slot. */
		p += rt->itab_off_fun + 8u * (f0 && it.nfun ? it.nfun : 1);
	}
	return 0;
}
