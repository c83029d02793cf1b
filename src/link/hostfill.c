/*
 * Host fills: where the module and the host's own data must agree.
 *
 *   types    a type the host has is the host's descriptor, of a checked
 *            layout (alias_host_types); a type offset to it reaches a
 *            typelinked copy (type_copy)
 *   methods  host method-table entries whose methods (or their func types)
 *            the host's linker dropped: wanted during resolve (want_method),
 *            written once laid out (patch_host_methods)
 *   itabs    host itab slots of dropped methods (host_itab_slots)
 *
 * Takes the resolved symbols and, after layout, their addresses; gives
 * writes into the host's read-only data, each recorded in m->hostfills for
 * Close (host_write). goload_module_link writes them last: a failure
 * before leaves the host untouched.
 */
#include "link/link_internal.h"

static bool itab_slot_dropped(goload_module *m, uint64_t itab, int32_t off)
{
	uint64_t unreachable = gl_host_addr(m->host, "runtime.unreachableMethod");
	if (!unreachable || off < 0)
		return false;
	return gl_host_orig_value(m->host, itab + (uint64_t)off, 8) == unreachable;
}

/* ------------------------------------------------ batched host writes
 *
 * A module's host fills are hundreds to thousands of 4- and 8-byte words
 * (a host extension of a small OpenPackage writes ~1,450). One pwrite to
 * /proc/self/mem each is a system call and a remote page walk each. While
 * a batch is open (host_writes_begin .. host_writes_end), host_write
 * decides and records exactly as it would write at once, and queues the
 * bytes; the end writes them in address order, one pwrite per run:
 * adjacent words, and, inside the host's type descriptors (read-only data
 * nothing else writes), words apart by less than a page-quarter, the bytes
 * between written back as they are. A word queued already is written
 * before anything reads it again (host_write of an overlapping word), so
 * every decision sees what an unbatched write would have left. */

struct gl_u64set {
	uint64_t *t; /* 0: empty (no host word is at address 0) */
	size_t cap, len;
};

static bool u64set_has(const struct gl_u64set *s, uint64_t k)
{
	if (!s->cap)
		return false;
	for (size_t i = (size_t)(k * 0x9e3779b97f4a7c15ull >> 32) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->t[i] == k)
			return true;
		if (!s->t[i])
			return false;
	}
}

static bool u64set_add(struct gl_u64set *s, uint64_t k)
{
	if ((s->len + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 256;
		uint64_t *nt = calloc(nc, sizeof *nt);
		if (!nt)
			return false;
		struct gl_u64set o = *s;
		s->t = nt;
		s->cap = nc;
		s->len = 0;
		for (size_t i = 0; i < o.cap; i++)
			if (o.t[i])
				u64set_add(s, o.t[i]);
		free(o.t);
	}
	size_t i = (size_t)(k * 0x9e3779b97f4a7c15ull >> 32) & (s->cap - 1);
	while (s->t[i] && s->t[i] != k)
		i = (i + 1) & (s->cap - 1);
	if (!s->t[i]) {
		s->t[i] = k;
		s->len++;
	}
	return true;
}

struct gl_hostwrite {
	uint64_t at, old;
	uint8_t b[8];
	uint32_t n;
	bool into_module; /* its original value goes to the host's origs */
};

struct gl_hostbatch {
	GL_VEC(struct gl_hostwrite) q;
	struct gl_u64set units; /* 4-byte units queued */
	struct gl_u64set fills; /* addresses of m->hostfills[0, nfills) */
	size_t nfills;
};

/* pwrites to /proc/self/mem, and the words they carried (goload_debug_mem_writes) */
static uint64_t mem_writes, mem_words;

uint64_t goload_debug_mem_writes(uint64_t *words)
{
	if (words)
		*words = __atomic_load_n(&mem_words, __ATOMIC_RELAXED);
	return __atomic_load_n(&mem_writes, __ATOMIC_RELAXED);
}

static void batch_free(struct gl_hostbatch *b)
{
	if (!b)
		return;
	GL_VEC_FREE(&b->q);
	free(b->units.t);
	free(b->fills.t);
	free(b);
}

/* Writes n bytes into the host's read-only data (its file mapping is
 * private: the write stays in this process). Through /proc/self/mem, which
 * writes whatever the protection, so no page's protection changes (the
 * system linker may put read-only data on a page that is also code); else
 * by making the page writable (never executable) for the write. */
static int write_now(goload_module *m, uint64_t at, const void *p, size_t n, goload_err *err)
{
	int fd = gl_host_memfd(m->host);
	__atomic_fetch_add(&mem_words, 1, __ATOMIC_RELAXED);
	if (fd >= 0 && pwrite(fd, p, n, (off_t)at) == (ssize_t)n) {
		__atomic_fetch_add(&mem_writes, 1, __ATOMIC_RELAXED);
		return 0;
	}
	uint64_t pg = gl_mem_pagesize(), lo = at / pg * pg, hi = (at + n + pg - 1) / pg * pg;
	if (mprotect((void *)(uintptr_t)lo, hi - lo, PROT_READ | PROT_WRITE) < 0)
		return gl_err(err, GOLOAD_E_IO, "host data at 0x%llx: mprotect: %s", (unsigned long long)at, strerror(errno));
	memcpy((void *)(uintptr_t)at, p, n);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	mprotect((void *)(uintptr_t)lo, hi - lo, PROT_READ);
	return 0;
}

void host_writes_begin(goload_module *m)
{
	if (!m->batch)
		m->batch = calloc(1, sizeof *m->batch); /* none: each write goes at once */
}

static int cmp_write(const void *a, const void *b)
{
	uint64_t x = ((const struct gl_hostwrite *)a)->at, y = ((const struct gl_hostwrite *)b)->at;
	return x < y ? -1 : x > y;
}

/* Writes what is queued (the batch stays open). */
static int batch_flush(goload_module *m, goload_err *err)
{
	struct gl_hostbatch *b = m->batch;
	if (!b || !b->q.len)
		return 0;
	size_t nq = b->q.len;
	b->q.len = 0;
	free(b->units.t);
	b->units = (struct gl_u64set){0};
	struct gl_hostwrite *q = b->q.v;
	qsort(q, nq, sizeof *q, cmp_write);
	for (size_t i = 0; i < nq; i++)
		if (q[i].into_module && !gl_host_orig_add(m->host, q[i].at, q[i].old))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	/* The host's type descriptors (and its itabs among them). */
	const struct gl_rttab *rt = m->host->rt;
	uint64_t md = gl_host_addr(m->host, "runtime.firstmoduledata"), types = 0, etypes = 0;
	if (md && rt->md_off[GL_MD_TYPES] != GL_RT_ABSENT && rt->md_off[GL_MD_ETYPES] != GL_RT_ABSENT) {
		memcpy(&types, (const void *)(uintptr_t)(md + rt->md_off[GL_MD_TYPES]), 8);
		memcpy(&etypes, (const void *)(uintptr_t)(md + rt->md_off[GL_MD_ETYPES]), 8);
	}
	enum { GAP = 1024, RUN = 256 * 1024 };
	uint8_t *buf = NULL;
	size_t bcap = 0;
	int rc = 0;
	for (size_t i = 0, j; rc == 0 && i < nq; i = j + 1) {
		uint64_t start = q[i].at, end = q[i].at + q[i].n;
		bool ro = start >= types && end <= etypes;
		for (j = i; j + 1 < nq; j++) {
			const struct gl_hostwrite *x = &q[j + 1];
			bool near = x->at == end || (ro && x->at > end && x->at - end < GAP && x->at + x->n <= etypes);
			if (!near || x->at + x->n - start > RUN)
				break;
			end = x->at + x->n;
		}
		size_t len = (size_t)(end - start);
		if (len > bcap) {
			uint8_t *nb = realloc(buf, len);
			if (!nb) {
				rc = gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
				break;
			}
			buf = nb;
			bcap = len;
		}
		memcpy(buf, (const void *)(uintptr_t)start, len); /* the gaps, as they are */
		for (size_t k = i; k <= j; k++)
			memcpy(buf + (q[k].at - start), q[k].b, q[k].n);
		int fd = gl_host_memfd(m->host);
		if (fd >= 0 && pwrite(fd, buf, len, (off_t)start) == (ssize_t)len) {
			__atomic_fetch_add(&mem_writes, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&mem_words, j + 1 - i, __ATOMIC_RELAXED);
			continue;
		}
		for (size_t k = i; rc == 0 && k <= j; k++)
			rc = write_now(m, q[k].at, q[k].b, q[k].n, err);
	}
	free(buf);
	return rc;
}

int host_writes_end(goload_module *m, bool write, goload_err *err)
{
	int rc = write ? batch_flush(m, err) : 0;
	batch_free(m->batch);
	m->batch = NULL;
	return rc;
}

/* A word another open module filled already (it still differs from the
 * linker's value) is not written: the module records its own value as a
 * claim, for Close of the filler to hand the word over to. */
int host_write(goload_module *m, uint64_t at, const void *p, size_t n, uint64_t code, const char *method,
	       bool into_module, goload_err *err)
{
	struct gl_hostbatch *b = m->batch;
	if (b && n > 8)
		return gl_err(err, GOLOAD_E_INTERNAL, "host write of %zu bytes at 0x%llx", n, (unsigned long long)at);
	if (b && b->q.len) {
		for (uint64_t u = at & ~3ull; u < at + n; u += 4)
			if (u64set_has(&b->units, u)) {
				int rc = batch_flush(m, err);
				if (rc < 0)
					return rc;
				break;
			}
	}
	struct gl_hostfill f = {.at = at, .n = (uint32_t)n, .code = code, .owner = true, .method = method};
	uint64_t cur = 0;
	memcpy(&cur, (const void *)(uintptr_t)at, n);
	f.old = gl_host_orig_value(m->host, at, n);
	memcpy(&f.new, p, n);
	if (b) {
		for (; b->nfills < m->hostfills.len; b->nfills++)
			if (!u64set_add(&b->fills, m->hostfills.v[b->nfills].at))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		if (u64set_has(&b->fills, at))
			return 0; /* this module's already */
	} else {
		for (size_t i = 0; i < m->hostfills.len; i++)
			if (m->hostfills.v[i].at == at)
				return 0; /* this module's already */
	}
	if (into_module && cur != f.old) {
		f.owner = false;
		dbg(m, "host word at 0x%llx: filled by another module; this one's copy (0x%llx) recorded",
		    (unsigned long long)at, (unsigned long long)code);
		return GL_VEC_PUSH(&m->hostfills, f) ? 0 : gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	if (b) {
		struct gl_hostwrite w = {.at = at, .old = f.old, .n = (uint32_t)n, .into_module = into_module};
		memcpy(w.b, p, n);
		if ((into_module && !GL_VEC_PUSH(&m->hostfills, f)) || !GL_VEC_PUSH(&b->q, w))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		for (uint64_t u = at & ~3ull; u < at + n; u += 4)
			if (!u64set_add(&b->units, u))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		return 0;
	}
	if (into_module && (!gl_host_orig_add(m->host, at, f.old) || !GL_VEC_PUSH(&m->hostfills, f)))
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	return write_now(m, at, p, n, err);
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
	if (*none || open_hostpkg(m, k, err) < 0 || !gl_pkgcache_def(m, 0, hm->tname, strlen(hm->tname), &v))
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
 * no archive here: it stays dropped (see docs/load.md, OpenPackage). */
int want_method(void *ctx, const gl_host_method *hm, goload_err *err)
{
	goload_module *m = ctx;
	const char *name = hm->sym;
	size_t n = strlen(name);
	struct gl_methodfill f = {.slot = hm->slot, .sym = NOSYM, .type = hm->ifn ? hm->type : 0,
				  .name = hm->name, .namelen = hm->namelen};
	int abis[2] = {1, -1};
	gl_goobj_symname nm = {.name = name, .namelen = (uint32_t)n, .abi = 1};
	uint32_t xs, xu;
	if (!hm->slot)
		f.addr = 1; /* the host's code, its text offsets kept: nothing to fill */
	else if (!find_named(m, name, n, 1, &f.sym) && !(f.addr = host_lookup(m->host, name, n, 1))) {
		/* A host extension has the method: it filled the host's words
		 * (method table, type, itabs), which stay as long as the process. */
		if (ext_addr(m, name, n, abis, &xs, &xu))
			return 0;
		f.sym = hostpkg_find(m, &nm, abis, err);
	}
	if (ext_sym(m, f.sym))
		return 0;
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
		if (ext_sym(m, tf.sym)) /* the extension filled it */
			tf.sym = NOSYM, none = true;
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
	const char *method;
	bool into_module;
};

static int fill_itab_slot(void *ctx, uint64_t slot, goload_err *err)
{
	struct itabfill *c = ctx;
	dbg(c->m, "itab slot at 0x%llx: dropped method at 0x%llx filled", (unsigned long long)slot,
	    (unsigned long long)c->code);
	return host_write(c->m, slot, &c->code, 8, c->code, c->method, c->into_module, err);
}

/* Points the host's method tables at the code of their dropped methods:
 * the runtime resolves a method-table text offset from the host's text
 * base without a range check (one text section), and the module lies
 * above it. */
int patch_host_methods(goload_module *m, goload_err *err)
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
		int rc = host_write(m, f.slot, &off, 4, a, f.addr ? NULL : gl_link_sym(m, f.sym)->name, !f.addr, err);
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
			int rc = host_write(m, f->slot, &off, 4, a, f->method, true, err);
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
		struct itabfill c = {m, f.addr ? f.addr : gl_link_sym(m, f.sym)->addr, f.addr ? NULL : gl_link_sym(m, f.sym)->name, !f.addr};
		int rc = f.type ? gl_host_itab_slots(m->host, f.type, f.name, f.namelen, fill_itab_slot, &c, err) : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The dropped-method slots of a host itab: their methods resolved (pulled
 * from the archives while resolving), then, once laid out, written. */
int host_itab_slots(goload_module *m, struct gl_hostitab h, bool write, goload_err *err)
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
		int rc = host_write(m, h.addr + (uint64_t)r.off, &v, 8, v, gl_link_sym(m, t)->name, true, err);
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
int type_copy(goload_module *m, uint32_t si, gl_goobj_ref ref, uint32_t t, goload_err *err)
{
	const gl_lsym *s = gl_link_sym(m, si);
	uint32_t oi = s->obj;
	const gl_goobj *o = m->objs.v[oi].o;
	uint32_t local;
	uint64_t v;
	const char *tn = gl_link_sym(m, t)->name;
	const char *whose = gl_link_sym(m, t)->prov ? m->uses.v[gl_link_sym(m, t)->prov - 1].prov->name : "the host";
	if (!gl_goobj_ref_local(o, ref, &local) || local >= gl_goobj_ndefs(o)) {
		if (!gl_pkgcache_def(m, 0, tn, strlen(tn), &v))
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

/* The module's copies of content-addressed type descriptors (dupok) that
 * the host or an earlier module has are theirs for every direct reference
 * (s->alias); offsets still name the module's copy. Run before the
 * resolve (for the objects' own types) and again after it, for the types
 * pulled from host archives meanwhile: a host extension's code makes its
 * values with them, and a value of one type must carry one descriptor
 * (x.(*[]byte) compares descriptors). The second run starts at the first
 * symbol the first did not see: what it decided of the others stands (the
 * host's types, the uses and the loaded packages do not change in a link). */
int alias_dupok_types(goload_module *m, uint32_t from, goload_err *err)
{
	size_t n = 0;
	gl_goobj_resolver res = {dep_object, m};
	for (uint32_t si = from; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (s->host || s->alias || s->obj == NOSYM || s->sect != SECT_RODATA || !(s->flags & GL_SF_DUPOK) ||
		    strncmp(s->name, "type:", 5))
			continue;
		uint64_t ht = gl_host_type(m->host, s->name, strlen(s->name));
		if (!ht) {
			/* A composite of an earlier module's types is its type. */
			int abis[2] = {0, 1};
			uint32_t use, psize;
			size_t nl = strlen(s->name);
			if (m->uses.len && ((s->alias = provider_addr(m, s->name, nl, abis, &psize, &use)) ||
					    (s->alias = ext_addr(m, s->name, nl, abis, &psize, &use))))
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
	return 0;
}

/* Type identity is pointer identity: a type the host already has must be
 * the host's descriptor wherever loaded code takes its address, and only
 * if both describe one layout (the archives may have been compiled against
 * another version of the type's package). */
int alias_host_types(goload_module *m, goload_err *err)
{
	size_t nreused = m->deps.len; /* objects read later are for names only */
	gl_goobj_resolver res = {dep_object, m};
	int rc0 = alias_dupok_types(m, 0, err);
	m->nsyms_aliased = m->syms.len;
	if (rc0 < 0)
		return rc0;
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
		const gl_goobj *o = NULL;
		char *pkg = path_to_prefix(m->opts.host_pkgs[k]);
		if (!pkg)
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		int rc = gl_pkgcache_goobj(m->host, m->opts.host_archives[k], &o, err);
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
		if (rc < 0)
			return rc;
	}
	return 0;
}
