/*
 * Stage 4, the func table and pclntab.
 *
 * Takes the laid-out text symbols and their objects' FuncInfo, pc-value
 * tables, funcdata and inline trees; gives a funcbuild (rt's input: one
 * compilation unit per object, every function in address order) and
 * m->pcln, the pclntab rt builds for the host's Go version. Run twice by
 * goload_module_link: at a provisional address to size the mapping, then
 * at the real one.
 */
#include "link/link_internal.h"

void funcbuild_free(funcbuild *b)
{
	GL_VEC_FREE(&b->funcs);
	for (size_t i = 0; i < b->cus.len; i++)
		free((void *)b->cus.v[i].files);
	GL_VEC_FREE(&b->cus);
	GL_VEC_FREE(&b->spans);
	GL_VEC_FREE(&b->fdata);
	GL_VEC_FREE(&b->inl);
	GL_VEC_FREE(&b->files);
	GL_VEC_FREE(&b->span_at);
	GL_VEC_FREE(&b->fdata_at);
	GL_VEC_FREE(&b->inl_at);
}

static gl_span aux_data(const gl_goobj *o, gl_goobj_ref r)
{
	uint32_t local;
	if (!gl_goobj_ref_local(o, r, &local) || local >= gl_goobj_ndefs(o))
		return gl_span_make(NULL, 0);
	return gl_goobj_data(o, local);
}

static char *expand_goroot(goload_module *m, gl_span f)
{
	static const char pre[] = "$GOROOT", gofile[] = "gofile..";
	/* Go 1.21 objects still spell file symbols "gofile..<path>". */
	if (f.n >= sizeof gofile - 1 && !memcmp(f.p, gofile, sizeof gofile - 1)) {
		f.p += sizeof gofile - 1;
		f.n -= sizeof gofile - 1;
	}
	const char *root = m->opts.goroot;
	if (root && f.n >= sizeof pre - 1 && !memcmp(f.p, pre, sizeof pre - 1)) {
		/* (keep copies its n bytes: root has only rl of them) */
		size_t rl = strlen(root), rest = f.n - (sizeof pre - 1);
		char *t = malloc(rl + rest + 1), *c = NULL;
		if (t) {
			memcpy(t, root, rl);
			memcpy(t + rl, f.p + sizeof pre - 1, rest);
			c = keep(m, t, rl + rest);
			free(t);
		}
		return c;
	}
	return keep(m, (const char *)f.p, f.n);
}

int build_funcs(goload_module *m, funcbuild *b, goload_err *err)
{
	const char *deferreturn = "runtime.deferreturn";
	/* One CU per object: pcfile values index the object's File block. */
	for (uint32_t oi = 0; oi < m->objs.len; oi++) {
		const gl_goobj *o = m->objs.v[oi].o;
		uint32_t nf = gl_goobj_nfiles(o);
		const char **files = calloc(nf ? nf : 1, sizeof *files);
		if (!files)
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		for (uint32_t k = 0; k < nf; k++)
			if (!(files[k] = expand_goroot(m, gl_goobj_file_at(o, k)))) {
				free(files);
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			}
		gl_rt_cu cu = {files, nf};
		if (!GL_VEC_PUSH(&b->cus, cu)) {
			free(files);
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		}
	}
	const struct gl_rttab *rt = m->host->rt;
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s) || s->sect != SECT_TEXT)
			continue;
		gl_lobj *lo = &m->objs.v[s->obj];
		gl_goobj_funcinfo fi;
		int rc = gl_goobj_funcinfo_get(lo->o, s->idx, &fi, err);
		if (rc < 0)
			return gl_err_prefix(err, "%s", s->name);
		gl_rt_func f = {.name = s->name, .entry = s->addr, .size = s->size, .args = fi.args,
				.startline = fi.startline, .funcid = fi.funcid_raw, .flag = fi.funcflag_raw, .cu = s->obj};
		gl_span pcinline = {0};
		size_t span0 = b->spans.len, fd0 = b->fdata.len;
		uint32_t first, n = gl_goobj_auxs(lo->o, s->idx, &first);
		for (uint32_t j = 0; j < n; j++) {
			gl_goobj_aux a = gl_goobj_aux_at(lo->o, first + j);
			switch (a.type) {
			case GL_AUX_PCSP: f.pcsp = aux_data(lo->o, a.sym); break;
			case GL_AUX_PCFILE: f.pcfile = aux_data(lo->o, a.sym); break;
			case GL_AUX_PCLINE: f.pcline = aux_data(lo->o, a.sym); break;
			case GL_AUX_PCINLINE: pcinline = aux_data(lo->o, a.sym); break;
			case GL_AUX_PCDATA:
				if (!GL_VEC_PUSH(&b->spans, aux_data(lo->o, a.sym)))
					return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
				break;
			case GL_AUX_FUNCDATA: {
				uint64_t addr = 0;
				if (!gl_goobj_ref_is_nil(a.sym)) {
					gl_goobj_symname nm;
					uint32_t t = resolve(m, s->obj, a.sym, &nm, err);
					s = gl_link_sym(m, si); /* resolve may grow the symbol table */
					if (t == NOSYM || gl_link_sym(m, t)->sect != SECT_RODATA)
						return gl_err(err, GOLOAD_E_INTERNAL, "%s: funcdata %zu is not loaded read-only data",
							      s->name, b->fdata.len - fd0);
					addr = gl_link_sym(m, t)->dropped ? 0 : gl_link_sym(m, t)->addr;
				}
				if (!GL_VEC_PUSH(&b->fdata, addr))
					return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
				break;
			}
			default: break;
			}
		}
		if (fi.ninl) {
			/* PCDATA_InlTreeIndex is the pcinline table. */
			while (b->spans.len - span0 <= rt->pcdata_inltreeindex)
				if (!GL_VEC_PUSH(&b->spans, gl_span_make(NULL, 0)))
					return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			b->spans.v[span0 + rt->pcdata_inltreeindex] = pcinline;
		}
		f.npcdata = (uint32_t)(b->spans.len - span0);
		f.nfuncdata = (uint32_t)(b->fdata.len - fd0);
		size_t inl0 = b->inl.len;
		for (uint32_t k = 0; k < fi.ninl; k++) {
			gl_goobj_inl in = gl_goobj_funcinfo_inl_at(&fi, k);
			gl_rt_inl ri = {.parent = in.parent, .parentpc = in.parent_pc};
			gl_goobj_symname nm;
			gl_goobj_resolver res = {dep_object, m};
			goload_err e = {0};
			if (gl_goobj_ref_name(lo->o, in.func, &res, &nm, &e) == 0) {
				ri.func = keep(m, nm.name, nm.namelen);
				uint32_t callee;
				/* funcID and start line come from the callee's own FuncInfo. */
				if (find_named(m, nm.name, nm.namelen, 1, &callee) && !gl_link_sym(m, callee)->host) {
					gl_lsym *c = gl_link_sym(m, callee);
					gl_goobj_funcinfo cfi;
					if (gl_goobj_funcinfo_get(m->objs.v[c->obj].o, c->idx, &cfi, NULL) == 0) {
						ri.funcid = cfi.funcid_raw;
						ri.startline = cfi.startline;
					}
				}
			} else {
				/* A callee in a package that is neither loaded nor
				 * named by RefName: its frame keeps the package name. */
				gl_span pkg = gl_goobj_pkg_at(lo->o, in.func.pkg);
				char buf[600];
				snprintf(buf, sizeof buf, "%.*s.(inlined)", (int)pkg.n, (const char *)pkg.p);
				ri.func = keep(m, buf, strlen(buf));
			}
			if (!ri.func || !GL_VEC_PUSH(&b->inl, ri))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		}
		f.ninl = fi.ninl;
		/* The deferreturn call: the runtime resumes a frame there. */
		uint32_t rfirst, nr = gl_goobj_relocs(lo->o, s->idx, &rfirst);
		for (uint32_t j = 0; j < nr; j++) {
			gl_goobj_reloc r = gl_goobj_reloc_at(lo->o, rfirst + j);
#if defined(__aarch64__)
			if (r.type != GL_R_CALLARM64) /* the BL itself */
				continue;
			const uint32_t call_start = 0;
#else
			if (r.type != GL_R_CALL) /* the rel32 of a 5-byte CALL */
				continue;
			const uint32_t call_start = 1;
#endif
			gl_goobj_symname nm;
			if (gl_goobj_ref_name(lo->o, r.sym, NULL, &nm, NULL) == 0 && nm.namelen == strlen(deferreturn) &&
			    !memcmp(nm.name, deferreturn, nm.namelen))
				f.deferreturn = (uint32_t)r.off - call_start;
		}
		if (!GL_VEC_PUSH(&b->funcs, f) || !GL_VEC_PUSH(&b->span_at, span0) || !GL_VEC_PUSH(&b->fdata_at, fd0) ||
		    !GL_VEC_PUSH(&b->inl_at, inl0))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	/* The vectors are complete: point each function at its slices. */
	for (size_t i = 0; i < b->funcs.len; i++) {
		gl_rt_func *f = &b->funcs.v[i];
		f->pcdata = f->npcdata ? &b->spans.v[b->span_at.v[i]] : NULL;
		f->funcdata = f->nfuncdata ? &b->fdata.v[b->fdata_at.v[i]] : NULL;
		f->inl = f->ninl ? &b->inl.v[b->inl_at.v[i]] : NULL;
	}
	return 0;
}

int build_pcln(goload_module *m, funcbuild *b, goload_err *err)
{
	if (b->funcs.len == 0)
		return gl_err(err, GOLOAD_E_INVAL, "link: the archives define no functions");
	const gl_rt_func *last = &b->funcs.v[b->funcs.len - 1];
	gl_rt_input in = {b->funcs.v, b->funcs.len, b->cus.v, b->cus.len, m->sect_addr[SECT_TEXT],
			  last->entry + last->size, m->sect_addr[SECT_RODATA]};
	gl_rt_pcln_free(&m->pcln);
	return gl_rt_pcln_build(m->host->rt, &in, m->pcln_addr, &m->pcln, err);
}
