/*
 * The module API: what the binding and the CLI ask of a linked module.
 *
 * Takes a goload_module from goload_module_link; gives goload_module_publish
 * (its moduledata added to the runtime's list), goload_module_lookup (a
 * symbol's address, with a function's signature), the host and type fills
 * Close hands back, its itabs, init tasks and reused modules, and
 * goload_module_free.
 */
#include "link/link_internal.h"

void goload_module_free(goload_module *m)
{
	if (!m)
		return;
	cobj_free(m);
	gl_mem_unmap(&m->mem);
	for (size_t i = 0; i < m->objs.len; i++) {
		if (!m->objs.v[i].shared)
			gl_goobj_close(m->objs.v[i].o);
		free(m->objs.v[i].sym);
		free(m->objs.v[i].initby);
	}
	GL_VEC_FREE(&m->objs);
	for (size_t i = 0; i < m->archives.len; i++)
		gl_goobj_archive_close(m->archives.v[i]);
	GL_VEC_FREE(&m->archives);
	for (size_t i = 0; i < m->strs.len; i++)
		free(m->strs.v[i]);
	GL_VEC_FREE(&m->strs);
	GL_VEC_FREE(&m->syms);
	gl_strmap_free(&m->byname);
	gl_strmap_free(&m->byhash);
	gl_strmap_free(&m->bypkg);
	gl_strmap_free(&m->bydep);
	for (size_t i = 0; i < m->deps.len; i++)
		gl_goobj_close(m->deps.v[i]);
	for (size_t i = 0; i < m->deparchives.len; i++)
		gl_goobj_archive_close(m->deparchives.v[i]);
	GL_VEC_FREE(&m->deps);
	GL_VEC_FREE(&m->deparchives);
	gl_strmap_free(&m->byhostpkg);
	free(m->bycache);
	GL_VEC_FREE(&m->hostitabs);
	GL_VEC_FREE(&m->methodfills);
	GL_VEC_FREE(&m->typefills);
	GL_VEC_FREE(&m->hostfills);
	host_writes_end(m, false, NULL);
	gl_strmap_free(&m->ifacenames);
	gl_strmap_free(&m->ifacetypes);
	free(m->hostpkgs);
	gl_buf_free(&m->arena);
	gl_rt_pcln_free(&m->pcln);
	free(m->md);
	free(m->gcdata);
	free(m->gcbss);
	GL_VEC_FREE(&m->itabs);
	GL_VEC_FREE(&m->inittasks);
	GL_VEC_FREE(&m->varinits);
	GL_VEC_FREE(&m->typelinks);
	GL_VEC_FREE(&m->loaded);
	GL_VEC_FREE(&m->uses);
	GL_VEC_FREE(&m->extroots);
	gl_strmap_free(&m->provided);
	free(m);
}

size_t goload_module_nuses(const goload_module *m) { return m->uses.len; }

const goload_module *goload_module_use(const goload_module *m, size_t i, const char **pkg)
{
	if (pkg)
		*pkg = m->uses.v[i].pkg;
	return m->uses.v[i].prov;
}

bool goload_module_is_stub(const goload_module *m) { return m->stub; }
bool goload_module_needs_extension(const goload_module *m) { return m->pulled; }

const char *goload_module_split_blocked(const goload_module *m, const char **by)
{
	if (by)
		*by = m->blocked_by;
	return m->blocked;
}

void *goload_module_moduledata(const goload_module *m) { return m->md; }
size_t goload_module_mapped(const goload_module *m) { return m->mem.size; }
size_t goload_module_host_fills(const goload_module *m) { return m->hostfills.len; }

void goload_module_host_fill(const goload_module *m, size_t i, goload_host_fill *out)
{
	const struct gl_hostfill *f = &m->hostfills.v[i];
	*out = (goload_host_fill){.at = f->at, .old = f->old, .new = f->new, .code = f->code, .n = f->n, .owner = f->owner, .method = f->method};
}

void goload_module_host_fill_own(goload_module *m, size_t i, bool owner)
{
	if (i < m->hostfills.len)
		m->hostfills.v[i].owner = owner;
}
size_t goload_module_type_fills(const goload_module *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->typefills.len; i++)
		n += m->typefills.v[i].type != 0;
	return n;
}

void goload_module_type_fill(const goload_module *m, size_t i, goload_type_fill *out)
{
	*out = (goload_type_fill){0};
	for (size_t k = 0; k < m->typefills.len; k++)
		if (m->typefills.v[k].type && i-- == 0) {
			*out = (goload_type_fill){.slot = m->typefills.v[k].slot, .type = m->typefills.v[k].type,
						  .key = m->typefills.v[k].key};
			return;
		}
}

int goload_module_write_type_fills(goload_module *m, goload_err *err)
{
	int rc = 0;
	host_writes_begin(m);
	for (size_t i = 0; rc == 0 && i < m->typefills.len; i++) {
		const struct gl_typefill *f = &m->typefills.v[i];
		rc = f->type ? host_write(m, f->slot, &f->key, 4, f->type, f->method, true, err) : 0;
	}
	int wrc = host_writes_end(m, rc == 0, err);
	return rc < 0 ? rc : wrc;
}

size_t goload_module_nitabs(const goload_module *m) { return m->itabs.len; }
void *goload_module_itab(const goload_module *m, size_t i) { return (void *)(uintptr_t)m->itabs.v[i]; }
size_t goload_module_ninittasks(const goload_module *m) { return m->inittasks.len; }
void *goload_module_inittask(const goload_module *m, size_t i) { return (void *)(uintptr_t)m->inittasks.v[i]; }

int goload_module_publish(goload_module *m, goload_err *err)
{
	if (m->stub)
		return gl_err(err, GOLOAD_E_INVAL, "module %s loads nothing: it is not registered", m->name);
	uint64_t lastp = gl_host_addr(m->host, "runtime.lastmoduledatap");
	const struct gl_rttab *rt = m->host->rt;
	if (!lastp || rt->md_off[GL_MD_NEXT] == GL_RT_ABSENT)
		return gl_err(err, GOLOAD_E_NOTFOUND, "host: no runtime.lastmoduledatap");
	uint8_t **last = (uint8_t **)(uintptr_t)lastp;
	/* The runtime walks the list without locks: publish a complete node. */
	__atomic_store_n((uint8_t **)(*last + rt->md_off[GL_MD_NEXT]), m->md, __ATOMIC_RELEASE);
	__atomic_store_n(last, m->md, __ATOMIC_RELEASE);
	dbg(m, "registered moduledata %p (%s)", (void *)m->md, m->name);
	return 0;
}

typedef struct sigbuild {
	goload_module *m;
	GL_VEC(char *) types[2]; /* parameters, results */
	bool oom;
} sigbuild;

static void sig_param(void *ctx, bool result, const char *type, size_t len)
{
	sigbuild *b = ctx;
	char *t = keep(b->m, type, len);
	if (!t || !GL_VEC_PUSH(&b->types[result], t))
		b->oom = true;
}

/* The symbol's Go signature from its DWARF info (kept with the module). */
static int func_sig(goload_module *m, const gl_lsym *s, goload_symbol *out, goload_err *err)
{
	sigbuild b = {.m = m};
	goload_err e = {0};
	gl_goobj_resolver res = {dep_object, m};
	int rc = gl_goobj_func_sig(m->objs.v[s->obj].o, s->idx, &res, sig_param, &b, &e);
	if (rc == 0 && !b.oom) {
		size_t np = b.types[0].len, nr = b.types[1].len;
		char **v = malloc((np + nr + 1) * sizeof *v);
		if (v && GL_VEC_PUSH(&m->strs, (char *)v)) {
			memcpy(v, b.types[0].v, np * sizeof *v);
			memcpy(v + np, b.types[1].v, nr * sizeof *v);
			out->has_sig = true;
			out->params = (const char *const *)v;
			out->nparams = np;
			out->results = (const char *const *)v + np;
			out->nresults = nr;
		} else {
			free(v);
			b.oom = true;
		}
	}
	GL_VEC_FREE(&b.types[0]);
	GL_VEC_FREE(&b.types[1]);
	if (b.oom)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	if (rc < 0 && e.code != GOLOAD_E_NOTFOUND) {
		if (err)
			*err = e;
		return rc;
	}
	return 0;
}

int goload_module_lookup(const goload_module *m, const char *name, goload_symbol *out, goload_err *err)
{
	uint32_t id = NOSYM;
	size_t n = strlen(name);
	bool found = find_named(m, name, n, 1, &id) || find_named(m, name, n, 0, &id);
	const gl_lsym *s = found ? &m->syms.v[id] : NULL;
	if (!s || s->host || s->sect == SECT_NONE) {
		/* A package reused from an earlier module is that module's. */
		uint64_t u;
		size_t pl = name_pkglen(name, n);
		if (pl && gl_strmap_get(&m->provided, name, pl, &u))
			return goload_module_lookup(m->uses.v[u].prov, name, out, err);
	}
	if (!s)
		return gl_err(err, GOLOAD_E_NOTFOUND, "module %s: no symbol %s", m->name, name);
	if (s->host || s->sect == SECT_NONE)
		return gl_err(err, GOLOAD_E_NOTFOUND, "module %s: %s is not defined by the module", m->name, name);
	out->addr = s->addr;
	out->func = s->sect == SECT_TEXT;
	out->type = "";
	out->args = 0;
	out->has_sig = false;
	out->params = out->results = NULL;
	out->nparams = out->nresults = 0;
	const gl_goobj *o = m->objs.v[s->obj].o;
	gl_goobj_funcinfo fi;
	if (out->func && gl_goobj_funcinfo_get(o, s->idx, &fi, NULL) == 0)
		out->args = fi.args;
	if (out->func) {
		int rc = func_sig((goload_module *)m, s, out, err);
		if (rc < 0)
			return rc;
	}
	uint32_t first, na = gl_goobj_auxs(o, s->idx, &first);
	for (uint32_t j = 0; j < na; j++) {
		gl_goobj_aux a = gl_goobj_aux_at(o, first + j);
		if (a.type != GL_AUX_GOTYPE)
			continue;
		gl_goobj_symname nm;
		if (gl_goobj_ref_name(o, a.sym, NULL, &nm, NULL) == 0) {
			char *t = keep((goload_module *)m, nm.name, nm.namelen);
			if (t)
				out->type = t;
		}
	}
	return 0;
}
