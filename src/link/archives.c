/*
 * Stage 1, open: the module's archives.
 *
 * Takes the archive paths given to goload_module_link; gives m->objs, the
 * Go objects this module loads (each header checked against the host's
 * toolchain), while the objects of a package the host already contains, or
 * an earlier module loaded from the same build, go to m->deps: read for
 * their symbol names only (m->uses names the earlier modules). Also:
 * goload_host_has_package, and dep_object, which opens the archive of a
 * package the module references but does not load, for its names.
 */
#include "link/link_internal.h"

/* The symbol-name prefix of an object's own package (caller frees): from
 * its DWARF compile unit's go:cuinfo.packagename.PATH when it has one, else
 * the prefix most of its named definitions carry. Not the first
 * definition's: an object also defines other packages' symbols by
 * linkname (math/bits defines runtime.overflowError and
 * runtime.divideError), and those must not make it "the host's". */
char *own_prefix(const gl_goobj *o)
{
	static const char cu[] = "go:cuinfo.packagename.";
	const size_t cul = sizeof cu - 1;
	uint32_t nd = gl_goobj_ndefs(o);
	for (uint32_t i = 0; i < nd; i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		if (s.namelen > cul && !memcmp(s.name, cu, cul)) {
			char *path = strndup(s.name + cul, s.namelen - cul);
			char *p = path ? path_to_prefix(path) : NULL;
			free(path);
			return p;
		}
	}
	gl_strmap count = {0};
	const char *best = NULL;
	size_t bestlen = 0;
	uint64_t bestn = 0;
	for (uint32_t i = 0; i < nd; i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		size_t k = name_pkglen(s.name, s.namelen);
		uint64_t c = 0;
		if (!k || (s.flags & GL_SF_DUPOK))
			continue;
		gl_strmap_get(&count, s.name, k, &c);
		if (!gl_strmap_put(&count, s.name, k, ++c))
			break;
		if (c > bestn) {
			best = s.name;
			bestlen = k;
			bestn = c;
		}
	}
	gl_strmap_free(&count);
	return best ? strndup(best, bestlen) : NULL;
}

/* The package path of an object: the prefix of its package symbols' names. */
char *object_pkgpath(goload_module *m, const gl_goobj *o)
{
	char *p = own_prefix(o);
	if (p) {
		char *k = keep(m, p, strlen(p));
		free(p);
		return k;
	}
	uint32_t n = gl_goobj_ncount(o, GL_GOOBJ_SC_DEF);
	/* A package of types only: the named types it defines. */
	for (uint32_t i = 0; i < n; i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		size_t k;
		if ((s.flags & (GL_SF_GOTYPE | GL_SF_DUPOK)) == GL_SF_GOTYPE && s.namelen > 5 && !memcmp(s.name, "type:", 5) &&
		    ((unsigned char)s.name[5] >= 0x80 || s.name[5] == '_' || ((s.name[5] | 0x20) >= 'a' && (s.name[5] | 0x20) <= 'z')) &&
		    (k = name_pkglen(s.name + 5, s.namelen - 5)))
			return keep(m, s.name + 5, k);
	}
	return NULL;
}

/* Whether the host linked this object's package pkg (its symbol-name
 * prefix): 1 when one of the package's own (non-dupok, non-generic)
 * functions or variables is in the host, -1 when the package's init task
 * lists a function the host lacks (the host never imported the package,
 * so never ran its init, whatever symbols of its name other packages
 * pushed into the host by linkname: the Go linker keeps every function
 * an imported package's init task lists), else 0. A package reached only
 * through inlined code or generic instantiations is not the host's: its
 * variables, if any, are not the host's either. Only the package's own
 * names count: a cgo package also defines runtime.cgoAlwaysFalse, which
 * every cgo host has, math/bits runtime.overflowError. A package that
 * declares only types (no function or variable of its own) is the host's
 * when the host's type index (built first) has one of its named types:
 * the host's linker keeps a named type's descriptor only for a package
 * it linked, and loading the package again would give the module a
 * second descriptor of that name, which type identity cannot have. */
/* Whether definition i (s) is one of package pkg's own functions or
 * variables: named, not dupok, not static, not content-addressed, not a
 * generic instantiation. */
static bool own_def(const gl_goobj *o, uint32_t i, const gl_goobj_sym *s, const char *pkg, size_t pl)
{
	int sect = sect_of_kind(s->kind);
	size_t hl, k = name_pkglen(s->name, s->namelen);
	return !(sect == SECT_NONE || sect == SECT_RODATA || (s->flags & GL_SF_DUPOK) || !s->namelen ||
		 s->abi == GL_GOOBJ_ABI_STATIC || gl_goobj_hash(o, i, &hl) || !k || k != pl || memcmp(s->name, pkg, k) ||
		 memchr(s->name, '[', s->namelen));
}

/* Whether the object of package pkg declares types only (no function or
 * variable of its own). */
bool types_only(const gl_goobj *o, const char *pkg)
{
	size_t pl = strlen(pkg);
	for (uint32_t i = 0; i < gl_goobj_ndefs(o); i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		if (own_def(o, i, &s, pkg, pl))
			return false;
	}
	return true;
}

/* Whether s is one of pkg's named types (type:PKG.Name, not generic). */
bool named_type_of(const gl_goobj_sym *s, const char *pkg, size_t pl)
{
	return (s->flags & (GL_SF_GOTYPE | GL_SF_DUPOK)) == GL_SF_GOTYPE && s->namelen > 6 + pl &&
	       !memcmp(s->name, "type:", 5) && !memcmp(s->name + 5, pkg, pl) && s->name[5 + pl] == '.' &&
	       !memchr(s->name, '[', s->namelen);
}

/* *init (may be NULL): the package's init task lists a function. */
static int host_has_object(const goload_host *h, const gl_goobj *o, const char *pkg, bool *init)
{
	uint32_t nd = gl_goobj_ndefs(o);
	size_t pl = strlen(pkg);
	bool found = false, own = false;
	for (uint32_t i = 0; i < nd; i++) {
		/* Both tests below want a name of pkg ("pkg." or "pkg..inittask"):
		 * the others (most of an object's) are skipped on their name. */
		uint16_t abi;
		gl_span nm = gl_goobj_sym_name(o, i, &abi);
		if (nm.n <= pl || nm.p[pl] != '.' || memcmp(nm.p, pkg, pl))
			continue;
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		if (s.namelen == pl + 10 && !memcmp(s.name, pkg, pl) && !memcmp(s.name + pl, "..inittask", 10)) {
			uint32_t first, n = gl_goobj_relocs(o, i, &first);
			for (uint32_t j = 0; j < n; j++) {
				gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
				uint32_t t;
				if (r.type != GL_R_ADDR || !gl_goobj_ref_local(o, r.sym, &t) || t >= nd)
					continue;
				gl_goobj_sym f = gl_goobj_sym_at(o, t);
				if (init)
					*init = true;
				return host_lookup(h, f.name, f.namelen, f.abi) ? 1 : -1;
			}
		}
		if (!own_def(o, i, &s, pkg, pl))
			continue;
		own = true;
		if (!found && host_lookup(h, s.name, s.namelen, s.abi))
			found = true;
	}
	if (own || !h->types_indexed)
		return found;
	for (uint32_t i = 0; i < nd; i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		if (named_type_of(&s, pkg, pl) && gl_host_type(h, s.name, s.namelen))
			return 1;
	}
	return 0;
}

/* The Go object of a package's archive (its "_go_.o" member). */
int open_pkg_object(const char *path, gl_goobj_archive **ar, gl_goobj **o, goload_err *err)
{
	*o = NULL;
	int rc = gl_goobj_archive_open_path(path, ar, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < gl_goobj_archive_nmembers(*ar) && !*o; i++) {
		const gl_goobj_member *mb = gl_goobj_archive_member(*ar, i);
		if (mb->kind == GL_GOOBJ_M_GO && strcmp(mb->name, "_go_.o") == 0 && (rc = gl_goobj_open(mb->data, path, o, err)) < 0)
			break;
	}
	if (!*o) {
		gl_goobj_archive_close(*ar);
		*ar = NULL;
		return rc < 0 ? rc : gl_err(err, GOLOAD_E_FORMAT, "%s: no Go object (_go_.o) in the archive", path);
	}
	return 0;
}

/* A package path as the compiler spells it in symbol names
 * (cmd/internal/objabi.PathToPrefix): "%xx" for control characters, '%',
 * '"', non-ASCII, and dots after the last slash. */
char *path_to_prefix(const char *path)
{
	size_t n = strlen(path);
	char *p = malloc(3 * n + 1), *q = p;
	if (!p)
		return NULL;
	const char *slash = strrchr(path, '/');
	for (const char *c = path; *c; c++) {
		unsigned char u = (unsigned char)*c;
		if (u <= ' ' || u == '%' || u == '"' || u >= 0x7f || (u == '.' && (!slash || c > slash)))
			q += sprintf(q, "%%%02x", u);
		else
			*q++ = (char)u;
	}
	*q = 0;
	return p;
}

int goload_host_package_info(goload_host *h, const char *pkgpath, const char *archive, goload_pkginfo *out, goload_err *err)
{
	memset(out, 0, sizeof *out);
	/* A package of types only is the host's by its named types (a host
	 * whose types cannot be indexed has none to compare: linking says so). */
	goload_err ierr;
	if (h->rt)
		(void)gl_host_types_index(h, &ierr);
	/* The archive is the pkgcache's: the links that follow read it again. */
	uint32_t id;
	int rc = gl_pkgcache_get(h, archive, &id, err);
	if (rc < 0)
		return rc;
	gl_pkgent *e = h->pkgcache->ents.v[id];
	/* The compiled package (not an assembly member): its fingerprint and
	 * the packages it imports, as the Go linker reads them (its autolib
	 * list). */
	if (e->gomain >= 0) {
		const gl_goobj *o = e->objs.v[e->gomain];
		memcpy(out->fingerprint, gl_goobj_fingerprint(o), 8);
		uint32_t n = gl_goobj_nautolib(o);
		out->imports = calloc(n ? n : 1, sizeof *out->imports);
		out->import_fps = calloc(n ? n : 1, sizeof *out->import_fps);
		if (!out->imports || !out->import_fps)
			rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
		for (uint32_t k = 0; rc == 0 && k < n; k++) {
			gl_goobj_autolib a = gl_goobj_autolib_at(o, k);
			if (!(out->imports[k] = strndup(a.pkg, a.pkglen)))
				rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
			else
				memcpy(out->import_fps[k], a.fingerprint, 8);
			out->nimports = k + 1;
		}
		if (rc < 0) {
			goload_pkginfo_free(out);
			return rc;
		}
	}
	/* The answer depends on the host's types and recovered symbols: kept
	 * with the state it was computed in. */
	int state = 1 + h->types_indexed + 2 * h->recovered;
	if (e->haspkg && e->hasstate == state && !strcmp(e->haspkg, pkgpath)) {
		out->has = e->has;
		out->init = e->hasinit;
		return 0;
	}
	char *prefix = path_to_prefix(pkgpath);
	if (!prefix) {
		goload_pkginfo_free(out);
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	}
	/* Assembly members count: runtime/cgo's only code a host keeps may
	 * be assembly (set_crosscall2). */
	bool has = false, noinit = false, init = false;
	for (size_t i = 0; i < e->objs.len; i++) {
		int r = host_has_object(h, e->objs.v[i], prefix, &init);
		has |= r > 0;
		noinit |= r < 0;
	}
	free(prefix);
	out->has = has && !noinit;
	out->init = init;
	free(e->haspkg);
	if ((e->haspkg = strdup(pkgpath))) {
		e->has = out->has;
		e->hasinit = init;
		e->hasstate = state;
	}
	return 0;
}

void goload_pkginfo_free(goload_pkginfo *p)
{
	for (size_t k = 0; p->imports && k < p->nimports; k++)
		free(p->imports[k]);
	free(p->imports);
	free(p->import_fps);
	memset(p, 0, sizeof *p);
}

int goload_host_has_package(goload_host *h, const char *pkgpath, const char *archive, goload_err *err)
{
	goload_pkginfo pi;
	int rc = goload_host_package_info(h, pkgpath, archive, &pi, err);
	if (rc < 0)
		return rc;
	int has = pi.has;
	goload_pkginfo_free(&pi);
	return has;
}

/* The object's header line must match the host's toolchain; `first` (the
 * first object linked) fixes the experiment set. */
int check_header(goload_module *m, const gl_goobj *o, const gl_goobj *first, const char *what, goload_err *err)
{
	const char *hv = m->host->goversion;
	const gl_goobj_hdr *h = gl_goobj_header(o);
	if (strcmp(h->goarch, GL_LINK_GOARCH) || strcmp(h->goos, "linux"))
		return gl_err(err, GOLOAD_E_VERSION, "%s: built for %s/%s, the host is linux/" GL_LINK_GOARCH, what, h->goos,
			      h->goarch);
	if (hv[0] && strcmp(h->go_version, hv))
		return gl_err(err, GOLOAD_E_VERSION, "%s: built by %s, the host by %s", what, h->go_version, hv);
	if (m->opts.goamd64 && strncmp(h->arch_level, "GOAMD64=", 8) == 0 && strcmp(h->arch_level + 8, m->opts.goamd64))
		return gl_err(err, GOLOAD_E_VERSION, "%s: built for %s, the host for GOAMD64=%s", what, h->arch_level,
			      m->opts.goamd64);
	/* Every object must share one experiment set (the host's toolchain
	 * writes the same one into every object). */
	const gl_goobj_hdr *h0 = gl_goobj_header(first);
	if (strcmp(h->experiments, h0->experiments))
		return gl_err(err, GOLOAD_E_VERSION, "%s: built with experiments X:%s, %s with X:%s", what, h->experiments,
			      gl_goobj_name(first), h0->experiments);
	return 0;
}

/* Opens an archive the module keeps until it is freed. */
int module_archive(goload_module *m, const char *path, gl_goobj_archive **ar, goload_err *err)
{
	int rc = gl_goobj_archive_open_path(path, ar, err);
	if (rc < 0)
		return rc;
	if (!GL_VEC_PUSH(&m->archives, *ar)) {
		gl_goobj_archive_close(*ar);
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	return 0;
}

/* One build of a package: archives whose Go objects are byte for byte
 * the same (the cache entry go list names, or a copy of it). */
static bool same_build(const gl_goobj_archive *a, const gl_goobj_archive *b)
{
	size_t na = gl_goobj_archive_nmembers(a), nb = gl_goobj_archive_nmembers(b), i = 0, k = 0;
	for (;; i++, k++) {
		while (i < na && gl_goobj_archive_member(a, i)->kind != GL_GOOBJ_M_GO)
			i++;
		while (k < nb && gl_goobj_archive_member(b, k)->kind != GL_GOOBJ_M_GO)
			k++;
		if (i == na || k == nb)
			return i == na && k == nb;
		gl_span x = gl_goobj_archive_member(a, i)->data, y = gl_goobj_archive_member(b, k)->data;
		if (x.n != y.n || (x.p != y.p && memcmp(x.p, y.p, x.n)))
			return false;
	}
}

/* The earlier module that loaded this build of pkg, if any. */
static const goload_module *provider_of(const goload_module *m, const char *pkg, const gl_goobj_archive *ar)
{
	for (size_t i = 0; i < m->opts.nproviders; i++) {
		const goload_module *p = m->opts.providers[i];
		for (size_t k = 0; p && k < p->loaded.len; k++)
			if (!strcmp(p->loaded.v[k].pkg, pkg) && same_build(p->loaded.v[k].ar, ar))
				return p;
	}
	return NULL;
}

int goload_module_loaded_build(goload_host *h, const goload_module *m, const char *pkgpath, const char *archive, goload_err *err)
{
	uint32_t id;
	int rc = gl_pkgcache_get(h, archive, &id, err);
	if (rc < 0)
		return rc;
	const gl_goobj_archive *ar = h->pkgcache->ents.v[id]->ar;
	for (size_t k = 0; k < m->loaded.len; k++)
		if (!strcmp(m->loaded.v[k].pkg, pkgpath) && same_build(m->loaded.v[k].ar, ar))
			return 1;
	return 0;
}

/* Objects [first, objs.len) are one archive's. A build of their package an
 * earlier module loaded is that module's: its object stays for names only
 * (like a host package's). Otherwise the package is this module's. */
static int share_archive(goload_module *m, size_t first, const gl_goobj_archive *ar, const char *path, goload_err *err)
{
	char *pkg = NULL;
	size_t named = first;
	for (size_t k = first; k < m->objs.len && !pkg; k++)
		if ((pkg = m->objs.v[k].pkgknown ? m->objs.v[k].pkgpath : object_pkgpath(m, m->objs.v[k].o)))
			named = k;
	const goload_module *prov = provider_of(m, pkg ? pkg : "", ar);
	if (!prov) {
		/* "": a package that names nothing of its own (constants only):
		 * its objects define nothing another module could reuse, and a
		 * second copy of them costs nothing */
		struct gl_loadedpkg lp = {pkg ? pkg : "", ar};
		return GL_VEC_PUSH(&m->loaded, lp) ? 0 : gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	bool existed;
	if (!pkg) {
		for (size_t k = first; k < m->objs.len; k++)
			if (!GL_VEC_PUSH(&m->deps, m->objs.v[k].o))
				gl_goobj_close(m->objs.v[k].o);
		m->objs.len = first;
		return 0;
	}
	size_t u = 0;
	while (u < m->uses.len && m->uses.v[u].prov != prov)
		u++;
	struct gl_use use = {.prov = prov, .pkg = pkg};
	if (u < m->uses.len) {
		/* "p1, p2, ...": every package reused from it */
		const char *old = m->uses.v[u].pkg;
		size_t ol = strlen(old), pl = strlen(pkg);
		char *l = keep(m, old, ol + 2 + pl);
		if (!l)
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		memcpy(l + ol, ", ", 2);
		memcpy(l + ol + 2, pkg, pl);
		l[ol + 2 + pl] = 0;
		m->uses.v[u].pkg = l;
	}
	if ((u == m->uses.len && !GL_VEC_PUSH(&m->uses, use)) || !gl_strmap_add(&m->provided, pkg, strlen(pkg), u, &existed) ||
	    !GL_VEC_PUSH(&m->deps, m->objs.v[named].o) || !gl_strmap_add(&m->bydep, pkg, strlen(pkg), m->deps.len, &existed))
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	/* The others (assembly) stay open with it: the first object opened
	 * fixes the experiment set every later one is checked against. */
	size_t end = m->objs.len;
	m->objs.len = first;
	for (size_t k = first; k < end; k++)
		if (k != named && !GL_VEC_PUSH(&m->deps, m->objs.v[k].o)) {
			for (; k < end; k++)
				if (k != named)
					gl_goobj_close(m->objs.v[k].o);
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		}
	dbg(m, "package %s (%s): reused from module %s (the same build)", pkg, path, prov->name);
	return 0;
}

int open_archives(goload_module *m, const char *const *paths, size_t n, goload_err *err)
{
	const gl_goobj *first = NULL;
	for (size_t a = 0; a < n; a++) {
		gl_goobj_archive *ar;
		int rc = module_archive(m, paths[a], &ar, err);
		if (rc < 0)
			return rc;
		size_t first_obj = m->objs.len;
		for (size_t i = 0; i < gl_goobj_archive_nmembers(ar); i++) {
			const gl_goobj_member *mb = gl_goobj_archive_member(ar, i);
			if (mb->kind != GL_GOOBJ_M_GO)
				continue;
			char what[1024];
			snprintf(what, sizeof what, "%s(%s)", paths[a], mb->name);
			gl_lobj lo = {0};
			lo.archive = paths[a];
			rc = gl_goobj_open(mb->data, what, &lo.o, err);
			if (rc < 0)
				return rc;
			if (!GL_VEC_PUSH(&m->objs, lo)) {
				gl_goobj_close(lo.o);
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			}
			if (!first)
				first = lo.o;
			if ((rc = check_header(m, lo.o, first, what, err)) < 0)
				return rc;
			/* A package the host already contains is the host's: its
			 * variables and types must stay single. Its object still
			 * names symbols that others reference by index. */
			char *pkg = object_pkgpath(m, lo.o);
			m->objs.v[m->objs.len - 1].pkgpath = pkg; /* (define and share_archive need it too) */
			m->objs.v[m->objs.len - 1].pkgknown = true;
			if (pkg && host_has_object(m->host, lo.o, pkg, NULL) > 0) {
				bool existed;
				m->objs.len--;
				if (!GL_VEC_PUSH(&m->deps, lo.o) ||
				    !gl_strmap_add(&m->bydep, pkg, strlen(pkg), m->deps.len, &existed)) {
					gl_goobj_close(lo.o);
					return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
				}
				dbg(m, "package %s (%s): reused from the host", pkg, what);
			}
		}
		if (m->objs.len > first_obj && (rc = share_archive(m, first_obj, ar, paths[a], err)) < 0)
			return rc;
		/* A cgo package loaded here: its C objects too (cobj.c). */
		if (m->objs.len > first_obj && (rc = cobj_add_archive(m, paths[a], ar, err)) < 0)
			return rc;
	}
	if (m->objs.len == 0 && m->uses.len) {
		m->stub = true;
		return 0;
	}
	if (m->objs.len == 0)
		return gl_err(err, GOLOAD_E_INVAL, "link: nothing to load in the %zu archive(s) given (%zu object(s) of packages the host already has)",
			      n, m->deps.len);
	return 0;
}

const gl_goobj *dep_object(void *ctx, const char *pkg, size_t n, goload_err *err)
{
	goload_module *m = ctx;
	uint64_t oi;
	if (gl_strmap_get(&m->bypkg, pkg, n, &oi))
		return m->objs.v[oi].o;
	if (gl_strmap_get(&m->bydep, pkg, n, &oi)) {
		if (oi)
			return m->deps.v[oi - 1];
		gl_err(err, GOLOAD_E_NOTFOUND, "package %.*s: no archive to read its symbol names from", (int)n, pkg);
		return NULL;
	}
	char *key = keep(m, pkg, n);
	char *path = key && m->opts.dep_archive ? m->opts.dep_archive(m->opts.dep_ctx, key) : NULL;
	gl_goobj_archive *ar = NULL;
	gl_goobj *o = NULL;
	if (path)
		open_pkg_object(path, &ar, &o, err);
	bool existed;
	if (o && GL_VEC_PUSH(&m->deps, o) && GL_VEC_PUSH(&m->deparchives, ar)) {
		dbg(m, "names of package %s read from %s", key, path);
		free(path);
		gl_strmap_add(&m->bydep, key, n, m->deps.len, &existed);
		return o;
	}
	if (o && m->deps.len && m->deps.v[m->deps.len - 1] == o)
		m->deps.len--;
	gl_goobj_close(o);
	gl_goobj_archive_close(ar);
	free(path);
	if (key)
		gl_strmap_add(&m->bydep, key, n, 0, &existed);
	gl_err(err, GOLOAD_E_NOTFOUND, "package %.*s: no archive to read its symbol names from", (int)n, pkg);
	return NULL;
}
