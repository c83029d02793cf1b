/*
 * Stage 6, the runtime's tables of the module.
 *
 * Takes the relocated module; gives the GC pointer masks of its data and
 * bss (from each variable's type), and the lists its moduledata points at:
 * itabs, typelinks (checked against what a Go 1.27+ runtime finds), and
 * the init tasks in the Go linker's order (m->itabs, m->typelinks,
 * m->inittasks).
 */
#include "link/link_internal.h"

enum { MAX_PTRMASK_WORDS = 2048 * 8 }; /* abi.MaxPtrmaskBytes * 8: beyond it, GC programs or on-demand masks */

int gc_masks(goload_module *m, goload_err *err)
{
	size_t nd = m->sect_size[SECT_DATA] / 8 + 1, nb = m->sect_size[SECT_BSS] / 8 + 1;
	m->gcdata = calloc((nd + 7) / 8, 1);
	m->gcbss = calloc((nb + 7) / 8, 1);
	if (!m->gcdata || !m->gcbss)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (s->host || (s->sect != SECT_DATA && s->sect != SECT_BSS))
			continue;
		gl_lobj *lo = &m->objs.v[s->obj];
		uint32_t first, n = gl_goobj_auxs(lo->o, s->idx, &first);
		gl_lsym *ty = NULL;
		for (uint32_t j = 0; j < n; j++) {
			gl_goobj_aux a = gl_goobj_aux_at(lo->o, first + j);
			if (a.type == GL_AUX_GOTYPE) {
				gl_goobj_symname nm;
				uint32_t t = resolve(m, s->obj, a.sym, &nm, NULL);
				s = gl_link_sym(m, si); /* resolve may grow the symbol table */
				if (t == NOSYM)
					return gl_err(err, GOLOAD_E_UNRESOLVED, "%s: its type %.*s is neither loaded nor in the host",
						      s->name, (int)nm.namelen, nm.name);
				ty = gl_link_sym(m, t);
			}
		}
		if (!ty)
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: global \"%s\" (symbol %u, %u bytes, %s) has no recorded type", gl_goobj_name(lo->o), s->name, s->idx, s->size, sect_names[s->sect]);
		const uint8_t *desc = (const uint8_t *)(uintptr_t)ty->addr;
		if (!ty->host)
			desc = mem_at(m, ty->addr);
		if (ty->alias)
			desc = (const uint8_t *)(uintptr_t)ty->alias;
		uint64_t ptrdata, gcdata;
		memcpy(&ptrdata, desc + 8, 8);
		memcpy(&gcdata, desc + 32, 8);
		uint64_t words = ptrdata / 8;
		if (words > MAX_PTRMASK_WORDS)
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: type %s has %llu pointer words (GC programs are not supported yet)",
				      s->name, ty->name, (unsigned long long)words);
		if (s->off % 8)
			return gl_err(err, GOLOAD_E_INTERNAL, "%s: pointer-carrying global not word-aligned", s->name);
		const uint8_t *mask = (const uint8_t *)(uintptr_t)gcdata;
		if (gcdata >= m->sect_addr[SECT_TEXT] && gcdata < module_end(m))
			mask = mem_at(m, gcdata);
		uint8_t *out = s->sect == SECT_DATA ? m->gcdata : m->gcbss;
		for (uint64_t w = 0; w < words; w++)
			if (mask[w / 8] >> (w % 8) & 1) {
				uint64_t bit = s->off / 8 + w;
				out[bit / 8] |= (uint8_t)(1u << (bit % 8));
			}
	}
	return 0;
}

/* The runtime walks the typelinked descriptors by their DescriptorSize,
 * not by their symbols' sizes: both must agree or it would read a
 * descriptor at a wrong address. */
static int check_typedesc(goload_module *m, const u32vec *tl, goload_err *err)
{
	const struct gl_rttab *rt = m->host->rt;
	uint64_t types = m->sect_addr[SECT_RODATA], etypes = types + m->sect_size[SECT_RODATA];
	uint64_t td = types + 8, end = types + m->typedesclen;
	size_t i = 0;
	for (; td < end; i++) {
		td = (td + 7) & ~7ull;
		if (td >= end)
			break;
		uint64_t size;
		const gl_lsym *s = i < tl->len ? gl_link_sym(m, tl->v[i]) : NULL;
		if (!s || s->addr != td || !gl_rt_descriptor_size(rt, gl_span_make(mem_at(m, td), etypes - td), &size) ||
		    size != s->size)
			return gl_err(err, GOLOAD_E_INTERNAL, "link: typelinked descriptor %zu at types+0x%llx (%s): its "
				      "DescriptorSize does not match its symbol", i, (unsigned long long)(td - types),
				      s ? s->name : "none");
		td += size;
	}
	if (i != tl->len)
		return gl_err(err, GOLOAD_E_INTERNAL, "link: the runtime would find %zu of %zu typelinked descriptors", i,
			      tl->len);
	return 0;
}

int collect_tables(goload_module *m, goload_err *err)
{
	int rc;
	u32vec tl = {0};
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (from_obj(s) && (s->flags & GL_SF_ITAB) && !GL_VEC_PUSH(&m->itabs, s->addr))
			goto oom;
	}
	if (!sorted_typelinks(m, &tl))
		goto oom;
	if (m->typedesclen && (rc = check_typedesc(m, &tl, err)) < 0) {
		GL_VEC_FREE(&tl);
		return rc;
	}
	for (size_t i = 0; i < tl.len; i++)
		if (!GL_VEC_PUSH(&m->typelinks, (int32_t)(gl_link_sym(m, tl.v[i])->addr - m->sect_addr[SECT_RODATA])))
			goto oom;
	GL_VEC_FREE(&tl);

	/* The dropped variables' initializers run first: the host packages'
	 * init ran before any loaded package's. */
	if (m->varinit_task) {
		gl_lsym *t = gl_link_sym(m, m->varinit_task);
		uint8_t *p = mem_at(m, t->addr);
		uint32_t nf = (uint32_t)m->varinits.len;
		memset(p, 0, 4);
		memcpy(p + 4, &nf, 4);
		for (uint32_t k = 0; k < nf; k++) {
			const struct gl_varinit *vi = &m->varinits.v[k];
			uint64_t fa = gl_link_sym(m, vi->fn)->addr;
			memcpy(p + 8 + 8 * k, &fa, 8);
			dbg(m, "dropped variable %s initialized by %s", gl_link_sym(m, vi->var)->name, gl_link_sym(m, vi->fn)->name);
		}
		if (!GL_VEC_PUSH(&m->inittasks, t->addr))
			goto oom;
	}
	/* Init tasks in the Go linker's order: dependencies first, ties broken
	 * by name. Edges to host packages are satisfied (already run). */
	GL_VEC(uint32_t) tasks = {0};
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		size_t n = strlen(s->name);
		/* SymFlagPkgInit marks init functions; the task is found by name. */
		if (!s->host && s->sect != SECT_NONE && n > 10 && !strcmp(s->name + n - 10, "..inittask") &&
		    !GL_VEC_PUSH(&tasks, si))
			goto oom;
	}
	bool *done = calloc(tasks.len + 1, 1);
	if (!done) {
		GL_VEC_FREE(&tasks);
		goto oom;
	}
	for (size_t round = 0; round < tasks.len; round++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < tasks.len; i++) {
			if (done[i])
				continue;
			gl_lsym *s = gl_link_sym(m, tasks.v[i]);
			gl_lobj *lo = &m->objs.v[s->obj];
			uint32_t first, n = gl_goobj_relocs(lo->o, s->idx, &first);
			bool ready = true;
			for (uint32_t j = 0; j < n && ready; j++) {
				gl_goobj_reloc r = gl_goobj_reloc_at(lo->o, first + j);
				if (r.type != GL_R_INITORDER)
					continue;
				gl_goobj_symname nm;
				uint32_t t = resolve(m, s->obj, r.sym, &nm, NULL);
				s = gl_link_sym(m, tasks.v[i]); /* resolve may grow the symbol table */
				for (size_t k = 0; k < tasks.len; k++)
					if (tasks.v[k] == t && !done[k])
						ready = false;
			}
			if (ready && (best == SIZE_MAX || strcmp(s->name, gl_link_sym(m, tasks.v[best])->name) < 0))
				best = i;
		}
		if (best == SIZE_MAX) {
			free(done);
			GL_VEC_FREE(&tasks);
			return gl_err(err, GOLOAD_E_FORMAT, "link: package init tasks form a cycle");
		}
		done[best] = true;
		gl_lsym *s = gl_link_sym(m, tasks.v[best]);
		if (s->size > 8 && !GL_VEC_PUSH(&m->inittasks, s->addr)) {
			free(done);
			GL_VEC_FREE(&tasks);
			goto oom;
		}
		dbg(m, "init %zu: %s%s", round, s->name, s->size > 8 ? "" : " (no init functions)");
	}
	free(done);
	GL_VEC_FREE(&tasks);
	return 0;
oom:
	GL_VEC_FREE(&tl);
	return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
}
