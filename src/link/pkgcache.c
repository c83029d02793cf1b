/*
 * The archives of host packages, opened and indexed once per process.
 *
 * OpenPackage asks the same std archives, over and over, whether the host
 * has their package (goload_host_has_package), then opens them again in
 * every link (the module's, its host extension's, the module's again) for
 * the symbols the host's linker dropped, and indexed every definition of
 * each by name into the module. Here each archive is opened once (keyed by
 * path, device, inode, size and mtime: a changed file is a new entry), its
 * Go objects parsed once, and its named definitions added once to a
 * process-wide index: name -> the chain of (archive, object, definition)
 * holding it, in the order archives were indexed. A module maps the
 * archives it opened to its own objects (bycache) and takes, of a chain,
 * the definition of the archive it opened first: what its own per-module
 * index gave before.
 *
 * Entries are never freed before the host: module symbols point into the
 * objects' names and data. The caller serializes (the binding's loadMu).
 */
#include "link/link_internal.h"

#include <sys/stat.h>

#define NOCHAIN UINT32_MAX

static void ent_free(gl_pkgent *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->objs.len; i++)
		gl_goobj_close(e->objs.v[i]);
	GL_VEC_FREE(&e->objs);
	gl_goobj_archive_close(e->ar);
	free(e->path);
	free(e->haspkg);
	free(e);
}

void gl_pkgcache_free(gl_pkgcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->ents.len; i++)
		ent_free(c->ents.v[i]);
	GL_VEC_FREE(&c->ents);
	gl_strmap_free(&c->bypath);
	gl_strmap_free(&c->defs[0]);
	gl_strmap_free(&c->defs[1]);
	GL_VEC_FREE(&c->chain);
	free(c);
}

/* The archive at path, opened (or the entry of an earlier open of the same
 * file unchanged); *id its index in the cache. */
int gl_pkgcache_get(goload_host *h, const char *path, uint32_t *id, goload_err *err)
{
	if (!h->pkgcache && !(h->pkgcache = calloc(1, sizeof *h->pkgcache)))
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	gl_pkgcache *c = h->pkgcache;
	struct stat st;
	if (stat(path, &st) != 0)
		return gl_err(err, GOLOAD_E_IO, "%s: stat: %s", path, strerror(errno));
	uint64_t v;
	size_t pl = strlen(path);
	if (gl_strmap_get(&c->bypath, path, pl, &v)) {
		gl_pkgent *e = c->ents.v[v];
		if (e->dev == st.st_dev && e->ino == st.st_ino && e->size == st.st_size &&
		    e->mtime.tv_sec == st.st_mtim.tv_sec && e->mtime.tv_nsec == st.st_mtim.tv_nsec) {
			*id = (uint32_t)v;
			return 0;
		}
	}
	gl_pkgent *e = calloc(1, sizeof *e);
	if (!e || !(e->path = strdup(path))) {
		free(e);
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->size = st.st_size;
	e->mtime = st.st_mtim;
	e->gomain = -1;
	int rc = gl_goobj_archive_open_path(path, &e->ar, err);
	for (size_t i = 0; rc == 0 && i < gl_goobj_archive_nmembers(e->ar); i++) {
		const gl_goobj_member *mb = gl_goobj_archive_member(e->ar, i);
		gl_goobj *o;
		if (mb->kind != GL_GOOBJ_M_GO)
			continue;
		if ((rc = gl_goobj_archive_open_member(e->ar, i, &o, err)) < 0)
			break;
		if (!GL_VEC_PUSH(&e->objs, o)) {
			gl_goobj_close(o);
			rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
			break;
		}
		if (e->gomain < 0 && strcmp(mb->name, "_go_.o") == 0)
			e->gomain = (int)e->objs.len - 1;
	}
	if (rc == 0 && (!GL_VEC_PUSH(&c->ents, e) ||
			!gl_strmap_put(&c->bypath, e->path, pl, c->ents.len - 1))) {
		if (c->ents.len && c->ents.v[c->ents.len - 1] == e)
			c->ents.len--;
		rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	}
	if (rc < 0) {
		ent_free(e);
		return rc;
	}
	*id = (uint32_t)c->ents.len - 1;
	return 0;
}

int gl_pkgcache_goobj(goload_host *h, const char *path, const gl_goobj **o, goload_err *err)
{
	*o = NULL;
	uint32_t id;
	int rc = gl_pkgcache_get(h, path, &id, err);
	if (rc < 0)
		return rc;
	const gl_pkgent *e = h->pkgcache->ents.v[id];
	if (e->gomain < 0)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: no Go object (_go_.o) in the archive", path);
	*o = e->objs.v[e->gomain];
	return 0;
}

/* The first definition of o from *d on that the index takes: named, of
 * ABI0 or ABIInternal, not content-addressed (the hashed classes, between
 * HASHED64 and NONPKGDEF). Only its name and ABI are read. */
static bool next_named(const gl_goobj *o, uint32_t *d, gl_span *name, uint16_t *abi)
{
	uint32_t nd = gl_goobj_ndefs(o), h0 = gl_goobj_class_start(o, GL_GOOBJ_SC_HASHED64),
		 h1 = gl_goobj_class_start(o, GL_GOOBJ_SC_NONPKGDEF);
	for (; *d < nd; ++*d) {
		if (*d >= h0 && *d < h1 && (*d = h1) >= nd)
			break;
		*name = gl_goobj_sym_name(o, *d, abi);
		if (*abi <= 1 && name->n)
			return true;
	}
	return false;
}

/* Adds the named definitions of entry id's objects to the process-wide
 * index (once per entry). The first OpenPackage of a process indexes tens
 * of thousands: the maps get room for all of them first (a grown map
 * rehashes everything). */
int gl_pkgcache_index(goload_host *h, uint32_t id, goload_err *err)
{
	gl_pkgcache *c = h->pkgcache;
	gl_pkgent *e = c->ents.v[id];
	if (e->indexed)
		return 0;
	size_t nabi[2] = {0, 0};
	gl_span nm;
	uint16_t abi;
	for (size_t oi = 0; oi < e->objs.len; oi++)
		for (uint32_t d = 0; next_named(e->objs.v[oi], &d, &nm, &abi); d++)
			nabi[abi]++;
	if (!GL_VEC_RESERVE(&c->chain, nabi[0] + nabi[1]) || !gl_strmap_reserve(&c->defs[0], c->defs[0].len + nabi[0]) ||
	    !gl_strmap_reserve(&c->defs[1], c->defs[1].len + nabi[1]))
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	for (size_t oi = 0; oi < e->objs.len; oi++) {
		for (uint32_t d = 0; next_named(e->objs.v[oi], &d, &nm, &abi); d++) {
			gl_pkgdef pd = {.ent = id, .obj = (uint32_t)oi, .def = d, .next = NOCHAIN, .last = NOCHAIN};
			uint32_t at = (uint32_t)c->chain.len;
			bool existed;
			if (!GL_VEC_PUSH(&c->chain, pd) || !gl_strmap_add(&c->defs[abi], (const char *)nm.p, nm.n, at, &existed))
				return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
			if (existed) {
				uint64_t head;
				gl_strmap_get(&c->defs[abi], (const char *)nm.p, nm.n, &head);
				gl_pkgdef *hd = &c->chain.v[head];
				uint32_t tail = hd->last == NOCHAIN ? (uint32_t)head : hd->last;
				c->chain.v[tail].next = at;
				hd->last = at;
			}
		}
	}
	e->indexed = true;
	return 0;
}

/* Of the definitions named name (ABI abi) in the archives module m opened,
 * the one of the archive it opened first: its object << 32 | index. */
bool gl_pkgcache_def(const goload_module *m, int abi, const char *name, size_t n, uint64_t *out)
{
	const gl_pkgcache *c = m->host->pkgcache;
	uint64_t head;
	if (!c || abi < 0 || abi > 1 || !gl_strmap_get(&c->defs[abi], name, n, &head))
		return false;
	uint32_t best = UINT32_MAX;
	uint64_t v = 0;
	for (uint32_t i = (uint32_t)head; i != NOCHAIN; i = c->chain.v[i].next) {
		const gl_pkgdef *pd = &c->chain.v[i];
		if (pd->ent >= m->nbycache || !m->bycache[pd->ent])
			continue;
		const gl_hostpkg *hp = &m->hostpkgs[m->bycache[pd->ent] - 1];
		if (hp->seq < best) {
			best = hp->seq;
			v = (uint64_t)(hp->first + pd->obj) << 32 | pd->def;
		}
	}
	if (best == UINT32_MAX)
		return false;
	*out = v;
	return true;
}
