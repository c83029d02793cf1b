/*
 * During resolve: what the host's linker dropped, from its packages' archives.
 *
 * The host's linker kept only what the host reaches. A function, variable,
 * method or type the module needs that the host dropped comes from its
 * package's archive (opts.host_archives), opened lazily and defined on
 * first reference (pull). Takes those archives; gives the pulled link
 * symbols and, for a dropped variable, the initializer a normal build runs
 * for it (m->varinits, run by the init task made here), or an error naming
 * the variable when its value cannot be reproduced.
 */
#include "link/link_internal.h"

/* Opens host package k's Go objects (every Go member: assembly ones too)
 * as lazy objects: nothing in them is defined until referenced. The
 * archive, its objects and the index of their names are the host's
 * pkgcache's, built once per process. */
int open_hostpkg(goload_module *m, size_t k, goload_err *err)
{
	gl_hostpkg *hp = &m->hostpkgs[k];
	if (hp->opened)
		return 0;
	hp->opened = true;
	hp->first = (uint32_t)m->objs.len;
	hp->seq = m->nopened++;
	const char *path = m->opts.host_archives[k];
	uint32_t id;
	int rc = gl_pkgcache_get(m->host, path, &id, err);
	if (rc == 0)
		rc = gl_pkgcache_index(m->host, id, err);
	if (rc < 0)
		return rc;
	if (id >= m->nbycache) {
		uint32_t n = id + 16;
		uint32_t *nb = realloc(m->bycache, n * sizeof *nb);
		if (!nb)
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		memset(nb + m->nbycache, 0, (n - m->nbycache) * sizeof *nb);
		m->bycache = nb;
		m->nbycache = n;
	}
	/* The same archive for two package paths: the first opened answers. */
	if (!m->bycache[id])
		m->bycache[id] = (uint32_t)k + 1;
	const gl_pkgent *e = m->host->pkgcache->ents.v[id];
	for (size_t i = 0; i < e->objs.len; i++) {
		gl_lobj lo = {.archive = keep(m, path, strlen(path)), .lazy = true, .shared = true, .o = e->objs.v[i]};
		lo.pkgpath = keep(m, m->opts.host_pkgs[k], strlen(m->opts.host_pkgs[k]));
		if (!lo.archive || !lo.pkgpath || !GL_VEC_PUSH(&m->objs, lo))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		uint32_t oi = (uint32_t)m->objs.len - 1;
		if ((rc = check_header(m, lo.o, m->objs.v[0].o, gl_goobj_name(lo.o), err)) < 0 || (rc = init_syms(m, oi, err)) < 0)
			return rc;
		hp->n++;
	}
	return 0;
}

static int dropped_var_init(goload_module *m, uint32_t oi, uint32_t i, goload_err *err);

/* Definition i of lazy object oi, defined now with what it needs (its
 * relocations are resolved by resolve_all, which reaches the new symbol). */
uint32_t pull(goload_module *m, uint32_t oi, uint32_t i, goload_err *err)
{
	if (m->opts.split_host && m->objs.v[oi].lazy && m->objs.v[oi].sym[i] == NOSYM)
		m->pulled = true; /* a host extension must have it (goload_extension_link) */
	if (m->objs.v[oi].sym[i] == NOSYM &&
	    (define_one(m, oi, i, err) < 0 || (m->objs.v[oi].lazy && dropped_var_init(m, oi, i, err) < 0)))
		return NOSYM;
	return m->objs.v[oi].sym[i];
}

bool is_data_sect(int sect)
{
	return sect == SECT_NOPTRDATA || sect == SECT_DATA || sect == SECT_BSS || sect == SECT_NOPTRBSS;
}

/* Which of lazy object oi's variables its package's init code references:
 * P.init, P.init.N (user init functions) and their closures. */
static int init_refs(goload_module *m, uint32_t oi, goload_err *err)
{
	gl_lobj *lo = &m->objs.v[oi];
	uint32_t nd = gl_goobj_ndefs(lo->o);
	lo->initby = calloc(nd ? nd : 1, sizeof *lo->initby);
	char *pre = own_prefix(lo->o);
	if (!lo->initby) {
		free(pre);
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	size_t pl = pre ? strlen(pre) : 0;
	for (uint32_t d = 0; pre && d < nd; d++) {
		gl_goobj_sym f = gl_goobj_sym_at(lo->o, d);
		if (sect_of_kind(f.kind) != SECT_TEXT || f.namelen < pl + 5 || memcmp(f.name, pre, pl) ||
		    memcmp(f.name + pl, ".init", 5) || (f.namelen > pl + 5 && f.name[pl + 5] != '.'))
			continue;
		uint32_t first, n = gl_goobj_relocs(lo->o, d, &first);
		for (uint32_t j = 0; j < n; j++) {
			gl_goobj_reloc r = gl_goobj_reloc_at(lo->o, first + j);
			uint32_t t;
			if (r.weak || is_marker(r.type) || !gl_goobj_ref_local(lo->o, r.sym, &t) || t >= nd)
				continue;
			if (is_data_sect(sect_of_kind(gl_goobj_sym_at(lo->o, t).kind)) && !lo->initby[t])
				lo->initby[t] = d + 1;
		}
	}
	free(pre);
	return 0;
}

/* A variable of a host package that the host's linker dropped, now taken
 * from the package's archive, must hold what a normal build gives it. Its
 * static data is that, unless the package's init sets it. Go 1.21+
 * compiles a large map initializer into pkg.map.init.N, which the init
 * calls weakly and the variable keeps (R_KEEP): the Go linker drops both
 * together. The module runs that function, once, before its own init
 * tasks (a map.init has no side effects and only assigns its variable).
 * Any other init code referencing the variable ran in the host, without
 * it: its value cannot be reproduced, and the load fails naming it. */
static int dropped_var_init(goload_module *m, uint32_t oi, uint32_t i, goload_err *err)
{
	gl_lobj *lo = &m->objs.v[oi];
	gl_lsym *v = gl_link_sym(m, lo->sym[i]);
	if (v->host || !is_data_sect(v->sect) || !v->name[0])
		return 0;
	uint32_t vid = lo->sym[i], mapinit = NOSYM; /* local index */
	uint32_t nd = gl_goobj_ndefs(lo->o), first, n = gl_goobj_relocs(lo->o, i, &first);
	for (uint32_t j = 0; j < n; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(lo->o, first + j);
		uint32_t t;
		if (r.type != GL_R_KEEP || !gl_goobj_ref_local(lo->o, r.sym, &t) || t >= nd)
			continue;
		gl_goobj_sym f = gl_goobj_sym_at(lo->o, t);
		const char *mi = NULL;
		for (size_t c = 0; !mi && c + 10 <= f.namelen; c++)
			if (!memcmp(f.name + c, ".map.init.", 10))
				mi = f.name + c;
		if (!mi || sect_of_kind(f.kind) != SECT_TEXT)
			continue;
		struct gl_varinit vi = {.var = vid, .pkg = m->opts.nhost_archives};
		for (const char *c = mi + 10; c < f.name + f.namelen && *c >= '0' && *c <= '9'; c++)
			vi.n = vi.n * 10 + (uint64_t)(*c - '0');
		uint64_t k;
		if (lo->pkgpath && gl_strmap_get(&m->byhostpkg, lo->pkgpath, strlen(lo->pkgpath), &k))
			vi.pkg = k;
		mapinit = t;
		if ((vi.fn = pull(m, oi, t, err)) == NOSYM)
			return err && err->code ? -1 : gl_err(err, GOLOAD_E_INTERNAL, "link: %s: no symbol", v->name);
		if (!GL_VEC_PUSH(&m->varinits, vi))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		dbg(m, "dropped variable %s: its initializer %.*s taken from archive %s too", gl_link_sym(m, vid)->name,
		    (int)f.namelen, f.name, lo->archive);
	}
	lo = &m->objs.v[oi];
	if (!lo->initby && init_refs(m, oi, err) < 0)
		return -1;
	for (size_t x = 0; x < m->opts.nxvars; x++) {
		const char *xv = m->opts.xvars[x], *dot = strrchr(xv, '.');
		char *path = dot ? strndup(xv, (size_t)(dot - xv)) : NULL, *pre = path ? path_to_prefix(path) : NULL;
		const char *vn = gl_link_sym(m, vid)->name;
		size_t pl = pre ? strlen(pre) : 0;
		bool same = pre && !strncmp(vn, pre, pl) && !strcmp(vn + pl, dot);
		free(path);
		free(pre);
		if (same)
			return gl_err(err, GOLOAD_E_UNSUPPORTED,
				      "%s: a variable the host's linker dropped, taken from archive %s, is set by the host's -ldflags "
				      "-X %s, which its linker applies only to variables it keeps: its value cannot be reproduced",
				      vn, lo->archive, xv);
	}
	uint32_t by = lo->initby[i];
	if (by && by - 1 != mapinit) {
		gl_goobj_sym f = gl_goobj_sym_at(lo->o, by - 1);
		return gl_err(err, GOLOAD_E_UNSUPPORTED,
			      "%s: a variable the host's linker dropped, taken from archive %s, is set by the package's init code "
			      "(%.*s), which %s: its value cannot be reproduced",
			      gl_link_sym(m, vid)->name, lo->archive, (int)f.namelen, f.name,
			      host_lookup(m->host, f.name, f.namelen, f.abi) ? "the host ran before the load"
									 : "the host never ran (it lacks that function)");
	}
	return 0;
}

/* The init task of the module's dropped-variable initializers: the host
 * packages' order (dependencies first), then each package's map.init
 * order; a noptrdata symbol written once laid out. */
int varinit_task(goload_module *m, goload_err *err)
{
	size_t n = m->varinits.len;
	if (!n)
		return 0;
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0; b--) {
			struct gl_varinit *x = &m->varinits.v[b - 1], *y = &m->varinits.v[b];
			if (x->pkg < y->pkg || (x->pkg == y->pkg && x->n <= y->n))
				break;
			struct gl_varinit t = *x;
			*x = *y;
			*y = t;
		}
	gl_lsym task = {.name = "go:goload.varinits", .obj = NOSYM, .kind = GL_SK_NOPTRDATA, .sect = SECT_NOPTRDATA,
			.size = (uint32_t)(8 + 8 * n), .align = 8, .resolved = true};
	if ((m->varinit_task = new_sym(m, task)) == NOSYM)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	return 0;
}

/* A named definition of an opened host package's objects, pulled. */
static uint32_t hostpkg_def(goload_module *m, const gl_goobj_symname *nm, const int *abis, goload_err *err)
{
	uint64_t v;
	for (int a = 0; a < 2 && abis[a] >= 0; a++)
		if (abis[a] <= 1 && gl_pkgcache_def(m, abis[a], nm->name, nm->namelen, &v)) {
			uint32_t oi = (uint32_t)(v >> 32), id = pull(m, oi, (uint32_t)v, err);
			struct gl_extroot root = {.name = m->opts.split_host ? keep(m, nm->name, nm->namelen) : NULL, .abi = abis[a]};
			if (id != NOSYM && m->opts.split_host && (!root.name || !GL_VEC_PUSH(&m->extroots, root))) {
				gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
				return NOSYM;
			}
			if (id != NOSYM)
				dbg(m, "dropped symbol %.*s taken from archive %s (package %s)", (int)nm->namelen, nm->name,
				    m->objs.v[oi].archive, m->objs.v[oi].pkgpath);
			return id;
		}
	return NOSYM;
}

/* A symbol neither loaded nor in the host, from the host packages'
 * archives: its own package's, then runtime's (linkname pushes), then any. */
uint32_t hostpkg_find(goload_module *m, const gl_goobj_symname *nm, const int *abis, goload_err *err)
{
	size_t n = m->opts.nhost_archives;
	if (m->frozen || !n)
		return NOSYM;
	uint32_t id = hostpkg_def(m, nm, abis, err);
	uint64_t own = n, rt = n;
	size_t pl = name_pkglen(nm->name, nm->namelen);
	if (pl)
		gl_strmap_get(&m->byhostpkg, nm->name, pl, &own);
	gl_strmap_get(&m->byhostpkg, "runtime", 7, &rt);
	/* (Once every host package is open, hostpkg_def answered for all.) */
	for (size_t step = 0; id == NOSYM && m->nopened < n && step < n + 2 && !(err && err->code); step++) {
		size_t k = step == 0 ? own : step == 1 ? rt : step - 2;
		if (k >= n || m->hostpkgs[k].opened)
			continue;
		if (open_hostpkg(m, k, err) < 0)
			return NOSYM;
		id = hostpkg_def(m, nm, abis, err);
	}
	return id;
}

/* Fix mode: each root function is defined from its package's rebuilt
 * archive (a host package), though the host has a function of that name:
 * it is the new code. Everything else the roots reference resolves as for
 * a dropped host symbol: the host's variables, types and functions when it
 * has them, pulled from the archive when it lacks them. The roots are
 * defined before resolving, so that one root calling another reaches the
 * new copy, not the host's. */
int fix_roots(goload_module *m, goload_err *err)
{
	for (size_t r = 0; r < m->opts.nfix_roots; r++) {
		const char *name = m->opts.fix_roots[r];
		size_t n = strlen(name), pl = name_pkglen(name, n);
		uint64_t k;
		if (!pl)
			return gl_err(err, GOLOAD_E_INVAL, "fix: %s names no package function", name);
		if ((pl == 7 && !memcmp(name, "runtime", 7)) || !strncmp(name, "runtime/internal/", 17) ||
		    !strncmp(name, "internal/runtime/", 17))
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "fix: %s: a change inside the runtime cannot be applied to a running program",
				      name);
		if (!gl_strmap_get(&m->byhostpkg, name, pl, &k))
			return gl_err(err, GOLOAD_E_INVAL, "fix: %s: no archive of package %.*s was given", name, (int)pl, name);
		if (open_hostpkg(m, k, err) < 0)
			return -1;
		uint64_t v;
		if (!gl_pkgcache_def(m, 1, name, n, &v))
			return gl_err(err, GOLOAD_E_NOTFOUND, "fix: %s: archive %s defines no such function", name,
				      m->opts.host_archives[k]);
		uint32_t oi = (uint32_t)(v >> 32), i = (uint32_t)v;
		if (sect_of_kind(gl_goobj_sym_at(m->objs.v[oi].o, i).kind) != SECT_TEXT)
			return gl_err(err, GOLOAD_E_INVAL, "fix: %s is not a function", name);
		if (pull(m, oi, i, err) == NOSYM)
			return err && err->code ? -1 : gl_err(err, GOLOAD_E_INTERNAL, "fix: %s: not defined", name);
		dbg(m, "fix: %s defined from archive %s", name, m->opts.host_archives[k]);
	}
	return 0;
}
