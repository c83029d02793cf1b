/*
 * link: goload_module_link, the pipeline, and the helpers every stage shares.
 *
 * Takes the opened host (goload_host) and the module's package archives;
 * gives a goload_module mapped near the host, relocated and protected,
 * with its moduledata built (module.c publishes it). The stages, in order,
 * each in the file named after it (link_internal.h declares what they
 * share):
 *   archives.c  open the archives; a package the host or an earlier module
 *               already has stays theirs (read for its names only)
 *   resolve.c   define one link symbol per definition, resolve every reference
 *   hostpkgs.c  what the host's linker dropped, from the host packages' archives
 *   hostfill.c  host types aliased; host method tables and itabs filled
 *   layout.c    sections, then addresses in the mapping
 *   functab.c   the func table and pclntab (rt builds the bytes)
 *   relocate.c  every relocation applied
 *   tables.c    GC masks, typelinks, itabs, init tasks
 *   module.c    the module API: publish, lookup, fills, free
 */
#include "link/link_internal.h"

void dbg(const goload_module *m, const char *fmt, ...)
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

char *keep(goload_module *m, const char *s, size_t n)
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
char *name_key(goload_module *m, const char *name, size_t n, uint16_t abi, size_t *klen)
{
	char *k = keep(m, name, n);
	if (!k)
		return NULL;
	k[n + 1] = (char)(abi & 0xff);
	k[n + 2] = (char)(abi >> 8);
	*klen = n + 3;
	return k;
}

bool find_named(const goload_module *m, const char *name, size_t n, uint16_t abi, uint32_t *out)
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

int sect_of_kind(int kind)
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

const char *const sect_names[SECT_N] = {"none", "text", "rodata", "noptrdata", "data", "bss", "noptrbss"};

/* Length of the package path a symbol name starts with (the compiler
 * writes fully qualified names, "example.com/p.F", "p.(*T).M[...]"); 0 for
 * linker-made names (type:, go:) and names without one. */
size_t name_pkglen(const char *name, size_t n)
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

uint32_t new_sym(goload_module *m, gl_lsym s)
{
	if (!GL_VEC_PUSH(&m->syms, s))
		return NOSYM;
	return (uint32_t)(m->syms.len - 1);
}

/* A host symbol by name; ABI0 references prefer the ".abi0" twin. */
uint64_t host_lookup(const goload_host *h, const char *name, size_t n, int abi)
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

static int protect(goload_module *m, goload_err *err)
{
	uint64_t base = m->sect_addr[SECT_TEXT];
	uint64_t ro = m->sect_addr[SECT_RODATA], rw = m->sect_addr[SECT_NOPTRDATA];
#if defined(__aarch64__)
	/* The code was written as data: instruction fetch must see it. */
	__builtin___clear_cache((char *)m->mem.base, (char *)m->mem.base + (ro - base));
#endif
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

/* A host extension's roots: what the split link `need` pulled by name. */
static int pull_roots(goload_module *m, goload_err *err)
{
	for (size_t i = 0; i < m->need->extroots.len; i++) {
		const struct gl_extroot *r = &m->need->extroots.v[i];
		gl_goobj_symname nm = {.name = r->name, .namelen = (uint32_t)strlen(r->name), .abi = r->abi};
		int abis[2] = {r->abi, -1};
		uint32_t xs, xu;
		if (ext_addr(m, nm.name, nm.namelen, abis, &xs, &xu))
			continue;
		if (hostpkg_find(m, &nm, abis, err) != NOSYM)
			continue;
		if (err && err->code)
			return -1;
		/* A func value the package's own code never takes: made here,
		 * the address of its function (the Go compiler's F·f). */
		size_t n = nm.namelen;
		uint32_t fn = NOSYM, id;
		gl_goobj_symname fnm = {.name = r->name, .namelen = (uint32_t)(n - 3), .abi = 1};
		int fabis[2] = {1, 0};
		uint64_t ha = n > 3 ? host_lookup(m->host, r->name, n - 3, 1) : 0;
		if (n > 3 && !memcmp(r->name + n - 3, "\xc2\xb7" "f", 3) && !ha)
			fn = hostpkg_find(m, &fnm, fabis, err);
		if (err && err->code)
			return -1;
		if (!ha && fn == NOSYM)
			return gl_err(err, GOLOAD_E_NOTFOUND, "host extension: %s is in none of the host packages' archives",
				      r->name);
		if (fn == NOSYM) {
			gl_lsym hs = {.name = keep(m, r->name, n - 3), .obj = NOSYM, .host = true, .resolved = true, .addr = ha};
			if (!hs.name || (fn = new_sym(m, hs)) == NOSYM)
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		}
		gl_lsym fv = {.name = keep(m, r->name, n), .obj = NOSYM, .kind = GL_SK_RODATA, .sect = SECT_RODATA,
			      .size = 8, .align = 8, .target = fn, .resolved = true};
		size_t kl;
		char *key = fv.name ? name_key(m, r->name, n, (uint16_t)r->abi, &kl) : NULL;
		bool existed;
		if (!key || (id = new_sym(m, fv)) == NOSYM || !gl_strmap_add(&m->byname, key, kl, id, &existed))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		dbg(m, "host extension: func value %s made (its package's archive has none)", r->name);
	}
	return 0;
}

/* A host extension of variables alone (their accessors were inlined into
 * the module): the runtime wants at least one function in a module's
 * pclntab, so the smallest function of the first variable's object is
 * pulled too: code of a host package that a normal build could have kept,
 * never called. Before the resolve, which pulls what it needs. */
static int pad_text(goload_module *m, goload_err *err)
{
	uint32_t oi = NOSYM;
	for (uint32_t i = 0; i < m->syms.len; i++) {
		const gl_lsym *s = gl_link_sym(m, i);
		if (s->sect == SECT_TEXT)
			return 0;
		if (oi == NOSYM && s->obj != NOSYM && !s->host && m->objs.v[s->obj].lazy)
			oi = s->obj;
	}
	if (oi == NOSYM)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "host extension: nothing of a host package to hold");
	const gl_goobj *o = m->objs.v[oi].o;
	uint32_t best = NOSYM, bsize = 0;
	size_t hl;
	for (uint32_t d = 0; d < gl_goobj_ndefs(o); d++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, d);
		if (s.kind != GL_SK_TEXT || !s.namelen || s.abi > 1 || gl_goobj_hash(o, d, &hl) || (best != NOSYM && s.size >= bsize))
			continue;
		/* never an init function: only its init task may run it */
		bool init = s.namelen >= 5 && !memcmp(s.name + s.namelen - 5, ".init", 5);
		for (uint32_t k = 0; !init && k + 6 <= s.namelen; k++)
			init = !memcmp(s.name + k, ".init.", 6);
		if (init)
			continue;
		best = d;
		bsize = s.size;
	}
	if (best == NOSYM)
		return gl_err(err, GOLOAD_E_UNSUPPORTED,
			      "host extension: only variables of %s, whose object has no function to give the module its one "
			      "function (the runtime needs one)", m->objs.v[oi].pkgpath ? m->objs.v[oi].pkgpath : "a host package");
	if (pull(m, oi, best, err) == NOSYM)
		return -1;
	gl_goobj_sym bs = gl_goobj_sym_at(o, best);
	dbg(m, "host extension of variables only: %.*s pulled too (a module needs a function)", (int)bs.namelen, bs.name);
	return 0;
}

static int link_module(goload_host *h, const char *const *archives, size_t narchives, const goload_link_opts *opts,
		       const goload_module *need, goload_module **out, goload_err *err);

int goload_module_link(goload_host *h, const char *const *archives, size_t narchives, const goload_link_opts *opts,
		       goload_module **out, goload_err *err)
{
	return link_module(h, archives, narchives, opts, NULL, out, err);
}

/* The symbols of host packages that the host's linker dropped and `need`
 * asked for, with everything they need of those packages, as one more
 * module that is never closed: one copy of each per process, whichever
 * module needed it first and whatever order modules close in. */
int goload_extension_link(goload_host *h, const goload_module *need, const goload_link_opts *opts, goload_module **out,
			  goload_err *err)
{
	*out = NULL;
	if (!need || !need->pulled || !opts || !opts->nhost_archives)
		return gl_err(err, GOLOAD_E_INVAL, "host extension: no split link needing one");
	int rc = link_module(h, NULL, 0, opts, need, out, err);
	if (rc < 0)
		gl_err_prefix(err, "host extension of what the host's linker dropped");
	return rc;
}

static int link_module(goload_host *h, const char *const *archives, size_t narchives, const goload_link_opts *opts,
		       const goload_module *need, goload_module **out, goload_err *err)
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
	if ((m->need = need)) {
		m->opts.split_host = false;
		m->opts.providers = NULL;
		m->opts.nproviders = 0;
	}
	funcbuild fb = {0};
	uint64_t t0 = mono_ns();
	int rc = goload_host_recover(h, opts, err);
	if (rc == 0)
		rc = index_hostpkgs(m, err);
	if (rc == 0) /* before open_archives: a package of types only is the host's by them */
		rc = gl_host_types_index(h, err);
	phase_end(m, GOLOAD_PHASE_HOST, &t0);
	bool fix = narchives == 0 && m->opts.nfix_roots;
	if (rc == 0 && !fix && !need)
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
		rc = add_ext_uses(m, err);
	if (rc == 0)
		rc = gl_host_types_index(h, err);
	if (rc == 0)
		rc = define(m, err);
	if (rc == 0 && fix)
		rc = fix_roots(m, err);
	if (rc == 0)
		rc = alias_host_types(m, err);
	if (rc == 0 && need)
		rc = pull_roots(m, err);
	if (rc == 0 && need)
		rc = pad_text(m, err);
	if (rc == 0)
		rc = resolve_all(m, err);
	if (rc == 0) /* types pulled by the resolve */
		rc = alias_dupok_types(m, m->nsyms_aliased, err);
	if (rc == 0)
		rc = varinit_task(m, err);
	if (rc < 0)
		goto fail;
	phase_end(m, GOLOAD_PHASE_RESOLVE, &t0);
	if (m->pulled) {
		/* Split: the host extension first (goload_extension_link). */
		dbg(m, "dropped symbols of host packages needed (%zu by name): a host extension first", m->extroots.len);
		*out = m;
		return 0;
	}
	m->frozen = true;
	if ((rc = cobj_count_go(m, err)) < 0)
		goto fail;
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
	rc = gl_mem_map_near(lo, hi, mapping_end(m) - (1ull << 32), &m->mem, err);
	if (rc < 0)
		goto fail;
	uint64_t text0 = m->sect_addr[SECT_TEXT], ro0 = m->sect_addr[SECT_RODATA], pcln0 = m->pcln_addr;
	place(m, (uint64_t)(uintptr_t)m->mem.base, m->pcln.bytes.len);
	/* The text, its read-only data (funcdata) and the pclntab moved as
	 * one: the pclntab built for the provisional address is this one
	 * but for its text address (gl_rt_pcln_move), not built again.
	 * GOLOAD_CHECK_PCLN=1 builds it again all the same and compares. */
	int64_t delta = (int64_t)(m->sect_addr[SECT_TEXT] - text0);
	bool moved = (int64_t)(m->sect_addr[SECT_RODATA] - ro0) == delta && (int64_t)(m->pcln_addr - pcln0) == delta;
	const char *ck = getenv("GOLOAD_CHECK_PCLN");
	gl_rt_pcln built = {0};
	if (moved) {
		gl_rt_pcln_move(h->rt, &m->pcln, m->sect_addr[SECT_TEXT], delta);
		if (ck && !strcmp(ck, "1")) {
			built = m->pcln;
			m->pcln = (gl_rt_pcln){0};
			moved = false;
		}
	}
	if (!moved) {
		funcbuild_free(&fb);
		memset(&fb, 0, sizeof fb);
		if ((rc = build_funcs(m, &fb, err)) < 0 || (rc = build_pcln(m, &fb, err)) < 0) {
			gl_rt_pcln_free(&built);
			goto fail;
		}
	}
	if (built.bytes.p) {
		bool same = built.bytes.len == m->pcln.bytes.len && !memcmp(built.bytes.p, m->pcln.bytes.p, built.bytes.len) &&
			    built.addr == m->pcln.addr && built.minpc == m->pcln.minpc && built.maxpc == m->pcln.maxpc;
		gl_rt_pcln_free(&built);
		if (!same) {
			rc = gl_err(err, GOLOAD_E_INTERNAL, "link: the pclntab moved to 0x%llx differs from the one built there",
				    (unsigned long long)m->pcln_addr);
			goto fail;
		}
		dbg(m, "pclntab moved to 0x%llx: the same bytes as built there (GOLOAD_CHECK_PCLN)", (unsigned long long)m->pcln_addr);
	}
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
		size_t nl = strlen(s->name);
		if (need && s->sect == SECT_RODATA && s->obj == NOSYM && !s->host && nl > 3 &&
		    !strcmp(s->name + nl - 3, "\xc2\xb7" "f")) {
			/* a func value made by pull_roots */
			memcpy(mem_at(m, s->addr), &gl_link_sym(m, s->target)->addr, 8);
			continue;
		}
		if (s->sect != SECT_TEXT || s->obj != NOSYM || s->host)
			continue;
#if defined(__aarch64__)
		int64_t rel = (int64_t)(gl_link_sym(m, s->target)->addr - s->addr);
		if (rel >= (1ll << 27) || rel < -(1ll << 27)) {
			rc = gl_err(err, GOLOAD_E_UNSUPPORTED, "link: host function %s is more than 128 MiB away", s->name);
			goto fail;
		}
		uint32_t b = 0x14000000u | ((uint32_t)(rel >> 2) & 0x03ffffffu); /* B */
		memcpy(mem_at(m, s->addr), &b, 4);
#else
		int64_t rel = (int64_t)(gl_link_sym(m, s->target)->addr - (s->addr + 5));
		if (rel != (int32_t)rel) {
			rc = gl_err(err, GOLOAD_E_UNSUPPORTED, "link: host function %s is more than 2 GiB away", s->name);
			goto fail;
		}
		uint8_t *p = mem_at(m, s->addr);
		int32_t r32 = (int32_t)rel;
		p[0] = 0xe9; /* JMP rel32 */
		memcpy(p + 1, &r32, 4);
#endif
	}
	if ((rc = apply_relocs(m, err)) < 0 || (rc = cobj_apply(m, err)) < 0)
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
		snprintf(nm, sizeof nm, "%s.%llx", need ? "goload.hostext" : "goload.module",
			 (unsigned long long)m->sect_addr[SECT_TEXT]);
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
	/* Last: a failure before this leaves the host untouched. Written
	 * in one batch (hostfill.c). */
	host_writes_begin(m);
	rc = patch_host_methods(m, err);
	for (size_t i = 0; rc == 0 && i < m->hostitabs.len; i++)
		rc = host_itab_slots(m, m->hostitabs.v[i], true, err);
	int wrc = host_writes_end(m, rc == 0, err);
	if ((rc = rc < 0 ? rc : wrc) < 0)
		goto fail;
	phase_end(m, GOLOAD_PHASE_HOSTFILL, &t0);
	for (int s = SECT_TEXT; s < SECT_N; s++)
		dbg(m, "%-9s 0x%llx +%llu", sect_names[s], (unsigned long long)m->sect_addr[s],
		    (unsigned long long)m->sect_size[s]);
	funcbuild_free(&fb);
	cobj_run_ctors(m);
	*out = m;
	return 0;
fail:
	funcbuild_free(&fb);
	goload_module_free(m);
	return rc;
}
