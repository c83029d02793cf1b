#include "link/link.h"

#include "versions/rt_tables.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOSYM UINT32_MAX

static void dbg(const goload_module *m, const char *fmt, ...) GL_PRINTF(2, 3);
static void dbg(const goload_module *m, const char *fmt, ...)
{
	if (!m->opts.debug)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("goload: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static char *keep(goload_module *m, const char *s, size_t n)
{
	char *c = malloc(n + 3);
	if (!c || !GL_VEC_PUSH(&m->strs, c)) {
		free(c);
		return NULL;
	}
	memcpy(c, s, n);
	c[n] = 0;
	return c;
}

/* Lookup key of a named symbol: the name, a NUL, then the ABI. */
static char *name_key(goload_module *m, const char *name, size_t n, uint16_t abi, size_t *klen)
{
	char *k = keep(m, name, n);
	if (!k)
		return NULL;
	k[n + 1] = (char)(abi & 0xff);
	k[n + 2] = (char)(abi >> 8);
	*klen = n + 3;
	return k;
}

static bool find_named(const goload_module *m, const char *name, size_t n, uint16_t abi, uint32_t *out)
{
	char buf[512];
	if (n + 3 > sizeof buf)
		return false;
	memcpy(buf, name, n);
	buf[n] = 0;
	buf[n + 1] = (char)(abi & 0xff);
	buf[n + 2] = (char)(abi >> 8);
	uint64_t v;
	if (!gl_strmap_get(&m->byname, buf, n + 3, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

typedef GL_VEC(uint32_t) u32vec;

/* Placed and defined by an object (not a host symbol, aux table or
 * trampoline). */
static bool from_obj(const gl_lsym *s) { return !s->host && s->sect != SECT_NONE && s->obj != NOSYM; }

static int sect_of_kind(int kind)
{
	switch (kind) {
	case GL_SK_TEXT:
	case GL_SK_TEXTFIPS:
		return SECT_TEXT;
	case GL_SK_RODATA:
	case GL_SK_RODATAFIPS:
		return SECT_RODATA;
	case GL_SK_NOPTRDATA:
	case GL_SK_NOPTRDATAFIPS:
		return SECT_NOPTRDATA;
	case GL_SK_DATA:
	case GL_SK_DATAFIPS:
		return SECT_DATA;
	case GL_SK_BSS:
		return SECT_BSS;
	case GL_SK_NOPTRBSS:
		return SECT_NOPTRBSS;
	default:
		return SECT_NONE;
	}
}

static const char *const sect_names[SECT_N] = {"none", "text", "rodata", "noptrdata", "data", "bss", "noptrbss"};

/* Length of the package path a symbol name starts with (the compiler
 * writes fully qualified names, "example.com/p.F", "p.(*T).M[...]"); 0 for
 * linker-made names (type:, go:) and names without one. */
static size_t name_pkglen(const char *name, size_t n)
{
	if ((n > 5 && !memcmp(name, "type:", 5)) || (n > 3 && !memcmp(name, "go:", 3)))
		return 0;
	size_t end = n;
	for (size_t k = 0; k < n; k++)
		if (name[k] == '[') {
			end = k;
			break;
		}
	size_t slash = 0;
	for (size_t k = 0; k < end; k++)
		if (name[k] == '/')
			slash = k;
	for (size_t k = slash; k < end; k++)
		if (name[k] == '.')
			return k;
	return 0;
}

static char *path_to_prefix(const char *path);

/* The symbol-name prefix of an object's own package (caller frees): from
 * its DWARF compile unit's go:cuinfo.packagename.PATH when it has one, else
 * the prefix most of its named definitions carry. Not the first
 * definition's: an object also defines other packages' symbols by
 * linkname (math/bits defines runtime.overflowError and
 * runtime.divideError), and those must not make it "the host's". */
static char *own_prefix(const gl_goobj *o)
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
static char *object_pkgpath(goload_module *m, const gl_goobj *o)
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

static uint64_t host_lookup(const goload_host *h, const char *name, size_t n, int abi);

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
static bool types_only(const gl_goobj *o, const char *pkg)
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
static bool named_type_of(const gl_goobj_sym *s, const char *pkg, size_t pl)
{
	return (s->flags & (GL_SF_GOTYPE | GL_SF_DUPOK)) == GL_SF_GOTYPE && s->namelen > 6 + pl &&
	       !memcmp(s->name, "type:", 5) && !memcmp(s->name + 5, pkg, pl) && s->name[5 + pl] == '.' &&
	       !memchr(s->name, '[', s->namelen);
}

static int host_has_object(const goload_host *h, const gl_goobj *o, const char *pkg)
{
	uint32_t nd = gl_goobj_ndefs(o);
	size_t pl = strlen(pkg);
	bool found = false, own = false;
	for (uint32_t i = 0; i < nd; i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		if (s.namelen == pl + 10 && !memcmp(s.name, pkg, pl) && !memcmp(s.name + pl, "..inittask", 10)) {
			uint32_t first, n = gl_goobj_relocs(o, i, &first);
			for (uint32_t j = 0; j < n; j++) {
				gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
				uint32_t t;
				if (r.type != GL_R_ADDR || !gl_goobj_ref_local(o, r.sym, &t) || t >= nd)
					continue;
				gl_goobj_sym f = gl_goobj_sym_at(o, t);
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
static int open_pkg_object(const char *path, gl_goobj_archive **ar, gl_goobj **o, goload_err *err)
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
static char *path_to_prefix(const char *path)
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

int goload_host_has_package(goload_host *h, const char *pkgpath, const char *archive, goload_err *err)
{
	gl_goobj_archive *ar;
	/* A package of types only is the host's by its named types (a host
	 * whose types cannot be indexed has none to compare: linking says so). */
	goload_err ierr;
	if (h->rt)
		(void)gl_host_types_index(h, &ierr);
	char *prefix = path_to_prefix(pkgpath);
	if (!prefix)
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory");
	int rc = gl_goobj_archive_open_path(archive, &ar, err);
	if (rc < 0) {
		free(prefix);
		return rc;
	}
	/* Assembly members count: runtime/cgo's only code a host keeps may
	 * be assembly (set_crosscall2). */
	bool has = false, noinit = false;
	for (size_t i = 0; rc == 0 && i < gl_goobj_archive_nmembers(ar); i++) {
		gl_goobj *o;
		if (gl_goobj_archive_member(ar, i)->kind != GL_GOOBJ_M_GO || (rc = gl_goobj_archive_open_member(ar, i, &o, err)) < 0)
			continue;
		int r = host_has_object(h, o, prefix);
		has |= r > 0;
		noinit |= r < 0;
		gl_goobj_close(o);
	}
	gl_goobj_archive_close(ar);
	free(prefix);
	return rc < 0 ? rc : has && !noinit;
}

/* The object's header line must match the host's toolchain; `first` (the
 * first object linked) fixes the experiment set. */
static int check_header(goload_module *m, const gl_goobj *o, const gl_goobj *first, const char *what, goload_err *err)
{
	const char *hv = m->host->goversion;
	const gl_goobj_hdr *h = gl_goobj_header(o);
	if (strcmp(h->goarch, "amd64") || strcmp(h->goos, "linux"))
		return gl_err(err, GOLOAD_E_VERSION, "%s: built for %s/%s, the host is linux/amd64", what, h->goos, h->goarch);
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
static int module_archive(goload_module *m, const char *path, gl_goobj_archive **ar, goload_err *err)
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

/* Objects [first, objs.len) are one archive's. A build of their package an
 * earlier module loaded is that module's: its object stays for names only
 * (like a host package's). Otherwise the package is this module's. */
static int share_archive(goload_module *m, size_t first, const gl_goobj_archive *ar, const char *path, goload_err *err)
{
	char *pkg = NULL;
	size_t named = first;
	for (size_t k = first; k < m->objs.len && !pkg; k++)
		if ((pkg = object_pkgpath(m, m->objs.v[k].o)))
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
	struct gl_use use = {prov, pkg};
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

static int open_archives(goload_module *m, const char *const *paths, size_t n, goload_err *err)
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
			if (mb->kind == GL_GOOBJ_M_NATIVE)
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: member %s is a native (cgo) object: cgo packages cannot be loaded",
					      paths[a], mb->name);
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
			if (pkg && host_has_object(m->host, lo.o, pkg) > 0) {
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

static uint32_t new_sym(goload_module *m, gl_lsym s)
{
	if (!GL_VEC_PUSH(&m->syms, s))
		return NOSYM;
	return (uint32_t)(m->syms.len - 1);
}

static void unplace_aux(goload_module *m, uint32_t oi);
static uint64_t provider_addr(const goload_module *m, const char *name, size_t n, const int *abis, uint32_t *size,
			      uint32_t *use);

/* Every symbol of object oi starts unresolved. */
static int init_syms(goload_module *m, uint32_t oi, goload_err *err)
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

/* The link symbol of definition i of object oi: a new one, or the one a
 * dupok or content-addressed twin already made. */
static int define_one(goload_module *m, uint32_t oi, uint32_t i, goload_err *err)
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
static int define(goload_module *m, goload_err *err)
{
	for (uint32_t oi = 0; oi < m->objs.len; oi++) {
		gl_lobj *lo = &m->objs.v[oi];
		int rc = init_syms(m, oi, err);
		if (rc < 0)
			return rc;
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

/* A host symbol by name; ABI0 references prefer the ".abi0" twin. */
static uint64_t host_lookup(const goload_host *h, const char *name, size_t n, int abi)
{
	char buf[512];
	if (n + 6 > sizeof buf)
		return 0;
	memcpy(buf, name, n);
	buf[n] = 0;
	if (abi == 0) {
		memcpy(buf + n, ".abi0", 6);
		uint64_t a = gl_host_addr(h, buf);
		if (a)
			return a;
		buf[n] = 0;
	}
	return gl_host_addr(h, buf);
}

static const gl_goobj *dep_object(void *ctx, const char *pkg, size_t n, goload_err *err)
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

/* ------------------------------------------- host packages' archives */

/* Opens host package k's Go objects (every Go member: assembly ones too)
 * as lazy objects: nothing in them is defined until referenced. */
static int open_hostpkg(goload_module *m, size_t k, goload_err *err)
{
	gl_hostpkg *hp = &m->hostpkgs[k];
	if (hp->opened)
		return 0;
	hp->opened = true;
	hp->first = (uint32_t)m->objs.len;
	const char *path = m->opts.host_archives[k];
	gl_goobj_archive *ar;
	int rc = module_archive(m, path, &ar, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < gl_goobj_archive_nmembers(ar); i++) {
		if (gl_goobj_archive_member(ar, i)->kind != GL_GOOBJ_M_GO)
			continue;
		gl_lobj lo = {.archive = keep(m, path, strlen(path)), .lazy = true};
		lo.pkgpath = keep(m, m->opts.host_pkgs[k], strlen(m->opts.host_pkgs[k]));
		if ((rc = gl_goobj_archive_open_member(ar, i, &lo.o, err)) < 0)
			return rc;
		if (!lo.archive || !lo.pkgpath || !GL_VEC_PUSH(&m->objs, lo)) {
			gl_goobj_close(lo.o);
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		}
		uint32_t oi = (uint32_t)m->objs.len - 1;
		if ((rc = check_header(m, lo.o, m->objs.v[0].o, gl_goobj_name(lo.o), err)) < 0 || (rc = init_syms(m, oi, err)) < 0)
			return rc;
		hp->n++;
		/* Names point into the object, which stays mapped. */
		uint32_t nd = gl_goobj_ndefs(lo.o);
		size_t hl;
		for (uint32_t d = 0; d < nd; d++) {
			gl_goobj_sym s = gl_goobj_sym_at(lo.o, d);
			bool existed;
			if (s.abi > 1 || !s.namelen || gl_goobj_hash(lo.o, d, &hl))
				continue;
			if (!gl_strmap_add(&m->hostdefs[s.abi], s.name, s.namelen, (uint64_t)oi << 32 | d, &existed))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		}
	}
	return 0;
}

static int dropped_var_init(goload_module *m, uint32_t oi, uint32_t i, goload_err *err);
static bool is_marker(int t);

/* Definition i of lazy object oi, defined now with what it needs (its
 * relocations are resolved by resolve_all, which reaches the new symbol). */
static uint32_t pull(goload_module *m, uint32_t oi, uint32_t i, goload_err *err)
{
	if (m->objs.v[oi].sym[i] == NOSYM &&
	    (define_one(m, oi, i, err) < 0 || (m->objs.v[oi].lazy && dropped_var_init(m, oi, i, err) < 0)))
		return NOSYM;
	return m->objs.v[oi].sym[i];
}

static bool is_data_sect(int sect)
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
static int varinit_task(goload_module *m, goload_err *err)
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
		if (abis[a] <= 1 && gl_strmap_get(&m->hostdefs[abis[a]], nm->name, nm->namelen, &v)) {
			uint32_t oi = (uint32_t)(v >> 32), id = pull(m, oi, (uint32_t)v, err);
			if (id != NOSYM)
				dbg(m, "dropped symbol %.*s taken from archive %s (package %s)", (int)nm->namelen, nm->name,
				    m->objs.v[oi].archive, m->objs.v[oi].pkgpath);
			return id;
		}
	return NOSYM;
}

/* A symbol neither loaded nor in the host, from the host packages'
 * archives: its own package's, then runtime's (linkname pushes), then any. */
static uint32_t hostpkg_find(goload_module *m, const gl_goobj_symname *nm, const int *abis, goload_err *err)
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
	for (size_t step = 0; id == NOSYM && step < n + 2 && !(err && err->code); step++) {
		size_t k = step == 0 ? own : step == 1 ? rt : step - 2;
		if (k >= n || m->hostpkgs[k].opened)
			continue;
		if (open_hostpkg(m, k, err) < 0)
			return NOSYM;
		id = hostpkg_def(m, nm, abis, err);
	}
	return id;
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
		if (bl <= 0 || (size_t)bl >= sizeof buf || loads_pkg(m, name + t0, dot - t0) || !gl_host_type(m->host, buf, (size_t)bl))
			return false;
	}
	return any;
}

/* A symbol of an earlier module whose package (or, for a type or itab,
 * whose types) this module reuses: its address there, 0 if none; *use
 * is the index in uses. */
static uint64_t provider_addr(const goload_module *m, const char *name, size_t n, const int *abis, uint32_t *size,
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

static uint32_t resolve(goload_module *m, uint32_t oi, gl_goobj_ref r, gl_goobj_symname *missing, goload_err *err)
{
	const gl_goobj *o = m->objs.v[oi].o;
	uint32_t local;
	bool cache = gl_goobj_ref_local(o, r, &local);
	if (cache && m->objs.v[oi].sym[local] != NOSYM)
		return m->objs.v[oi].sym[local];
	gl_goobj_symname nm = {0};
	uint64_t stmp = 0;
	if (cache && local < gl_goobj_ndefs(o)) {
		if (!m->objs.v[oi].lazy)
			return NOSYM;
		/* A lazy object's own definition: named ones are the host's when
		 * it has them, the others (content-addressed, static) are this
		 * function's private data. */
		gl_goobj_sym s = gl_goobj_sym_at(o, local);
		size_t hl;
		/* A static temporary (pkg..stmp_N) is file-local, but the
		 * compiler numbers them once per package: the host's variable of
		 * that name and size is this very one, which the host's init may
		 * have filled in (net/http.DefaultTransport's Transport: the host
		 * dropped the variable and kept the temporary its init writes). */
		if (s.abi == GL_GOOBJ_ABI_STATIC && is_data_sect(sect_of_kind(s.kind)) && is_stmp(s.name, s.namelen)) {
			const char *k = keep(m, s.name, s.namelen);
			stmp = k ? host_lookup(m->host, s.name, s.namelen, 1) : 0;
			if (stmp && gl_host_size(m->host, k) != s.size)
				stmp = 0;
		}
		if (!stmp && (!s.namelen || s.abi == GL_GOOBJ_ABI_STATIC || gl_goobj_hash(o, local, &hl)))
			return m->frozen ? NOSYM : pull(m, oi, local, err);
		/* A type descriptor is this module's copy (aliased to the host's
		 * by alias_host_types): descriptors name types by offsets from
		 * the module's own types, which cannot reach the host's. */
		if (s.namelen > 5 && !memcmp(s.name, "type:", 5) && (s.flags & GL_SF_DUPOK) && !m->frozen)
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

static bool is_marker(int t)
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
static bool optional_type_ref(goload_module *m, const gl_lsym *s, int32_t off)
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

static bool itab_slot_dropped(goload_module *m, uint64_t itab, int32_t off)
{
	uint64_t unreachable = gl_host_addr(m->host, "runtime.unreachableMethod");
	if (!unreachable || off < 0)
		return false;
	return gl_host_orig_value(m->host, itab + (uint64_t)off, 8) == unreachable;
}

/* Writes n bytes into the host's read-only data (its file mapping is
 * private: the write stays in this process). Through /proc/self/mem, which
 * writes whatever the protection, so no page's protection changes (the
 * system linker may put read-only data on a page that is also code); else
 * by making the page writable for the write. */
/* A word another open module filled already (it still differs from the
 * linker's value) is not written: the module records its own value as a
 * claim, for Close of the filler to hand the word over to. */
static int host_write(goload_module *m, uint64_t at, const void *p, size_t n, uint64_t code, bool into_module,
		      goload_err *err)
{
	struct gl_hostfill f = {.at = at, .n = (uint32_t)n, .code = code, .owner = true};
	uint64_t cur = 0;
	memcpy(&cur, (const void *)(uintptr_t)at, n);
	f.old = gl_host_orig_value(m->host, at, n);
	memcpy(&f.new, p, n);
	for (size_t i = 0; i < m->hostfills.len; i++)
		if (m->hostfills.v[i].at == at)
			return 0; /* this module's already */
	if (into_module && cur != f.old) {
		f.owner = false;
		dbg(m, "host word at 0x%llx: filled by another module; this one's copy (0x%llx) recorded",
		    (unsigned long long)at, (unsigned long long)code);
		return GL_VEC_PUSH(&m->hostfills, f) ? 0 : gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	if (into_module && (!gl_host_orig_add(m->host, at, f.old) || !GL_VEC_PUSH(&m->hostfills, f)))
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	int fd = gl_host_memfd(m->host);
	if (fd >= 0 && pwrite(fd, p, n, (off_t)at) == (ssize_t)n)
		return 0;
	uint64_t pg = gl_mem_pagesize(), lo = at / pg * pg, hi = (at + n + pg - 1) / pg * pg;
	if (mprotect((void *)(uintptr_t)lo, hi - lo, PROT_READ | PROT_WRITE) < 0)
		return gl_err(err, GOLOAD_E_IO, "host data at 0x%llx: mprotect: %s", (unsigned long long)at, strerror(errno));
	memcpy((void *)(uintptr_t)at, p, n);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	mprotect((void *)(uintptr_t)lo, hi - lo, PROT_READ);
	return 0;
}

/* The func type of a host method whose Mtyp the host's linker left -1:
 * the symbol the Mtyp relocation of the type's descriptor names in the
 * type's package archive (read, not pulled), resolved to the host's
 * descriptor when the host has it, else pulled into the module. NOSYM with
 * *none set when no archive of the type's package is among the host's
 * (the module does not depend on it); NOSYM alone when that archive lacks
 * the descriptor or its relocation. */
static uint32_t method_type_sym(goload_module *m, const gl_host_method *hm, bool *none, goload_err *err)
{
	size_t n = strlen(hm->sym), pl = name_pkglen(hm->sym, n);
	uint64_t k, v;
	*none = !pl || !gl_strmap_get(&m->byhostpkg, hm->sym, pl, &k);
	if (*none || open_hostpkg(m, k, err) < 0 || !gl_strmap_get(&m->hostdefs[0], hm->tname, strlen(hm->tname), &v))
		return NOSYM;
	uint32_t oi = (uint32_t)(v >> 32), first, nr = gl_goobj_relocs(m->objs.v[oi].o, (uint32_t)v, &first);
	for (uint32_t j = 0; j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(m->objs.v[oi].o, first + j);
		if (r.type != GL_R_METHODOFF || (uint64_t)r.off != hm->mtyp - hm->type)
			continue;
		gl_goobj_symname nm = {0};
		return resolve(m, oi, r.sym, &nm, err);
	}
	return NOSYM;
}

/* A method of a host type that the host's linker dropped: its code comes
 * from the host's own text when it is there (called directly, never
 * through an interface), else from the type's package archive. Its func
 * type too, when the linker dropped that as well (Mtyp -1): itab init,
 * type switches and reflect (Method, Implements) match a method by name
 * and type. A method of a package outside the module's dependencies has
 * no archive here: it stays dropped (see README, OpenPackage). */
static int want_method(void *ctx, const gl_host_method *hm, goload_err *err)
{
	goload_module *m = ctx;
	const char *name = hm->sym;
	size_t n = strlen(name);
	struct gl_methodfill f = {.slot = hm->slot, .sym = NOSYM, .type = hm->ifn ? hm->type : 0,
				  .name = hm->name, .namelen = hm->namelen};
	int abis[2] = {1, -1};
	gl_goobj_symname nm = {.name = name, .namelen = (uint32_t)n, .abi = 1};
	if (!hm->slot)
		f.addr = 1; /* the host's code, its text offsets kept: nothing to fill */
	else if (!find_named(m, name, n, 1, &f.sym) && !(f.addr = host_lookup(m->host, name, n, 1)))
		f.sym = hostpkg_find(m, &nm, abis, err);
	if (err && err->code)
		return -err->code;
	if (f.sym == NOSYM && !f.addr) {
		dbg(m, "host method %s: in no archive of the module's dependencies: stays dropped", name);
		return 0;
	}
	if (hm->mtyp) {
		bool none;
		struct gl_typefill tf = {.slot = hm->mtyp, .sym = method_type_sym(m, hm, &none, err)};
		if (err && err->code)
			return -err->code;
		if (tf.sym == NOSYM && !none)
			return gl_err(err, GOLOAD_E_NOTFOUND,
				      "host method %s: the host's linker dropped its func type, and the archive of its package has "
				      "no %s with that method: type assertions to interfaces with it would fail",
				      name, hm->tname);
		tf.method = keep(m, name, n);
		if (!tf.method || (tf.sym != NOSYM && !GL_VEC_PUSH(&m->typefills, tf)))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		if (tf.sym == NOSYM)
			dbg(m, "host method %s: its func type is in no archive of the module's dependencies: stays dropped", name);
	}
	if (!hm->slot || GL_VEC_PUSH(&m->methodfills, f))
		return 0;
	return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
}

struct itabfill {
	goload_module *m;
	uint64_t code;
	bool into_module;
};

static int fill_itab_slot(void *ctx, uint64_t slot, goload_err *err)
{
	struct itabfill *c = ctx;
	dbg(c->m, "itab slot at 0x%llx: dropped method at 0x%llx filled", (unsigned long long)slot,
	    (unsigned long long)c->code);
	return host_write(c->m, slot, &c->code, 8, c->code, c->into_module, err);
}

/* Points the host's method tables at the code of their dropped methods:
 * the runtime resolves a method-table text offset from the host's text
 * base without a range check (one text section), and the module lies
 * above it. */
static int patch_host_methods(goload_module *m, goload_err *err)
{
	const struct gl_rttab *rt = m->host->rt;
	uint64_t md = gl_host_addr(m->host, "runtime.firstmoduledata"), text;
	if (!md || (!m->methodfills.len && !m->typefills.len))
		return 0;
	memcpy(&text, (const void *)(uintptr_t)(md + rt->md_off[GL_MD_TEXT]), 8);
	for (size_t i = 0; i < m->methodfills.len; i++) {
		struct gl_methodfill f = m->methodfills.v[i];
		uint64_t a = f.addr ? f.addr : gl_link_sym(m, f.sym)->addr;
		if (a <= text || a - text >= 0xffffffffull) {
			dbg(m, "host method table entry at 0x%llx: 0x%llx is not a text offset from 0x%llx: left dropped",
			    (unsigned long long)f.slot, (unsigned long long)a, (unsigned long long)text);
			continue;
		}
		int32_t off = (int32_t)(uint32_t)(a - text);
		int rc = host_write(m, f.slot, &off, 4, a, !f.addr, err);
		if (rc < 0)
			return rc;
		if (!f.addr)
			dbg(m, "host method table entry at 0x%llx: dropped method %s filled from its archive",
			    (unsigned long long)f.slot, gl_link_sym(m, f.sym)->name);
	}
	/* Method types: an offset from the host's types when it has the
	 * func type (recorded all the same: Close leaves the method as the
	 * host's linker did, unmatched by itab init); else the module's descriptor,
	 * reached through the host's typemap under a key past etypes (written
	 * by goload_module_write_type_fills once the binding added the key). */
	uint64_t types, etypes;
	memcpy(&types, (const void *)(uintptr_t)(md + rt->md_off[GL_MD_TYPES]), 8);
	memcpy(&etypes, (const void *)(uintptr_t)(md + rt->md_off[GL_MD_ETYPES]), 8);
	for (size_t i = 0; i < m->typefills.len; i++) {
		struct gl_typefill *f = &m->typefills.v[i];
		const gl_lsym *t = gl_link_sym(m, f->sym);
		uint64_t a = t->host ? t->addr : t->alias;
		if (a >= types && a < etypes) {
			int32_t off = (int32_t)(a - types);
			int rc = host_write(m, f->slot, &off, 4, a, true, err);
			if (rc < 0)
				return rc;
			dbg(m, "host method %s: its type %s is the host's", f->method, t->name);
			continue;
		}
		a = t->host ? 0 : t->addr;
		if (!a || a <= etypes || a - types > INT32_MAX)
			return gl_err(err, GOLOAD_E_UNSUPPORTED,
				      "host method %s: its func type %s (at 0x%llx) is out of a type offset's reach from the host's "
				      "types at 0x%llx",
				      f->method, t->name, (unsigned long long)a, (unsigned long long)types);
		f->type = a;
		f->key = (int32_t)(a - types);
		dbg(m, "host method %s: its type %s is the module's (typemap key 0x%x)", f->method, t->name, (unsigned)f->key);
	}
	/* Itabs of those types made before (the host's own, getitab's) call
	 * runtime.unreachableMethod for the method: they get its code too. */
	for (size_t i = 0; i < m->methodfills.len; i++) {
		struct gl_methodfill f = m->methodfills.v[i];
		struct itabfill c = {m, f.addr ? f.addr : gl_link_sym(m, f.sym)->addr, !f.addr};
		int rc = f.type ? gl_host_itab_slots(m->host, f.type, f.name, f.namelen, fill_itab_slot, &c, err) : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The dropped-method slots of a host itab: their methods resolved (pulled
 * from the archives while resolving), then, once laid out, written. */
static int host_itab_slots(goload_module *m, struct gl_hostitab h, bool write, goload_err *err)
{
	const gl_goobj *o = m->objs.v[h.obj].o;
	uint32_t first, n = gl_goobj_relocs(o, h.idx, &first);
	for (uint32_t j = 0; j < n; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.type != GL_R_ADDR || r.siz != 8 || !itab_slot_dropped(m, h.addr, r.off))
			continue;
		gl_goobj_symname nm = {0};
		goload_err e = {0};
		uint32_t t = resolve(m, h.obj, r.sym, &nm, &e);
		if (e.code)
			return gl_err(err, e.code, "host itab at 0x%llx: %s", (unsigned long long)h.addr, e.msg);
		if (!write || t == NOSYM || gl_link_sym(m, t)->host)
			continue;
		uint64_t v = gl_link_sym(m, t)->addr;
		int rc = host_write(m, h.addr + (uint64_t)r.off, &v, 8, v, true, err);
		if (rc < 0)
			return rc;
		dbg(m, "host itab at 0x%llx: dropped method %s filled from its archive", (unsigned long long)h.addr,
		    gl_link_sym(m, t)->name);
	}
	return 0;
}

/* A type offset (a method's type, an interface method's, ptrToThis) is
 * relative to the module's own types (runtime.resolveTypeOff resolves it
 * from the descriptor's own module): one naming a type of the host or of
 * an earlier module cannot be written as such, and a jump in the text (what
 * functions get) would be read as a type. The module gets its own copy of
 * the descriptor, from the object that defines it next to the reference
 * (else from a host package's object that defines the name), as the Go
 * linker would lay it out; the copy is typelinked, so the runtime's
 * typelinksinit maps it to the host's (or the earlier module's) equal
 * descriptor, and every address reference still goes there (alias).
 * Before, the offset named a 5-byte jump in the text: the runtime read
 * code as a type descriptor and died with "type offset out of range" in
 * typesEqual once a second copy of such a type was loaded (Go 1.26), and
 * in itabInit when net/http's dirList, pulled from its archive into a host
 * that has net/http, asserted *os.File to fs.ReadDirFile (Go 1.27). */
static int type_copy(goload_module *m, uint32_t si, gl_goobj_ref ref, uint32_t t, goload_err *err)
{
	const gl_lsym *s = gl_link_sym(m, si);
	uint32_t oi = s->obj;
	const gl_goobj *o = m->objs.v[oi].o;
	uint32_t local;
	uint64_t v;
	const char *tn = gl_link_sym(m, t)->name;
	const char *whose = gl_link_sym(m, t)->prov ? m->uses.v[gl_link_sym(m, t)->prov - 1].prov->name : "the host";
	if (!gl_goobj_ref_local(o, ref, &local) || local >= gl_goobj_ndefs(o)) {
		if (!gl_strmap_get(&m->hostdefs[0], tn, strlen(tn), &v))
			return gl_err(err, GOLOAD_E_UNSUPPORTED,
				      "%s: type offset to %s, which is %s's and which no loaded object defines: a type offset "
				      "must name a descriptor of this module", s->name, tn, whose);
		oi = (uint32_t)(v >> 32);
		local = (uint32_t)v;
		o = m->objs.v[oi].o;
	}
	gl_goobj_sym ds = gl_goobj_sym_at(o, local);
	if (ds.namelen != strlen(tn) || memcmp(ds.name, tn, ds.namelen))
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: type offset to %s: its defining object names it %.*s",
			      s->name, tn, (int)ds.namelen, ds.name);
	if (!(ds.flags & GL_SF_TYPELINK) || sect_of_kind(ds.kind) != SECT_RODATA)
		return gl_err(err, GOLOAD_E_UNSUPPORTED,
			      "%s: type offset to %s, which is %s's: a copy in this module would be another type "
			      "(the runtime maps only typelinked types to their twins)", s->name, tn, whose);
	gl_lsym c = {.name = tn, .obj = oi, .idx = local, .kind = ds.kind, .flags = ds.flags, .size = ds.size,
		     .align = ds.align, .sect = SECT_RODATA, .alias = gl_link_sym(m, t)->addr};
	uint32_t id = new_sym(m, c);
	if (id == NOSYM)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	gl_link_sym(m, t)->tramp = id;
	dbg(m, "%s: type offset to %s's %s: the module's copy (typelinked, mapped to it by the runtime)",
	    gl_link_sym(m, si)->name, whose, tn);
	return 0;
}

/* Resolves every relocation target, aux funcdata and global Gotype of the
 * placed symbols; lists each missing symbol once with a referencer. */
static int resolve_all(goload_module *m, goload_err *err)
{
	gl_buf miss = {0};
	gl_strmap seen = {0};
	size_t nmiss = 0;
	int rc = 0;
	GL_VEC(uint32_t) tramps = {0};
	if (m->opts.nhost_archives && (rc = gl_host_dropped_methods(m->host, want_method, m, err)) < 0)
		return rc;
	uint32_t si = 0;
	size_t hi = 0;
again:
	for (; si < m->syms.len && rc == 0; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s))
			continue;
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
			if (is_marker(r.type) || gl_goobj_ref_is_nil(r.sym))
				continue;
			gl_goobj_symname nm = {0};
			goload_err e = {0};
			uint32_t t = resolve(m, s->obj, r.sym, &nm, &e);
			s = gl_link_sym(m, si); /* resolve may grow the symbol table */
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

/* Type identity is pointer identity: a type the host already has must be
 * the host's descriptor wherever loaded code takes its address, and only
 * if both describe one layout (the archives may have been compiled against
 * another version of the type's package). */
static int alias_host_types(goload_module *m, goload_err *err)
{
	size_t n = 0, nreused = m->deps.len; /* objects read later are for names only */
	gl_goobj_resolver res = {dep_object, m};
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (s->host || s->sect != SECT_RODATA || !(s->flags & GL_SF_DUPOK) || strncmp(s->name, "type:", 5))
			continue;
		uint64_t ht = gl_host_type(m->host, s->name, strlen(s->name));
		if (!ht) {
			/* A composite of an earlier module's types is its type. */
			int abis[2] = {0, 1};
			uint32_t use, psize;
			size_t nl = strlen(s->name);
			if (m->uses.len && (s->alias = provider_addr(m, s->name, nl, abis, &psize, &use)))
				dbg(m, "type %s -> module %s 0x%llx", s->name, m->uses.v[use].prov->name, (unsigned long long)s->alias);
			continue;
		}
		int rc = gl_host_type_check(m->host, m->objs.v[s->obj].o, s->idx, &res, ht, err);
		if (rc < 0)
			return rc;
		s = gl_link_sym(m, si);
		s->alias = ht;
		n++;
		dbg(m, "type %s -> host 0x%llx", s->name, (unsigned long long)s->alias);
	}
	dbg(m, "%zu loaded types are the host's", n);
	/* A named type this module defines (its package is not the host's:
	 * the host's linker kept none of its code or variables) while the
	 * host has a descriptor of that name: a normal build has one package
	 * of a path, so one layout per name. Another layout is refused; the
	 * same one stays this module's descriptor. */
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s) || s->sect != SECT_RODATA || (s->flags & GL_SF_DUPOK) || !(s->flags & GL_SF_GOTYPE) ||
		    strncmp(s->name, "type:", 5) || s->name[5] == '.')
			continue;
		uint64_t ht = gl_host_type(m->host, s->name, strlen(s->name));
		int rc = ht ? gl_host_type_check(m->host, m->objs.v[s->obj].o, s->idx, &res, ht, err) : 0;
		if (rc < 0)
			return gl_err_prefix(err, "two layouts under one name: the host has this type from another build "
					     "of its package, and a normal build has one");
		if (ht)
			dbg(m, "type %s: the host has one of this name and layout; the module keeps its own", s->name);
	}
	/* Packages reused from the host: the loaded code was compiled against
	 * the archive given for them, whose types must be the host's. */
	for (size_t d = 0; d < nreused; d++) {
		const gl_goobj *o = m->deps.v[d];
		for (uint32_t i = 0; i < gl_goobj_ndefs(o); i++) {
			gl_goobj_sym s = gl_goobj_sym_at(o, i);
			if (!(s.flags & GL_SF_GOTYPE) || s.namelen <= 5 || memcmp(s.name, "type:", 5))
				continue;
			uint64_t ht = gl_host_type(m->host, s.name, s.namelen);
			int rc = ht ? gl_host_type_check(m->host, o, i, &res, ht, err) : 0;
			if (rc < 0)
				return gl_err_prefix(err, "two layouts under one name: the module was compiled against "
						     "another build of the host's package, and a normal build has one");
		}
	}
	/* Host packages (OpenPackage's) of types only: the host is theirs by
	 * their types, whose layouts must then be the host's too. */
	for (size_t k = 0; k < m->opts.nhost_archives; k++) {
		gl_goobj_archive *ar;
		gl_goobj *o;
		char *pkg = path_to_prefix(m->opts.host_pkgs[k]);
		if (!pkg)
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		int rc = open_pkg_object(m->opts.host_archives[k], &ar, &o, err);
		size_t pl = strlen(pkg);
		bool check = rc == 0 && types_only(o, pkg);
		for (uint32_t i = 0; check && rc == 0 && i < gl_goobj_ndefs(o); i++) {
			gl_goobj_sym s = gl_goobj_sym_at(o, i);
			uint64_t ht = named_type_of(&s, pkg, pl) ? gl_host_type(m->host, s.name, s.namelen) : 0;
			if (ht && (rc = gl_host_type_check(m->host, o, i, &res, ht, err)) < 0)
				rc = gl_err_prefix(err, "two layouts under one name: the module was compiled against "
						   "another build of the host's package %s, and a normal build has one",
						   m->opts.host_pkgs[k]);
		}
		free(pkg);
		if (o) {
			gl_goobj_close(o);
			gl_goobj_archive_close(ar);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The type's String() (its Str name, without the ExtraStar prefix), read
 * from its object: the order of the typelinked descriptors is needed
 * before layout. */
static gl_span type_string(goload_module *m, const gl_lsym *s)
{
	const struct gl_rttab *rt = m->host->rt;
	const gl_goobj *o = m->objs.v[s->obj].o;
	gl_span d = gl_goobj_data(o, s->idx);
	gl_goobj_reloc r;
	if (d.n < rt->type_size || !gl_goobj_reloc_at_off(o, s->idx, rt->type_off_str, &r) || r.add < 0)
		return gl_span_make(NULL, 0);
	gl_span nd = gl_goobj_ref_data(o, r.sym);
	if ((uint64_t)r.add >= nd.n)
		return gl_span_make(NULL, 0);
	gl_rd rd = gl_rd_make(nd, (uint64_t)r.add + 1); /* after the flags byte */
	uint64_t n = gl_rd_uvarint(&rd);
	const uint8_t *p = gl_rd_bytes(&rd, n);
	if (!p)
		return gl_span_make(NULL, 0);
	gl_span sp = gl_span_make(p, n);
	if ((d.p[rt->type_off_tflag] & rt->tflag_extrastar) && sp.n) {
		sp.p++;
		sp.n--;
	}
	return sp;
}

static goload_module *sort_m;
static int by_typestr(const void *a, const void *b)
{
	gl_span x = type_string(sort_m, gl_link_sym(sort_m, *(const uint32_t *)a));
	gl_span y = type_string(sort_m, gl_link_sym(sort_m, *(const uint32_t *)b));
	size_t n = x.n < y.n ? x.n : y.n;
	int c = n ? memcmp(x.p, y.p, n) : 0;
	return c ? c : (x.n > y.n) - (x.n < y.n);
}

static bool typelinked(const gl_lsym *s)
{
	return from_obj(s) && (s->flags & GL_SF_TYPELINK) && s->sect == SECT_RODATA;
}

/* The module's typelinked descriptors (their indices), sorted by type
 * string as reflect binary-searches them; false when out of memory. */
static bool sorted_typelinks(goload_module *m, u32vec *tl)
{
	for (uint32_t si = 0; si < m->syms.len; si++)
		if (typelinked(gl_link_sym(m, si)) && !GL_VEC_PUSH(tl, si))
			return false;
	sort_m = m;
	if (tl->len)
		qsort(tl->v, tl->len, sizeof *tl->v, by_typestr);
	sort_m = NULL;
	return true;
}

static uint32_t default_align(const gl_lsym *s)
{
	if (s->align)
		return s->align;
	if (s->sect == SECT_TEXT)
		return 32; /* the Go linker's funcAlign on amd64 */
	/* cmd/link's symalign: Maxalign (32 on amd64) halved while larger
	 * than the symbol; assembly data read with aligned SSE loads
	 * (MOVOA in hash/crc32) depends on it. */
	uint32_t a = 32;
	while (a > 1 && a > s->size)
		a >>= 1;
	return a;
}

/* Where a Go 1.27+ runtime looks for typelinks (moduledata.typedesclen),
 * the typelinked descriptors open the read-only data: an 8-byte header,
 * then each at pointer alignment (runtime.moduleTypelinks walks them by
 * DescriptorSize), in type-string order. */
static bool layout(goload_module *m)
{
	memset(m->sect_size, 0, sizeof m->sect_size);
	m->typedesclen = 0;
	bool lead = m->host->rt->md_off[GL_MD_TYPEDESCLEN] != GL_RT_ABSENT;
	if (lead) {
		u32vec tl = {0};
		if (!sorted_typelinks(m, &tl)) {
			GL_VEC_FREE(&tl);
			return false;
		}
		m->sect_size[SECT_RODATA] = 8;
		for (size_t i = 0; i < tl.len; i++) {
			gl_lsym *s = gl_link_sym(m, tl.v[i]);
			s->off = (m->sect_size[SECT_RODATA] + 7) & ~7ull;
			m->sect_size[SECT_RODATA] = s->off + s->size;
		}
		m->typedesclen = m->sect_size[SECT_RODATA];
		GL_VEC_FREE(&tl);
	}
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (s->host || s->sect == SECT_NONE || (lead && typelinked(s)))
			continue;
		uint64_t a = default_align(s);
		uint64_t off = (m->sect_size[s->sect] + a - 1) / a * a;
		s->off = off;
		if (s->size >= (1u << 20))
			dbg(m, "large symbol %s: %u bytes in %s", s->name, s->size, sect_names[s->sect]);
		/* Zero-size symbols still get distinct addresses, like the Go
		 * linker's: a zero-size type or function must not alias the next. */
		m->sect_size[s->sect] = off + (s->size ? s->size : 1);
	}
	return true;
}

/* Addresses for a mapping at `base`: text | rodata pcln | data... with each
 * protection group on its own pages. */
static void place(goload_module *m, uint64_t base, uint64_t pcln_size)
{
	uint64_t pg = gl_mem_pagesize();
#define UP(x, a) (((x) + (a)-1) / (a) * (a))
	m->sect_addr[SECT_TEXT] = base;
	m->sect_addr[SECT_RODATA] = UP(base + m->sect_size[SECT_TEXT], pg);
	m->pcln_addr = UP(m->sect_addr[SECT_RODATA] + m->sect_size[SECT_RODATA], 8);
	m->pcln_size = pcln_size;
	uint64_t a = UP(m->pcln_addr + pcln_size, pg);
	for (int s = SECT_NOPTRDATA; s < SECT_N; s++) {
		m->sect_addr[s] = a;
		a = UP(a + m->sect_size[s], 32);
	}
#undef UP
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!s->host && s->sect != SECT_NONE)
			s->addr = m->sect_addr[s->sect] + s->off;
	}
}

static uint64_t module_end(const goload_module *m)
{
	return m->sect_addr[SECT_NOPTRBSS] + m->sect_size[SECT_NOPTRBSS];
}

static uint8_t *mem_at(goload_module *m, uint64_t addr) { return m->mem.base + (addr - m->sect_addr[SECT_TEXT]); }

/* ------------------------------------------------------------ rt input */

typedef struct funcbuild {
	GL_VEC(gl_rt_func) funcs;
	GL_VEC(gl_rt_cu) cus;
	GL_VEC(gl_span) spans;   /* pcdata of every function, in order */
	GL_VEC(uint64_t) fdata;  /* funcdata of every function */
	GL_VEC(gl_rt_inl) inl;
	GL_VEC(const char *) files;
	GL_VEC(size_t) span_at, fdata_at, inl_at;
} funcbuild;

static void funcbuild_free(funcbuild *b)
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
		size_t rl = strlen(root), rest = f.n - (sizeof pre - 1);
		char *c = keep(m, root, rl + rest);
		if (c) {
			memcpy(c + rl, f.p + sizeof pre - 1, rest);
			c[rl + rest] = 0;
		}
		return c;
	}
	return keep(m, (const char *)f.p, f.n);
}

static int build_funcs(goload_module *m, funcbuild *b, goload_err *err)
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
			if (r.type != GL_R_CALL)
				continue;
			gl_goobj_symname nm;
			if (gl_goobj_ref_name(lo->o, r.sym, NULL, &nm, NULL) == 0 && nm.namelen == strlen(deferreturn) &&
			    !memcmp(nm.name, deferreturn, nm.namelen))
				f.deferreturn = (uint32_t)r.off - 1;
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

static int build_pcln(goload_module *m, funcbuild *b, goload_err *err)
{
	if (b->funcs.len == 0)
		return gl_err(err, GOLOAD_E_INVAL, "link: the archives define no functions");
	const gl_rt_func *last = &b->funcs.v[b->funcs.len - 1];
	gl_rt_input in = {b->funcs.v, b->funcs.len, b->cus.v, b->cus.len, m->sect_addr[SECT_TEXT],
			  last->entry + last->size, m->sect_addr[SECT_RODATA]};
	gl_rt_pcln_free(&m->pcln);
	return gl_rt_pcln_build(m->host->rt, &in, m->pcln_addr, &m->pcln, err);
}

/* ---------------------------------------------------------- relocation */

static int apply_relocs(goload_module *m, goload_err *err)
{
	const struct gl_objtab *ot = gl_goobj_tab(m->objs.v[0].o);
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s))
			continue;
		gl_lobj *lo = &m->objs.v[s->obj];
		uint32_t first, n = gl_goobj_relocs(lo->o, s->idx, &first);
		for (uint32_t j = 0; j < n; j++) {
			gl_goobj_reloc r = gl_goobj_reloc_at(lo->o, first + j);
			if (is_marker(r.type))
				continue;
			if (r.off < 0 || (uint64_t)r.off + r.siz > s->size) {
				return gl_err(err, GOLOAD_E_FORMAT, "%s: relocation %u at +%d size %u is outside the %u-byte symbol",
					      s->name, j, r.off, r.siz, s->size);
			}
			uint64_t P = s->addr + (uint64_t)r.off;
			uint8_t *site = mem_at(m, P);
			gl_lsym *t = NULL;
			if (!gl_goobj_ref_is_nil(r.sym)) {
				gl_goobj_symname nm;
				uint32_t ti = resolve(m, s->obj, r.sym, &nm, NULL);
				s = gl_link_sym(m, si); /* resolve may grow the symbol table */
				t = ti == NOSYM ? NULL : gl_link_sym(m, ti);
			}
			uint64_t S = t ? (t->alias ? t->alias : t->addr) : 0;
			int64_t v;
			char nb[64];
			switch (r.type) {
			case GL_R_ADDR:
				if (!t && !r.weak && !optional_type_ref(m, s, r.off))
					goto unresolved;
				v = t ? (int64_t)(S + (uint64_t)r.add) : 0;
				break;
			case GL_R_CALL:
			case GL_R_PCREL:
				if (!t)
					goto unresolved;
				v = (int64_t)(S + (uint64_t)r.add - (P + r.siz));
				if (v != (int32_t)v)
					return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: %s to %s is %lld bytes away (more than ±2 GiB)",
						      s->name, r.off, r.type == GL_R_CALL ? "call" : "PC-relative reference",
						      t->name, (long long)v);
				break;
			case GL_R_TLS_LE: {
				int32_t tg;
				if (gl_host_tls_g(m->host, &tg, err) < 0)
					return gl_err_prefix(err, "%s+%d: R_TLS_LE", s->name, r.off);
				v = tg + r.add;
				break;
			}
			case GL_R_ADDROFF:
			case GL_R_METHODOFF:
				if (s->dropped) {
					v = 0;
					break;
				}
				if (t && t->host && t->tramp > 1)
					t = gl_link_sym(m, t->tramp);
				if (!t || t->host) {
					if (r.type == GL_R_METHODOFF && !t) {
						v = -1; /* unreachable method */
						break;
					}
					if (r.weak && !t) {
						v = 0;
						break;
					}
					return gl_err(err, GOLOAD_E_UNSUPPORTED,
						      "%s+%d: offset relocation to %s, which is not in this module", s->name, r.off,
						      t ? t->name : "(nothing)");
				}
				if (t->sect == SECT_TEXT)
					v = (int64_t)(t->addr - m->sect_addr[SECT_TEXT]) + r.add;
				else
					v = (int64_t)(t->addr - m->sect_addr[SECT_RODATA]) + r.add;
				break;
			case GL_R_SIZE:
				if (!t)
					goto unresolved;
				v = (int64_t)t->size + r.add;
				break;
			case GL_R_CONST:
				v = r.add;
				break;
			default:
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: relocation type %s (size %u) is not supported",
					      s->name, r.off, gl_objtab_reloc_name(ot, r.type_raw, nb, sizeof nb), r.siz);
			}
			if (r.siz == 8)
				memcpy(site, &v, 8);
			else if (r.siz == 4) {
				int32_t v32 = (int32_t)v;
				memcpy(site, &v32, 4);
			} else
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+%d: relocation of %u bytes", s->name, r.off, r.siz);
			m->nrel[r.type < 64 ? r.type : 63]++;
			continue;
unresolved:
			return gl_err(err, GOLOAD_E_INTERNAL, "%s+%d: unresolved relocation target", s->name, r.off);
		}
	}
	return 0;
}

/* ------------------------------------------------------ GC, types, init */

enum { MAX_PTRMASK_WORDS = 2048 * 8 }; /* abi.MaxPtrmaskBytes * 8: beyond it, GC programs or on-demand masks */

static int gc_masks(goload_module *m, goload_err *err)
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

static int collect_tables(goload_module *m, goload_err *err)
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

/* ---------------------------------------------------------------- main */

static int protect(goload_module *m, goload_err *err)
{
	uint64_t base = m->sect_addr[SECT_TEXT];
	uint64_t ro = m->sect_addr[SECT_RODATA], rw = m->sect_addr[SECT_NOPTRDATA];
	int rc = gl_mem_protect(&m->mem, 0, ro - base, GL_MEM_R | GL_MEM_X, err);
	if (rc == 0)
		rc = gl_mem_protect(&m->mem, ro - base, rw - ro, GL_MEM_R, err);
	dbg(m, "mapped [0x%llx, 0x%llx) text r-x, [0x%llx, 0x%llx) rodata+pclntab r--, [0x%llx, 0x%llx) data rw-",
	    (unsigned long long)base, (unsigned long long)ro, (unsigned long long)ro, (unsigned long long)rw,
	    (unsigned long long)rw, (unsigned long long)(base + m->mem.size));
	return rc;
}

static int index_hostpkgs(goload_module *m, goload_err *err)
{
	size_t n = m->opts.nhost_archives;
	if (!n)
		return 0;
	m->hostpkgs = calloc(n, sizeof *m->hostpkgs);
	if (!m->hostpkgs)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	for (size_t k = 0; k < n; k++) {
		const char *p = m->opts.host_pkgs[k];
		char *key = keep(m, p, strlen(p));
		bool existed;
		if (!key || !gl_strmap_add(&m->byhostpkg, key, strlen(key), k, &existed))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Ends the phase running since *t0: its time goes to phase p. */
static void phase_end(goload_module *m, int p, uint64_t *t0)
{
	uint64_t t = mono_ns();
	m->phase_ns[p] += t - *t0;
	*t0 = t;
}

uint64_t goload_module_phase_ns(const goload_module *m, int phase)
{
	return phase >= 0 && phase < GOLOAD_PHASE_N ? m->phase_ns[phase] : 0;
}

int goload_module_link(goload_host *h, const char *const *archives, size_t narchives, const goload_link_opts *opts,
		       goload_module **out, goload_err *err)
{
	*out = NULL;
	if (!h->rt)
		return gl_err(err, GOLOAD_E_VERSION, "host built by %s: no runtime layout table for this Go version",
			      h->goversion[0] ? h->goversion : "an unknown Go version");
	goload_module *m = calloc(1, sizeof *m);
	if (!m)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	m->host = h;
	if (opts)
		m->opts = *opts;
	funcbuild fb = {0};
	uint64_t t0 = mono_ns();
	int rc = goload_host_recover(h, opts, err);
	if (rc == 0)
		rc = index_hostpkgs(m, err);
	if (rc == 0) /* before open_archives: a package of types only is the host's by them */
		rc = gl_host_types_index(h, err);
	phase_end(m, GOLOAD_PHASE_HOST, &t0);
	if (rc == 0)
		rc = open_archives(m, archives, narchives, err);
	phase_end(m, GOLOAD_PHASE_ARCHIVES, &t0);
	if (rc == 0 && m->stub) {
		/* Every package is the host's or an earlier module's. */
		char nm[600];
		static unsigned long nstub;
		snprintf(nm, sizeof nm, "%s.reused.%lu", m->uses.v[0].prov->name, ++nstub);
		m->name = m->opts.name ? keep(m, m->opts.name, strlen(m->opts.name)) : keep(m, nm, strlen(nm));
		if (!m->name) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			goto fail;
		}
		dbg(m, "module %s: nothing to load, every package is the host's or an earlier module's", m->name);
		*out = m;
		return 0;
	}
	if (rc == 0)
		rc = gl_host_types_index(h, err);
	if (rc == 0)
		rc = define(m, err);
	if (rc == 0)
		rc = alias_host_types(m, err);
	if (rc == 0)
		rc = resolve_all(m, err);
	if (rc == 0)
		rc = varinit_task(m, err);
	if (rc < 0)
		goto fail;
	phase_end(m, GOLOAD_PHASE_RESOLVE, &t0);
	m->frozen = true;
	if (!layout(m)) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		goto fail;
	}
	/* The pclntab's size does not depend on where it goes: build it once
	 * at a provisional address to size the mapping, then for real. */
	place(m, 1ull << 32, 0);
	if ((rc = build_funcs(m, &fb, err)) < 0 || (rc = build_pcln(m, &fb, err)) < 0)
		goto fail;
	uint64_t lo, hi;
	gl_host_range(h, &lo, &hi);
	place(m, 1ull << 32, m->pcln.bytes.len);
	rc = gl_mem_map_near(lo, hi, module_end(m) - (1ull << 32), &m->mem, err);
	if (rc < 0)
		goto fail;
	place(m, (uint64_t)(uintptr_t)m->mem.base, m->pcln.bytes.len);
	funcbuild_free(&fb);
	memset(&fb, 0, sizeof fb);
	if ((rc = build_funcs(m, &fb, err)) < 0 || (rc = build_pcln(m, &fb, err)) < 0)
		goto fail;
	if (m->pcln.bytes.len != m->pcln_size) {
		rc = gl_err(err, GOLOAD_E_INTERNAL, "link: pclntab size changed with its address");
		goto fail;
	}
	phase_end(m, GOLOAD_PHASE_LAYOUT, &t0);
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s) || s->sect == SECT_BSS || s->sect == SECT_NOPTRBSS)
			continue;
		gl_span d = gl_goobj_data(m->objs.v[s->obj].o, s->idx);
		memcpy(mem_at(m, s->addr), d.p, d.n < s->size ? d.n : s->size);
	}
	memcpy(mem_at(m, m->pcln_addr), m->pcln.bytes.p, m->pcln.bytes.len);
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (s->sect != SECT_TEXT || s->obj != NOSYM || s->host)
			continue;
		int64_t rel = (int64_t)(gl_link_sym(m, s->target)->addr - (s->addr + 5));
		if (rel != (int32_t)rel) {
			rc = gl_err(err, GOLOAD_E_UNSUPPORTED, "link: host function %s is more than 2 GiB away", s->name);
			goto fail;
		}
		uint8_t *p = mem_at(m, s->addr);
		int32_t r32 = (int32_t)rel;
		p[0] = 0xe9; /* JMP rel32 */
		memcpy(p + 1, &r32, 4);
	}
	if ((rc = apply_relocs(m, err)) < 0)
		goto fail;
	phase_end(m, GOLOAD_PHASE_RELOC, &t0);
	if ((rc = gc_masks(m, err)) < 0 || (rc = collect_tables(m, err)) < 0)
		goto fail;
	if (m->opts.debug) {
		const struct gl_objtab *ot = gl_goobj_tab(m->objs.v[0].o);
		for (int t = 0; t < 64; t++)
			if (m->nrel[t]) {
				char nb[64];
				int raw = gl_objtab_reloc_raw(ot, t);
				dbg(m, "relocations %s: %zu", raw < 0 ? "?" : gl_objtab_reloc_name(ot, (uint32_t)raw, nb, sizeof nb),
				    m->nrel[t]);
			}
	}
	m->name = keep(m, "", 0);
	{
		char nm[64];
		snprintf(nm, sizeof nm, "goload.module.%llx", (unsigned long long)m->sect_addr[SECT_TEXT]);
		m->name = m->opts.name ? keep(m, m->opts.name, strlen(m->opts.name)) : keep(m, nm, strlen(nm));
	}
	gl_rt_sections sec = {
		.text = m->sect_addr[SECT_TEXT], .etext = m->sect_addr[SECT_TEXT] + m->sect_size[SECT_TEXT],
		.noptrdata = m->sect_addr[SECT_NOPTRDATA], .enoptrdata = m->sect_addr[SECT_NOPTRDATA] + m->sect_size[SECT_NOPTRDATA],
		.data = m->sect_addr[SECT_DATA], .edata = m->sect_addr[SECT_DATA] + m->sect_size[SECT_DATA],
		.bss = m->sect_addr[SECT_BSS], .ebss = m->sect_addr[SECT_BSS] + m->sect_size[SECT_BSS],
		.noptrbss = m->sect_addr[SECT_NOPTRBSS], .enoptrbss = module_end(m), .end = module_end(m),
		.types = m->sect_addr[SECT_RODATA], .etypes = m->sect_addr[SECT_RODATA] + m->sect_size[SECT_RODATA],
		.rodata = m->sect_addr[SECT_RODATA], .gofunc = m->sect_addr[SECT_RODATA],
		.epclntab = m->pcln_addr + m->pcln_size,
		.gcdatamask = m->gcdata, .gcbssmask = m->gcbss,
		.typelinks = m->typelinks.v, .ntypelinks = m->typelinks.len,
		.itablinks = m->itabs.v, .nitablinks = m->itabs.len, .typedesclen = m->typedesclen,
		.inittasks = m->inittasks.v, .ninittasks = m->inittasks.len,
		.modulename = m->name,
	};
	/* The data sections' sizes are rounded so each mask covers whole words. */
	sec.edata = sec.data + m->sect_size[SECT_DATA] / 8 * 8;
	sec.ebss = sec.bss + m->sect_size[SECT_BSS] / 8 * 8;
	if (!m->name || (rc = gl_rt_moduledata_build(h->rt, &m->pcln, &sec, &m->md, err)) < 0) {
		if (!m->name)
			rc = gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		goto fail;
	}
	if ((rc = protect(m, err)) < 0)
		goto fail;
	phase_end(m, GOLOAD_PHASE_RTMETA, &t0);
	/* Last: a failure before this leaves the host untouched. */
	if ((rc = patch_host_methods(m, err)) < 0)
		goto fail;
	for (size_t i = 0; i < m->hostitabs.len; i++)
		if ((rc = host_itab_slots(m, m->hostitabs.v[i], true, err)) < 0)
			goto fail;
	phase_end(m, GOLOAD_PHASE_HOSTFILL, &t0);
	for (int s = SECT_TEXT; s < SECT_N; s++)
		dbg(m, "%-9s 0x%llx +%llu", sect_names[s], (unsigned long long)m->sect_addr[s],
		    (unsigned long long)m->sect_size[s]);
	funcbuild_free(&fb);
	*out = m;
	return 0;
fail:
	funcbuild_free(&fb);
	goload_module_free(m);
	return rc;
}

void goload_module_free(goload_module *m)
{
	if (!m)
		return;
	gl_mem_unmap(&m->mem);
	for (size_t i = 0; i < m->objs.len; i++) {
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
	gl_strmap_free(&m->hostdefs[0]);
	gl_strmap_free(&m->hostdefs[1]);
	GL_VEC_FREE(&m->hostitabs);
	GL_VEC_FREE(&m->methodfills);
	GL_VEC_FREE(&m->typefills);
	GL_VEC_FREE(&m->hostfills);
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

void *goload_module_moduledata(const goload_module *m) { return m->md; }
size_t goload_module_mapped(const goload_module *m) { return m->mem.size; }
size_t goload_module_host_fills(const goload_module *m) { return m->hostfills.len; }

void goload_module_host_fill(const goload_module *m, size_t i, goload_host_fill *out)
{
	const struct gl_hostfill *f = &m->hostfills.v[i];
	*out = (goload_host_fill){.at = f->at, .old = f->old, .new = f->new, .code = f->code, .n = f->n, .owner = f->owner};
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
	for (size_t i = 0; i < m->typefills.len; i++) {
		const struct gl_typefill *f = &m->typefills.v[i];
		int rc = f->type ? host_write(m, f->slot, &f->key, 4, f->type, true, err) : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
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
