/*
 * Stage 2, define and resolve.
 *
 * Takes m->objs; gives m->syms: one link symbol per definition (dupok and
 * content-addressed definitions shared, indexed by name in m->byname and by
 * hash in m->byhash), then every relocation target, funcdata and Gotype
 * resolved: to a loaded symbol, a host symbol, an earlier module's (a
 * reused package), or one pulled from a host package's archive
 * (hostpkgs.c). A host function reached by a module-relative text offset
 * gets a trampoline. Fails naming every undefined symbol and a referencer.
 */
#include "link/link_internal.h"

static void unplace_aux(goload_module *m, uint32_t oi);

/* Every symbol of object oi starts unresolved. */
int init_syms(goload_module *m, uint32_t oi, goload_err *err)
{
	gl_lobj *lo = &m->objs.v[oi];
	uint32_t ns = gl_goobj_nsyms(lo->o);
	lo->sym = malloc((ns ? ns : 1) * sizeof *lo->sym);
	if (!lo->sym)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	for (uint32_t i = 0; i < ns; i++)
		lo->sym[i] = NOSYM;
	return 0;
}

/* A loaded object's func value "pkg.F·f" of a host package (one
 * OpenPackage reads the archive of) that the host does not have. */
static bool ext_funcval(const goload_module *m, const gl_lobj *lo, const gl_goobj_sym *s)
{
	size_t n = s->namelen, pl;
	uint64_t k;
	if (lo->lazy || !(s->flags & GL_SF_DUPOK) || n < 4 || memcmp(s->name + n - 3, "\xc2\xb7" "f", 3) ||
	    (!m->opts.split_host && !m->opts.nextensions) || !(pl = name_pkglen(s->name, n)) ||
	    !gl_strmap_get(&m->byhostpkg, s->name, pl, &k))
		return false;
	return !host_lookup(m->host, s->name, n, s->abi);
}

/* The link symbol of definition i of object oi: a new one, or the one a
 * dupok or content-addressed twin already made. */
int define_one(goload_module *m, uint32_t oi, uint32_t i, goload_err *err)
{
	gl_lobj *lo = &m->objs.v[oi];
	gl_goobj_sym s = gl_goobj_sym_at(lo->o, i);
	gl_lsym ls = {.obj = oi, .idx = i, .kind = s.kind, .flags = s.flags, .size = s.size, .align = s.align};
	ls.sect = sect_of_kind(s.kind);
	if (s.kind == GL_SK_TLSBSS)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: %.*s is thread-local (STLSBSS)", gl_goobj_name(lo->o),
			      (int)s.namelen, s.name);
	ls.name = keep(m, s.name, s.namelen);
	if (!ls.name)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	/* An itab the host already has is the host's: interface values made
	 * here must compare equal to the host's (type assertions compare
	 * itab addresses). Itabs are content-addressed since Go 1.2x. */
	uint64_t hitab = 0;
	uint32_t use = 0, psize;
	bool pitab = false;
	if (s.flags & GL_SF_ITAB) {
		hitab = gl_host_addr(m->host, ls.name);
		if (!hitab)
			hitab = gl_host_itab(m->host, s.name, s.namelen);
		/* An itab of an earlier module's types is its itab (type
		 * assertions compare itab addresses). */
		int abis[2] = {s.abi, -1};
		if (!hitab && m->uses.len && (hitab = provider_addr(m, s.name, s.namelen, abis, &psize, &use)))
			pitab = true;
		if (!hitab && m->uses.len && (hitab = ext_addr(m, s.name, s.namelen, abis, &psize, &use)))
			pitab = true;
	}
	if (hitab) {
		ls.host = true;
		ls.resolved = true;
		ls.sect = SECT_NONE;
		ls.obj = NOSYM;
		ls.addr = hitab;
		ls.prov = pitab ? use + 1 : 0;
		struct gl_hostitab hi = {oi, i, ls.addr};
		if (!pitab && !GL_VEC_PUSH(&m->hostitabs, hi))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	/* A func value of a host package's function (pkg.F·f, dupok in each
	 * package that takes it) that the host lacks is the host extension's:
	 * a host variable it is stored in (a hook) must not hold the module. */
	if (!hitab && ext_funcval(m, lo, &s)) {
		int abis[2] = {s.abi, -1};
		if ((hitab = ext_addr(m, s.name, s.namelen, abis, &psize, &use))) {
			ls.host = ls.resolved = true;
			ls.sect = SECT_NONE;
			ls.obj = NOSYM;
			ls.addr = hitab;
			ls.prov = use + 1;
		} else if (m->opts.split_host) {
			struct gl_extroot root = {.name = keep(m, s.name, s.namelen), .abi = s.abi};
			if (!root.name || !GL_VEC_PUSH(&m->extroots, root))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			m->pulled = true;
		}
	}
	/* A variable the object defines in another package's name, by
	 * linkname, without content (math/bits' runtime.overflowError): of a
	 * content-less definition and another one of no smaller size, the Go
	 * linker keeps the other; the host's is that one, set by its own
	 * package's init. */
	size_t pk = name_pkglen(s.name, s.namelen);
	if (!hitab && !lo->lazy && (ls.sect == SECT_BSS || ls.sect == SECT_NOPTRBSS) && !(s.flags & GL_SF_DUPOK) &&
	    s.abi != GL_GOOBJ_ABI_STATIC && lo->pkgpath && pk &&
	    (pk != strlen(lo->pkgpath) || memcmp(s.name, lo->pkgpath, pk))) {
		uint64_t a = host_lookup(m->host, s.name, s.namelen, s.abi);
		uint64_t hsz = a ? gl_host_size(m->host, ls.name) : 0;
		if (a && (hsz == 0 || hsz >= s.size)) {
			ls.host = true;
			ls.resolved = true;
			ls.sect = SECT_NONE;
			ls.obj = NOSYM;
			ls.addr = a;
			dbg(m, "%s: %s (defined by linkname, no content) is the host's, at 0x%llx", gl_goobj_name(lo->o), ls.name,
			    (unsigned long long)a);
		}
	}
	size_t hl = 0;
	const uint8_t *hash = gl_goobj_hash(lo->o, i, &hl);
	uint64_t prev;
	bool existed = false;
	if (hash) {
		if (gl_strmap_get(&m->byhash, (const char *)hash, hl, &prev)) {
			gl_lsym *p = gl_link_sym(m, (uint32_t)prev);
			/* Trailing zeros are not hashed: the longer copy wins. */
			if (s.size > p->size && !p->host) {
				p->obj = oi;
				p->idx = i;
				p->size = s.size;
			}
			lo->sym[i] = (uint32_t)prev;
			return 0;
		}
		uint32_t id = new_sym(m, ls);
		if (id == NOSYM || !gl_strmap_put(&m->byhash, (const char *)hash, hl, id))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		lo->sym[i] = id;
		/* Itabs are content-addressed: by name too, for later modules
		 * that reuse this one's packages (provider_addr). */
		size_t kl;
		char *key = (s.flags & GL_SF_ITAB) && s.namelen ? name_key(m, s.name, s.namelen, s.abi, &kl) : NULL;
		if (key && !gl_strmap_add(&m->byname, key, kl, id, &existed))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		return 0;
	}
	if (!s.namelen || s.abi == GL_GOOBJ_ABI_STATIC) {
		if ((lo->sym[i] = new_sym(m, ls)) == NOSYM)
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		return 0;
	}
	size_t kl = 0;
	char *key = name_key(m, s.name, s.namelen, s.abi, &kl);
	if (!key)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	if (gl_strmap_get(&m->byname, key, kl, &prev)) {
		gl_lsym *p = gl_link_sym(m, (uint32_t)prev);
		/* Content-less variables share a name with one of no smaller
		 * size (the Go linker's rule; linkname declarations in several
		 * packages). */
		bool bss = s.kind == GL_SK_BSS || s.kind == GL_SK_NOPTRBSS;
		if (bss && (p->host || p->sect == SECT_BSS || p->sect == SECT_NOPTRBSS || p->sect == SECT_DATA ||
			    p->sect == SECT_NOPTRDATA) && (p->size >= s.size || p->host)) {
			lo->sym[i] = (uint32_t)prev;
			return 0;
		}
		/* Two package definitions (the first class of an object's
		 * definitions) never clash in the Go linker (loader.addSym,
		 * pkgDef): each object's references by index reach its own copy,
		 * a reference by name the one defined last. Go 1.21 compiles a
		 * generic function's closures (p.F[go.shape.int].func1) as
		 * package definitions of each package instantiating it. */
		/* (The go command never links one package twice: two objects of
		 * one package still clash.) */
		const char *ppkg = p->obj != NOSYM ? m->objs.v[p->obj].pkgpath : NULL;
		bool pkgdef = i < gl_goobj_ncount(lo->o, GL_GOOBJ_SC_DEF) && p->obj != NOSYM &&
			      p->idx < gl_goobj_ncount(m->objs.v[p->obj].o, GL_GOOBJ_SC_DEF) && lo->pkgpath && ppkg &&
			      strcmp(lo->pkgpath, ppkg);
		if (!(s.flags & GL_SF_DUPOK) && !(p->flags & GL_SF_DUPOK) && !pkgdef)
			return gl_err(err, GOLOAD_E_MISMATCH, "%s: %s is also defined in %s", gl_goobj_name(lo->o), ls.name,
				      p->obj == NOSYM ? "the host" : gl_goobj_name(m->objs.v[p->obj].o));
		if (!pkgdef || (s.flags & GL_SF_DUPOK) || (p->flags & GL_SF_DUPOK)) {
			lo->sym[i] = (uint32_t)prev;
			return 0;
		}
		uint32_t id = new_sym(m, ls);
		if (id == NOSYM || !gl_strmap_put(&m->byname, key, kl, id))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		dbg(m, "%s: package definition %s also in %s: both kept, the name is this one's", gl_goobj_name(lo->o), ls.name,
		    gl_goobj_name(m->objs.v[gl_link_sym(m, (uint32_t)prev)->obj].o));
		lo->sym[i] = id;
		return 0;
	}
	uint32_t id = new_sym(m, ls);
	if (id == NOSYM || !gl_strmap_add(&m->byname, key, kl, id, &existed))
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	lo->sym[i] = id;
	return 0;
}

/* One link symbol per definition; dupok and content-addressed ones shared. */
int define(goload_module *m, goload_err *err)
{
	/* Room for every definition first: growing the tables rehashes and
	 * copies them (webfix defines ~100,000). */
	size_t nnamed = 0, nhashed = 0;
	for (uint32_t oi = 0; oi < m->objs.len; oi++) {
		const gl_goobj *o = m->objs.v[oi].o;
		size_t h = gl_goobj_class_start(o, GL_GOOBJ_SC_NONPKGDEF) - gl_goobj_class_start(o, GL_GOOBJ_SC_HASHED64);
		nhashed += h;
		nnamed += gl_goobj_ndefs(o) - h;
	}
	if (!GL_VEC_RESERVE(&m->syms, nnamed + nhashed) || !gl_strmap_reserve(&m->byname, m->byname.len + nnamed) ||
	    !gl_strmap_reserve(&m->byhash, m->byhash.len + nhashed))
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	for (uint32_t oi = 0; oi < m->objs.len; oi++) {
		gl_lobj *lo = &m->objs.v[oi];
		int rc = init_syms(m, oi, err);
		if (rc < 0)
			return rc;
		if (!lo->pkgknown)
			lo->pkgpath = object_pkgpath(m, lo->o);
		if (lo->pkgpath) {
			bool existed;
			if (!gl_strmap_add(&m->bypkg, lo->pkgpath, strlen(lo->pkgpath), oi, &existed))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		}
		uint32_t nd = gl_goobj_ndefs(lo->o);
		for (uint32_t i = 0; i < nd; i++)
			if ((rc = define_one(m, oi, i, err)) < 0)
				return rc;
		unplace_aux(m, oi);
	}
	return 0;
}

/* FuncInfo and pc-value tables are aux data that rt copies into the
 * pclntab; they are not laid out (the compiler gives FuncInfo SDATA). */
static void unplace_aux(goload_module *m, uint32_t oi)
{
	gl_lobj *lo = &m->objs.v[oi];
	uint32_t nd = gl_goobj_ndefs(lo->o);
	for (uint32_t i = 0; i < nd; i++) {
		uint32_t first, n = gl_goobj_auxs(lo->o, i, &first);
		for (uint32_t j = 0; j < n; j++) {
			gl_goobj_aux a = gl_goobj_aux_at(lo->o, first + j);
			uint32_t local;
			if (a.type == GL_AUX_GOTYPE || a.type == GL_AUX_FUNCDATA || !gl_goobj_ref_local(lo->o, a.sym, &local) ||
			    local >= nd || lo->sym[local] == NOSYM)
				continue;
			gl_link_sym(m, lo->sym[local])->sect = SECT_NONE;
		}
	}
}

/* ---------------------------------------- packages of earlier modules */

static bool loads_pkg(const goload_module *m, const char *pkg, size_t n)
{
	for (size_t k = 0; k < m->loaded.len; k++)
		if (strlen(m->loaded.v[k].pkg) == n && !memcmp(m->loaded.v[k].pkg, pkg, n))
			return true;
	return false;
}

static bool ident_byte(unsigned char c)
{
	return c >= 0x80 || c == '_' || c == '.' || c == '/' || c == '-' || c == '~' || c == '%' || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Whether a type or itab name ("type:[]example.com/s.Tok",
 * "go:itab.*example.com/s.Tok,fmt.Stringer") is made only of types that
 * are the same descriptors here and in the earlier modules: at least one
 * named type of a package reused from an earlier module, the others of
 * such packages or the host's. Then this module's copy is that module's
 * type (the same name is the same type). A package this module loads
 * itself, or a named type of neither kind, makes it false. */
static bool shared_types_only(const goload_module *m, const char *name, size_t n)
{
	if (!m->uses.len)
		return false;
	size_t k = n > 5 && !memcmp(name, "type:", 5) ? 5 : n > 8 && !memcmp(name, "go:itab.", 8) ? 8 : n;
	if (k == n)
		return false;
	bool any = false;
	while (k < n) {
		if (!ident_byte((unsigned char)name[k])) {
			k++;
			continue;
		}
		size_t t0 = k;
		while (k < n && ident_byte((unsigned char)name[k]))
			k++;
		/* path.Ident: the package is what precedes the last dot after
		 * the last slash */
		size_t slash = t0, dot = 0;
		for (size_t j = t0; j < k; j++)
			if (name[j] == '/')
				slash = j;
		for (size_t j = slash; j < k; j++)
			if (name[j] == '.')
				dot = j;
		if (!dot)
			continue; /* a predeclared type, a field name */
		uint64_t u;
		if (gl_strmap_get(&m->provided, name + t0, dot - t0, &u)) {
			any = true;
			continue;
		}
		char buf[512];
		int bl = snprintf(buf, sizeof buf, "type:%.*s", (int)(k - t0), name + t0);
		if (bl <= 0 || (size_t)bl >= sizeof buf || !gl_host_type(m->host, buf, (size_t)bl) || loads_pkg(m, name + t0, dot - t0))
			return false;
	}
	return any;
}

/* A symbol of an earlier module whose package (or, for a type or itab,
 * whose types) this module reuses: its address there, 0 if none; *use
 * is the index in uses. */
uint64_t provider_addr(const goload_module *m, const char *name, size_t n, const int *abis, uint32_t *size,
			      uint32_t *use)
{
	uint64_t u;
	size_t pl = name_pkglen(name, n);
	if (pl ? !gl_strmap_get(&m->provided, name, pl, &u) : !shared_types_only(m, name, n))
		return 0;
	for (size_t i = 0; i < m->uses.len; i++) {
		const goload_module *p = m->uses.v[i].prov;
		uint32_t id;
		for (int k = 0; k < 2 && abis[k] >= 0; k++) {
			if (!find_named(p, name, n, (uint16_t)abis[k], &id))
				continue;
			const gl_lsym *s = &p->syms.v[id];
			if (!s->host && (s->sect == SECT_NONE || s->obj == NOSYM))
				continue;
			*use = (uint32_t)i;
			*size = s->size;
			return s->alias ? s->alias : s->addr;
		}
	}
	return 0;
}

/* A symbol a host extension defines (see goload_extension_link): its
 * address there, 0 if none; *use is the extension's index in uses. Any
 * name: a host package's function, variable or type, or a composite type
 * or itab its code made. */
uint64_t ext_addr(const goload_module *m, const char *name, size_t n, const int *abis, uint32_t *size, uint32_t *use)
{
	for (size_t i = 0; i < m->uses.len; i++) {
		const goload_module *p = m->uses.v[i].prov;
		uint32_t id;
		for (int k = 0; m->uses.v[i].ext && k < 2 && abis[k] >= 0; k++) {
			if (!find_named(p, name, n, (uint16_t)abis[k], &id))
				continue;
			const gl_lsym *s = &p->syms.v[id];
			/* (not its trampolines to host functions; a func value it
			 * made is, see pull_roots) */
			if (s->host || s->sect == SECT_NONE || (s->obj == NOSYM && s->sect == SECT_TEXT))
				continue;
			*use = (uint32_t)i;
			*size = s->size;
			return s->alias ? s->alias : s->addr;
		}
	}
	return 0;
}

/* Whether link symbol id is a host extension's. */
bool ext_sym(const goload_module *m, uint32_t id)
{
	const gl_lsym *s = id == NOSYM ? NULL : &m->syms.v[id];
	return s && s->host && s->prov && m->uses.v[s->prov - 1].ext;
}

/* The host extensions become uses of this link, after the earlier modules
 * it reuses packages from (their indices stay those the binding knows):
 * reached by ext_addr only, no package is "provided" by them. */
int add_ext_uses(goload_module *m, goload_err *err)
{
	for (size_t i = 0; i < m->opts.nextensions; i++) {
		struct gl_use u = {.prov = m->opts.extensions[i], .pkg = "(host packages)", .ext = true};
		if (!GL_VEC_PUSH(&m->uses, u))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	return 0;
}

/* The link symbol a reference of object oi names, creating a host symbol on
 * first use. NOSYM with *missing set when nothing defines it. */
/* Whether name is a package's static temporary, "pkg..stmp_N". */
static bool is_stmp(const char *name, size_t n)
{
	for (size_t i = 0; i + 7 <= n; i++)
		if (!memcmp(name + i, "..stmp_", 7))
			return true;
	return false;
}

static bool fix_private(const char *name, size_t n)
{
	static const char *const pats[] = {"..stmp_", "..typeAssert.", "..interfaceSwitch."};
	for (size_t p = 0; p < sizeof pats / sizeof pats[0]; p++) {
		size_t pl = strlen(pats[p]);
		for (size_t i = 0; i + pl <= n; i++)
			if (!memcmp(name + i, pats[p], pl))
				return true;
	}
	return false;
}

uint32_t resolve(goload_module *m, uint32_t oi, gl_goobj_ref r, gl_goobj_symname *missing, goload_err *err)
{
	const gl_goobj *o = m->objs.v[oi].o;
	uint32_t local;
	bool cache = gl_goobj_ref_local(o, r, &local);
	if (cache && m->objs.v[oi].sym[local] != NOSYM)
		return m->objs.v[oi].sym[local];
	gl_goobj_symname nm = {0};
	uint64_t stmp = 0;
	uint32_t fixsize = 0; /* fix mode: the size of a variable of the rebuilt package */
	if (cache && local < gl_goobj_ndefs(o)) {
		if (!m->objs.v[oi].lazy)
			return NOSYM;
		/* A lazy object's own definition: named ones are the host's when
		 * it has them, the others (content-addressed, static) are this
		 * function's private data. */
		gl_goobj_sym s = gl_goobj_sym_at(o, local);
		size_t hl;
		if (m->opts.nfix_roots && is_data_sect(sect_of_kind(s.kind)))
			fixsize = s.size;
		/* A static temporary (pkg..stmp_N) is file-local, but the
		 * compiler numbers them once per package: the host's variable of
		 * that name and size is this very one, which the host's init may
		 * have filled in (net/http.DefaultTransport's Transport: the host
		 * dropped the variable and kept the temporary its init writes). */
		/* A fix's compiler-numbered variables (static temporaries, type
		 * assertion and switch caches) are its own: the rebuild may have
		 * numbered them differently from the host's. */
		if (m->opts.nfix_roots && is_data_sect(sect_of_kind(s.kind)) && fix_private(s.name, s.namelen))
			return m->frozen ? NOSYM : pull(m, oi, local, err);
		if (s.abi == GL_GOOBJ_ABI_STATIC && is_data_sect(sect_of_kind(s.kind)) && is_stmp(s.name, s.namelen)) {
			const char *k = keep(m, s.name, s.namelen);
			stmp = k ? host_lookup(m->host, s.name, s.namelen, 1) : 0;
			if (stmp && gl_host_size(m->host, k) != s.size)
				stmp = 0;
		}
		if (!stmp && (!s.namelen || s.abi == GL_GOOBJ_ABI_STATIC || gl_goobj_hash(o, local, &hl)))
			return m->frozen ? NOSYM : pull(m, oi, local, err);
		/* A fix keeps the running program's types: the rebuilt package's
		 * type of a name the host has must have its layout. */
		if (m->opts.nfix_roots && s.namelen > 5 && !memcmp(s.name, "type:", 5)) {
			uint64_t ht = gl_host_type(m->host, s.name, s.namelen);
			gl_goobj_resolver res = {dep_object, m};
			if (ht && gl_host_type_check(m->host, o, local, &res, ht, err) < 0) {
				gl_err_prefix(err, "fix: changed layout of an existing type");
				return NOSYM;
			}
		}
		/* A type descriptor is this module's copy (aliased to the host's
		 * by alias_host_types): descriptors name types by offsets from
		 * the module's own types, which cannot reach the host's. */
		uint32_t xs, xu;
		int xabis[2] = {s.abi, -1};
		if (s.namelen > 5 && !memcmp(s.name, "type:", 5) && (s.flags & GL_SF_DUPOK) && !m->frozen &&
		    !ext_addr(m, s.name, s.namelen, xabis, &xs, &xu))
			return pull(m, oi, local, err);
		nm.name = s.name;
		nm.namelen = s.namelen;
		nm.abi = stmp ? 1 : s.abi;
	} else {
		if (r.pkg != GL_GOOBJ_PKG_BUILTIN && !cache) {
			/* A package-indexed reference into a loaded package. */
			gl_span pkg = gl_goobj_pkg_at(o, r.pkg);
			uint64_t dep;
			if (pkg.n && gl_strmap_get(&m->bypkg, (const char *)pkg.p, pkg.n, &dep)) {
				gl_lobj *d = &m->objs.v[dep];
				if (r.idx < gl_goobj_ncount(d->o, GL_GOOBJ_SC_DEF))
					return d->sym[r.idx];
			}
		}
		gl_goobj_resolver res = {dep_object, m};
		if (gl_goobj_ref_name(o, r, &res, &nm, err) < 0)
			return NOSYM;
	}
	uint32_t id;
	int abis[2] = {nm.abi, -1};
	if (nm.abi < 0) { /* RefName has no ABI: Go-to-Go references are ABIInternal */
		abis[0] = 1;
		abis[1] = 0;
	}
	for (int k = 0; k < 2 && abis[k] >= 0; k++)
		if (find_named(m, nm.name, nm.namelen, (uint16_t)abis[k], &id))
			goto found;
	uint64_t a = stmp ? stmp : host_lookup(m->host, nm.name, nm.namelen, abis[0]);
	if (!a && abis[1] >= 0)
		a = host_lookup(m->host, nm.name, nm.namelen, abis[1]);
	if (!a && nm.namelen > 5 && !memcmp(nm.name, "type:", 5))
		a = gl_host_type(m->host, nm.name, nm.namelen);
	if (!a && nm.namelen > 8 && !memcmp(nm.name, "go:itab.", 8))
		a = gl_host_itab(m->host, nm.name, nm.namelen);
	uint32_t use = 0, psize = 0;
	bool prov = false;
	if (!a && m->uses.len && (a = provider_addr(m, nm.name, nm.namelen, abis, &psize, &use)))
		prov = true;
	/* What the host's linker dropped of its packages: a host extension's
	 * copy, the one copy per process. */
	if (!a && m->uses.len && (a = ext_addr(m, nm.name, nm.namelen, abis, &psize, &use)))
		prov = true;
	for (size_t k = 0; !a && fixsize && k < m->opts.nfix_vars; k++)
		if (strlen(m->opts.fix_vars[k]) == nm.namelen && !memcmp(m->opts.fix_vars[k], nm.name, nm.namelen))
			a = m->opts.fix_var_addrs[k] + m->host->bias;
	if (!a && fixsize && m->host->stripped && !stmp) {
		gl_err(err, GOLOAD_E_UNRESOLVED,
		       "fix: variable %.*s: the running program is stripped and its unchanged code does not use it: a new copy would "
		       "lose its value (if it is new, rebuild the program with a symbol table)",
		       (int)nm.namelen, nm.name);
		return NOSYM;
	}
	if (!a) {
		id = hostpkg_find(m, &nm, abis, err);
		if (id != NOSYM)
			goto found;
		*missing = nm;
		return NOSYM;
	}
	gl_lsym hs = {.obj = NOSYM, .host = true, .resolved = true, .addr = a};
	hs.name = keep(m, nm.name, nm.namelen);
	hs.size = hs.name && !prov ? (uint32_t)gl_host_size(m->host, hs.name) : psize;
	hs.prov = prov ? use + 1 : 0;
	if (fixsize && hs.size && hs.size != fixsize && !prov) {
		/* The running program's variable stays: it must be the same type. */
		gl_err(err, GOLOAD_E_MISMATCH, "fix: variable %s is %u bytes in the new code, %u in the running program: its type changed",
		       hs.name, fixsize, hs.size);
		return NOSYM;
	}
	size_t kl = 0;
	char *key = name_key(m, nm.name, nm.namelen, (uint16_t)abis[0], &kl);
	id = new_sym(m, hs);
	bool existed;
	if (!hs.name || !key || id == NOSYM || !gl_strmap_add(&m->byname, key, kl, id, &existed)) {
		gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		return NOSYM;
	}
	if (m->opts.debug)
		dbg(m, "resolve %s -> %s 0x%llx", hs.name, prov ? m->uses.v[use].prov->name : "host", (unsigned long long)a);
found:
	if (cache)
		m->objs.v[oi].sym[local] = id;
	return id;
}

bool is_marker(int t)
{
	switch (t) {
	case GL_R_USEFIELD:
	case GL_R_USETYPE:
	case GL_R_USEIFACE:
	case GL_R_USEIFACEMETHOD:
	case GL_R_USEGENERICIFACEMETHOD:
	case GL_R_USENAMEDMETHOD:
	case GL_R_KEEP:
	case GL_R_CALLIND:
	case GL_R_INITORDER:
		return true;
	default:
		return false;
	}
}

static bool is_wrapinfo(const gl_lsym *s)
{
	size_t n = strlen(s->name);
	return n > 9 && !strcmp(s->name + n - 9, ".wrapinfo");
}

/* ArrayType.Slice (the []T of a [N]T, only used by reflect when slicing an
 * array value) is emitted by whichever package needs []T; when neither the
 * host nor the archives have it, the field stays nil instead of failing
 * the load. */
bool optional_type_ref(goload_module *m, const gl_lsym *s, int32_t off)
{
	const struct gl_rttab *rt = m->host->rt;
	if (!(s->flags & GL_SF_GOTYPE) || off != rt->array_off_slice)
		return false;
	gl_span d = gl_goobj_data(m->objs.v[s->obj].o, s->idx);
	uint8_t kind;
	if (!gl_u8_at(d, rt->type_off_kind, &kind) || (kind & rt->kind_mask) != GL_KIND_ARRAY)
		return false;
	dbg(m, "%s: its slice type is nowhere: ArrayType.Slice left nil", s->name);
	return true;
}

/* Resolves every relocation target, aux funcdata and global Gotype of the
 * placed symbols; lists each missing symbol once with a referencer. */
int resolve_all(goload_module *m, goload_err *err)
{
	gl_buf miss = {0};
	gl_strmap seen = {0};
	size_t nmiss = 0;
	int rc = 0;
	GL_VEC(uint32_t) tramps = {0};
	/* (Not for a fix: it replaces functions and keeps the host's types
	 * as they are.) */
	if (m->opts.nhost_archives && !m->opts.nfix_roots &&
	    (rc = gl_host_dropped_methods(m->host, want_method, m, err)) < 0)
		return rc;
	uint32_t si = 0;
	size_t hi = 0;
again:
	for (; si < m->syms.len && rc == 0; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s))
			continue;
		if ((s->flags & GL_SF_REFLECTMETHOD) && (rc = note_reflect_method(m, s, err)) < 0)
			break;
		/* Resolving may open host packages' objects (growing objs). */
		const gl_goobj *o = m->objs.v[s->obj].o;
		uint32_t first, n = gl_goobj_relocs(o, s->idx, &first);
		/* A pulled symbol's auxiliaries, and a GC-scanned variable's type
		 * (gc_masks reads it after the symbols are frozen): a type whose
		 * descriptor the host's linker dropped comes from its package's
		 * archive now. */
		uint32_t afirst = 0, na = m->objs.v[s->obj].lazy || s->sect == SECT_DATA || s->sect == SECT_BSS
						  ? gl_goobj_auxs(o, s->idx, &afirst)
						  : 0;
		for (uint32_t j = 0; j < n + na; j++) {
			gl_goobj_reloc r;
			if (j >= n) {
				/* What a pulled symbol's funcdata and type name must be
				 * there before layout, as every loaded object's is. */
				gl_goobj_aux a = gl_goobj_aux_at(o, afirst + (j - n));
				if ((a.type != GL_AUX_FUNCDATA && a.type != GL_AUX_GOTYPE) || gl_goobj_ref_is_nil(a.sym))
					continue;
				r = (gl_goobj_reloc){.type = GL_R_ADDR, .sym = a.sym};
			} else
				r = gl_goobj_reloc_at(o, first + j);
			if (j < n && !gl_goobj_ref_is_nil(r.sym) &&
			    (r.type == GL_R_USEIFACE || r.type == GL_R_USEIFACEMETHOD ||
			     r.type == GL_R_USEGENERICIFACEMETHOD || r.type == GL_R_USENAMEDMETHOD) &&
			    (rc = note_iface_use(m, s->obj, s, r, err)) < 0)
				break;
			if (is_marker(r.type) || gl_goobj_ref_is_nil(r.sym))
				continue;
			gl_goobj_symname nm = {0};
			goload_err e = {0};
			uint32_t t = resolve(m, s->obj, r.sym, &nm, &e);
			s = gl_link_sym(m, si); /* resolve may grow the symbol table */
			const gl_lsym *ts = t != NOSYM ? gl_link_sym(m, t) : NULL;
			size_t thl;
			/* (dupok and content-addressed ones, e.g. Go 1.21's
			 * F.stkobj, the extension has its own copy of) */
			if (m->opts.split_host && !m->blocked && ts && m->objs.v[s->obj].lazy &&
			    ((from_obj(ts) && !m->objs.v[ts->obj].lazy && !(ts->flags & GL_SF_DUPOK) &&
			      !gl_goobj_hash(m->objs.v[ts->obj].o, ts->idx, &thl) && ts->name[0] &&
			      !host_lookup(m->host, ts->name, strlen(ts->name), 1) &&
			      !host_lookup(m->host, ts->name, strlen(ts->name), 0) &&
			      !(!strncmp(ts->name, "type:", 5) && gl_host_type(m->host, ts->name, strlen(ts->name)))) ||
			     (ts->host && ts->prov && !m->uses.v[ts->prov - 1].ext))) {
				/* Dropped code of a host package needs a package this
				 * module loads: a host extension cannot hold it (it would
				 * depend on this module). OpenPackage gives every package
				 * of the host's build as a host package (io/fs.glob's
				 * path.Join, with path dropped whole, is one), so this is
				 * another build of it: the binding refuses the load. */
				m->blocked = s->name;
				m->blocked_by = ts->name;
			}
			if (e.code) {
				rc = gl_err(err, e.code, "%s: %s", s->name, e.msg);
				break;
			}
			bool offset = r.type == GL_R_ADDROFF || r.type == GL_R_METHODOFF;
			if (t != NOSYM && offset && gl_link_sym(m, t)->host && !gl_link_sym(m, t)->tramp &&
			    !strncmp(gl_link_sym(m, t)->name, "type:", 5)) {
				if ((rc = type_copy(m, si, r.sym, t, err)) < 0)
					break;
				s = gl_link_sym(m, si);
				continue;
			}
			if (t != NOSYM && offset && gl_link_sym(m, t)->host && !is_wrapinfo(s) && !gl_link_sym(m, t)->tramp) {
				gl_link_sym(m, t)->tramp = 1; /* requested; the symbol is made below */
				if (!GL_VEC_PUSH(&tramps, t)) {
					rc = gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
					break;
				}
			}
			if (t != NOSYM && r.type == GL_R_ADDROFF && gl_link_sym(m, t)->host && is_wrapinfo(s)) {
				/* The execution tracer's wrapped-function hint cannot point
				 * into the host's text from here; without it the
				 * tracer names the wrapper itself. */
				s->dropped = true;
				dbg(m, "%s: wraps host %s: dropped", s->name, gl_link_sym(m, t)->name);
			}
			if (t != NOSYM || r.weak || optional_type_ref(m, s, r.off))
				continue;
			if (r.type == GL_R_METHODOFF) {
				/* A method nothing defines: the host's linker found it
				 * unreachable (Go 1.27 archives carry instantiations such
				 * as *atomic.Pointer[sync.poolChainElt] whose methods the
				 * host dropped). Like that linker, the method table gets
				 * -1 (runtime.unreachableMethod). */
				dbg(m, "%s: method %.*s is nowhere: unreachable", s->name, (int)nm.namelen, nm.name);
				continue;
			}
			bool existed;
			gl_strmap_add(&seen, nm.name, nm.namelen, 0, &existed);
			if (!existed) {
				nmiss++;
				gl_buf_printf(&miss, "\n  %.*s (referenced by %s)", (int)nm.namelen, nm.name, s->name);
			}
		}
		s->resolved = true;
	}
	/* The host's itabs hold runtime.unreachableMethod for the methods its
	 * linker dropped; loaded code may call them: they are pulled here and
	 * filled in once laid out. */
	for (; hi < m->hostitabs.len && rc == 0; hi++)
		rc = host_itab_slots(m, m->hostitabs.v[hi], false, err);
	if (rc == 0 && si < m->syms.len)
		goto again;
	/* Method tables and other module-relative text offsets that name a
	 * host function go through a 5-byte JMP in this module's text. */
	for (size_t i = 0; rc == 0 && i < tramps.len; i++) {
		gl_lsym tr = {.obj = NOSYM, .kind = GL_SK_TEXT, .sect = SECT_TEXT, .size = 5, .align = 8,
			      .target = tramps.v[i], .resolved = true};
		tr.name = gl_link_sym(m, tramps.v[i])->name;
		uint32_t id = new_sym(m, tr);
		if (id == NOSYM)
			rc = gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		else
			gl_link_sym(m, tramps.v[i])->tramp = id;
	}
	GL_VEC_FREE(&tramps);
	if (rc == 0 && nmiss) {
		gl_buf_u8(&miss, 0);
		rc = gl_err(err, GOLOAD_E_UNRESOLVED, "%zu undefined symbol(s): neither the host%s nor the archives define them:%s",
			    nmiss, gl_host_missing_note(m->host), miss.oom ? " (out of memory)" : (const char *)miss.p);
	}
	gl_buf_free(&miss);
	gl_strmap_free(&seen);
	return rc;
}
