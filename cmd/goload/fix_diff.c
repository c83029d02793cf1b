/* goload fix: the function diff. Each function of a rebuilt package is
 * compared with the running program's code modulo relocations (relocated
 * bytes masked; call and PC-relative targets compared by name, data by
 * content); variables and types by size and layout. Takes the fixer that
 * cmd_fix.c filled (the host, the rebuilt archives); gives the changed and
 * new functions and the refusals. */
#include "fix.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



int fix_cmp_hostsym(const void *a, const void *b)
{
	const hostsym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static size_t bsearch_first(fixer *f, uint64_t addr)
{
	size_t lo = 0, hi = f->byaddr.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->byaddr.v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *data_name_at(fixer *f, uint64_t addr)
{
	size_t lo = bsearch_first(f, addr);
	return lo < f->byaddr.len && f->byaddr.v[lo].addr == addr ? f->byaddr.v[lo].name : NULL;
}

static bool same_name(const char *host, const char *obj, size_t n);

/* The host's name at addr that is obj's, when several symbols share the
 * address (zero-size ones: runtime.zerobase and a package's empty
 * temporaries); else the first. */
static const char *data_name_for(fixer *f, uint64_t addr, const char *obj, size_t n)
{
	const char *first = data_name_at(f, addr);
	if (!first)
		return NULL;
	const hostsym *h = f->byaddr.v;
	size_t i = (size_t)(bsearch_first(f, addr));
	for (; i < f->byaddr.len && h[i].addr == addr; i++)
		if (same_name(h[i].name, obj, n))
			return h[i].name;
	return first;
}

#define refuse fix_refuse
/* A probe's difference; the first one is kept in f->probe_what. */
static void GL_PRINTF(2, 3) probe_differs(fixer *f, const char *fmt, ...)
{
	if (!f->probe_diff++) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(f->probe_what, sizeof f->probe_what, fmt, ap);
		va_end(ap);
	}
}

void fix_refuse(fixer *f, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (f->probe) {
		probe_differs(f, "%s", msg);
		return;
	}
	gl_buf_printf(&f->refusals, "  %s\n", msg);
	f->nrefused++;
}

/* A host name equals an object name: the host's .symtab spells ABI0
 * symbols "name.abi0". */
static bool same_name(const char *host, const char *obj, size_t n)
{
	size_t hl = strlen(host);
	if (hl == n + 5 && !strcmp(host + n, ".abi0"))
		hl = n;
	return hl == n && !memcmp(host, obj, n);
}

/* Whether a relocation target is a package-level variable (named, not
 * content-addressed, not a type or linker-made symbol). */
static bool name_is_var(const gl_goobj *o, gl_goobj_ref ref, const gl_goobj_symname *nm)
{
	if ((nm->namelen > 5 && !memcmp(nm->name, "type:", 5)) || (nm->namelen > 3 && !memcmp(nm->name, "go:", 3)) ||
	    memchr(nm->name, '.', nm->namelen) == NULL)
		return false;
	for (uint32_t k = 0; k + 7 <= nm->namelen; k++)
		if (!memcmp(nm->name + k, "..stmp_", 7))
			return false;
	uint32_t local;
	size_t hl;
	if (gl_goobj_ref_local(o, ref, &local) && local < gl_goobj_ndefs(o)) {
		gl_goobj_sym s = gl_goobj_sym_at(o, local);
		return !gl_goobj_hash(o, local, &hl) && s.abi <= 1 &&
		       (s.kind == GL_SK_DATA || s.kind == GL_SK_NOPTRDATA || s.kind == GL_SK_BSS || s.kind == GL_SK_NOPTRBSS);
	}
	return true; /* another package's: decided by the link */
}

static bool is_pcrel(int t) { return t == GL_R_CALL || t == GL_R_PCREL || t == GL_R_GOTPCREL; }

static bool same_target(fixer *f, const gl_goobj *o, const gl_goobj_reloc *r, uint64_t site, char *why, size_t wn,
			bool types_only);

/* Whether the host's bytes at addr hold definition i of object o: equal
 * outside its relocations, each relocation reaching the same target. */
static bool same_data(fixer *f, const gl_goobj *o, uint32_t i, uint64_t addr, char *why, size_t wn)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	gl_span d = gl_goobj_data(o, i);
	const uint8_t *hp = s.size ? gl_gobin_va(f->g, addr, s.size) : (const uint8_t *)"";
	if (!hp)
		return false;
	uint8_t *mask = calloc(s.size ? s.size : 1, 1);
	if (!mask)
		return false;
	uint32_t first, nr = gl_goobj_relocs(o, i, &first);
	bool same = true;
	for (uint32_t j = 0; same && j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > s.size)
			continue;
		memset(mask + r.off, 1, r.siz);
		same = same_target(f, o, &r, addr + (uint64_t)r.off, why, wn, false);
	}
	for (uint32_t k = 0; same && k < s.size; k++)
		if (!mask[k] && (k < d.n ? d.p[k] : 0) != hp[k])
			same = false;
	free(mask);
	return same;
}

/* Whether relocation r of object o, at host address site (holding the
 * linked value), reaches the same target: by name, or for content-
 * addressed data (string literals, constants) by its bytes. why gets the
 * difference. */
static bool same_target(fixer *f, const gl_goobj *o, const gl_goobj_reloc *r, uint64_t site, char *why, size_t wn,
			bool types_only)
{
	uint64_t target;
	const uint8_t *p = gl_gobin_va(f->g, site, r->siz);
	if (!p)
		return false;
	if (is_pcrel(r->type) && r->siz == 4) {
		int32_t d;
		memcpy(&d, p, 4);
		if (r->type == GL_R_GOTPCREL) {
			const uint8_t *op = gl_gobin_va(f->g, site - 2, 1);
			if (!op || *op != 0x8d)
				return true; /* through a GOT slot: not decoded, masked */
		}
		target = site + 4 + (uint64_t)(int64_t)d - (uint64_t)r->add;
	} else if (r->type == GL_R_ADDR && r->siz == 8) {
		memcpy(&target, p, 8);
		target -= (uint64_t)r->add;
	} else
		return true; /* TLS offsets, markers: masked */
	gl_goobj_symname nm;
	goload_err e = {0};
	gl_goobj_resolver res = gl_goobj_deps_resolver(f->deps);
	if (gl_goobj_ref_name(o, r->sym, &res, &nm, &e) < 0) {
		snprintf(why, wn, "a relocation target cannot be named: %s", e.msg);
		return false;
	}
	bool is_type = nm.namelen > 5 && !memcmp(nm.name, "type:", 5);
	if (types_only && !is_type)
		return true;
	uint32_t local;
	/* A type of the rebuilt package: the running program's descriptor
	 * keeps its layout (size, pointer bytes), so it must not change. */
	if (nm.namelen > 5 && !memcmp(nm.name, "type:", 5) && gl_goobj_ref_local(o, r->sym, &local) &&
	    local < gl_goobj_ndefs(o)) {
		gl_span d = gl_goobj_data(o, local);
		const uint8_t *hp = gl_gobin_va(f->g, target, 16);
		uint64_t ms[2], hs[2];
		if (d.n >= 16 && hp) {
			memcpy(ms, d.p, 16);
			memcpy(hs, hp, 16);
			if (ms[0] != hs[0] || ms[1] != hs[1]) {
				char key[1100];
				snprintf(key, sizeof key, "%.*s", (int)nm.namelen, nm.name);
				if (f->probe)
					probe_differs(f, "the layout of type %s", key + 5);
				else if (!gl_strmap_get(&f->layouts, key, strlen(key), NULL)) {
					bool existed;
					gl_strmap_add(&f->layouts, strdup(key), strlen(key), 1, &existed);
					refuse(f, "%s: changed layout of an existing type: %" PRIu64 " bytes (%" PRIu64
						  " with pointers), the running program's %" PRIu64 " (%" PRIu64 ")",
					       key + 5, ms[0], ms[1], hs[0], hs[1]);
				}
			}
		}
		return true;
	}
	/* Data private to the object (content-addressed: string literals,
	 * constants; static temporaries such as a string boxed for an
	 * interface) is compared by content, its own relocations followed. */
	if (gl_goobj_ref_local(o, r->sym, &local) && local < gl_goobj_ndefs(o)) {
		gl_goobj_sym s = gl_goobj_sym_at(o, local);
		size_t hl;
		bool priv = gl_goobj_hash(o, local, &hl) || s.abi == GL_GOOBJ_ABI_STATIC;
		for (uint32_t k = 0; !priv && k + 7 <= nm.namelen; k++)
			priv = !memcmp(nm.name + k, "..stmp_", 7);
		if (priv && s.kind != GL_SK_TEXT && f->depth < 4) {
			f->depth++;
			bool same = same_data(f, o, local, target, why, wn);
			f->depth--;
			if (!same && !why[0])
				snprintf(why, wn, "the data %.*s differs", (int)(nm.namelen > 60 ? 60 : nm.namelen), nm.name);
			return same;
		}
	}
	gl_gobin_func fn;
	goload_err fe = {0};
	const char *hname = NULL;
	if (gl_gobin_func_for_pc(f->g, target, &fn, &fe) == 0 && fn.entry == target)
		hname = fn.name;
	if (!hname)
		hname = data_name_for(f, target, nm.name, nm.namelen);
	/* Telling the original objects from a later build whose code is the
	 * same: a variable with static data the code uses must hold that data
	 * in the executable (stripped or not). */
	if (f->probe && f->depth < 4 && gl_goobj_ref_local(o, r->sym, &local) && local < gl_goobj_ndefs(o) &&
	    name_is_var(o, r->sym, &nm)) {
		gl_goobj_sym vs = gl_goobj_sym_at(o, local);
		if (vs.kind == GL_SK_DATA || vs.kind == GL_SK_NOPTRDATA) {
			f->depth++;
			char w2[200] = "";
			if (!same_data(f, o, local, target, w2, sizeof w2))
				f->probe_vars++; /* or the linker wrote it (-X, runtime.buildVersion) */
			f->depth--;
		}
	}
	bool var = !hname && nm.namelen && name_is_var(o, r->sym, &nm);
	if (var) {
		/* A stripped host's variable: its address, if the function is
		 * unchanged, tells the agent where the running one is. */
		char *c = strndup(nm.name, nm.namelen);
		hostsym hv = {target, c};
		if (c && !GL_VEC_PUSH(&f->pending, hv))
			free(c);
	}
	if (!hname) {
		/* A target the host does not name: a stripped host's data, or a
		 * section symbol's interior (go:string.*). Not decided here. */
		return true;
	}
	if (!same_name(hname, nm.name, nm.namelen)) {
		/* Calls into the middle of duff's devices and such name the
		 * function containing the target. */
		snprintf(why, wn, "it references %.*s where the running code references %s", (int)nm.namelen, nm.name, hname);
		return false;
	}
	return true;
}

/* Whether name (of package prefix pre) is an init function or one of its
 * closures: pkg.init, pkg.init.N, pkg.init.func1, pkg.init.N.func1. */
static bool is_init(const char *name, size_t n, size_t pl)
{
	return n >= pl + 5 && !memcmp(name + pl, ".init", 5) && (n == pl + 5 || name[pl + 5] == '.');
}

static bool is_runtime_pkg(const char *pre)
{
	return !strcmp(pre, "runtime") || !strncmp(pre, "runtime/internal/", 17) || !strncmp(pre, "internal/runtime/", 17);
}

/* ------------------------------------------------- GC metadata */

typedef struct pcrange {
	uint64_t lo, hi;
	int32_t val;
} pcrange;
typedef GL_VEC(pcrange) pcranges;

static void pcr_add(pcranges *v, uint64_t lo, uint64_t hi, int32_t val)
{
	if (lo >= hi)
		return;
	if (v->len && v->v[v->len - 1].hi == lo && v->v[v->len - 1].val == val)
		v->v[v->len - 1].hi = hi;
	else {
		pcrange r = {lo, hi, val};
		GL_VEC_PUSH(v, r);
	}
}

typedef struct host_pcr_ctx {
	pcranges *v;
	uint64_t entry;
} host_pcr_ctx;

/* The host's ranges are pcs: made offsets from the function's entry. */
static bool host_pcr(void *ctx, uint64_t lo, uint64_t hi, int32_t val)
{
	host_pcr_ctx *c = ctx;
	pcr_add(c->v, lo - c->entry, hi - c->entry, val);
	return true;
}

/* An object's pc-value table as ranges from the function's start (the
 * runtime's encoding: zig-zag value deltas from -1, pc deltas in quanta). */
static void obj_pcr(gl_span t, uint32_t quantum, pcranges *v)
{
	gl_rd r = gl_rd_make(t, 0);
	int64_t val = -1;
	uint64_t pc = 0;
	for (bool first = true; gl_rd_ok(&r) && r.pos < t.n; first = false) {
		uint64_t u = gl_rd_uvarint(&r);
		if (u == 0 && !first)
			break;
		int64_t d = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
		uint64_t pd = gl_rd_uvarint(&r) * quantum;
		val += d;
		pcr_add(v, pc, pc + pd, (int32_t)val);
		pc += pd;
	}
}

/* The GC's view of a function whose code is the same modulo relocations:
 * its argument and locals pointer maps, stack objects, open-coded defer
 * info, argument info and liveness (funcdata 0, 1, 2, 4, 5, 6) and its
 * unsafe-point, stack-map-index and argument-liveness tables (pcdata 0,
 * 1, 3). Line tables and the inline tree (positions) are not compared: a
 * change of lines alone patches nothing. */
static bool same_gc_meta(fixer *f, const gl_goobj *o, uint32_t i, const gl_gobin_func *hf, char *why, size_t wn)
{
	uint32_t first, n = gl_goobj_auxs(o, i, &first);
	uint32_t nfd = 0, npd = 0;
	goload_err e = {0};
	bool same = true;
	for (uint32_t j = 0; same && j < n; j++) {
		gl_goobj_aux a = gl_goobj_aux_at(o, first + j);
		if (a.type == GL_AUX_FUNCDATA) {
			uint32_t k = nfd++;
			if (k == 3 || k > 6)
				continue; /* the inline tree; wrapper info */
			uint64_t va = 0;
			if (k < hf->nfuncdata)
				gl_gobin_func_funcdata(f->g, hf, k, &va, &e);
			bool onil = gl_goobj_ref_is_nil(a.sym);
			gl_span d = onil ? gl_span_make(NULL, 0) : gl_goobj_ref_data(o, a.sym);
			if (onil != (va == 0)) {
				snprintf(why, wn, "its funcdata %u (GC metadata) is %s", k, onil ? "gone" : "new");
				return false;
			}
			if (onil || !d.n)
				continue;
			const uint8_t *hp = gl_gobin_va(f->g, va, d.n);
			uint32_t local, rf = 0, nr = 0;
			if (gl_goobj_ref_local(o, a.sym, &local) && local < gl_goobj_ndefs(o))
				nr = gl_goobj_relocs(o, local, &rf);
			uint8_t *mask = calloc(d.n, 1);
			for (uint32_t r = 0; mask && r < nr; r++) {
				gl_goobj_reloc rl = gl_goobj_reloc_at(o, rf + r);
				if (rl.off >= 0 && (uint64_t)rl.off + rl.siz <= d.n)
					memset(mask + rl.off, 1, rl.siz);
			}
			for (size_t b = 0; hp && mask && b < d.n && same; b++)
				same = mask[b] || hp[b] == d.p[b];
			same = same && hp && mask;
			free(mask);
			if (!same)
				snprintf(why, wn, "its funcdata %u (GC metadata: pointer maps, stack objects, defers or argument info) differs", k);
		} else if (a.type == GL_AUX_PCDATA) {
			uint32_t k = npd++;
			if (k != 0 && k != 1 && k != 3)
				continue;
			uint32_t off = 0;
			if (k < hf->npcdata)
				gl_gobin_func_pcdata(f->g, hf, k, &off, &e);
			pcranges x = {0}, y = {0};
			gl_span t = gl_goobj_ref_data(o, a.sym);
			if (t.n)
				obj_pcr(t, gl_goobj_pc_quantum(o), &x);
			host_pcr_ctx hc = {&y, hf->entry};
			if (off)
				gl_gobin_pcvalue_walk(f->g, hf, off, host_pcr, &hc, &e);
			same = x.len == y.len;
			for (size_t r = 0; same && r < x.len; r++)
				same = x.v[r].lo == y.v[r].lo && x.v[r].hi == y.v[r].hi && x.v[r].val == y.v[r].val;
			GL_VEC_FREE(&x);
			GL_VEC_FREE(&y);
			if (!same)
				snprintf(why, wn, "its pcdata %u (%s) differs", k, k == 0 ? "unsafe points" : k == 1 ? "stack map index" : "argument liveness");
		}
	}
	return same;
}

/* Compares function i of object o (package pk) with the host's. */
static int diff_func(fixer *f, const pkginfo *pk, const gl_goobj *o, uint32_t i)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	char name[1024];
	if (s.namelen + 6 >= sizeof name)
		return 0;
	memcpy(name, s.name, s.namelen);
	name[s.namelen] = 0;
	gl_gobin_sym hsv;
	const gl_gobin_sym *hs = NULL;
	if (s.abi == 0) {
		char n0[1040];
		snprintf(n0, sizeof n0, "%s.abi0", name);
		if (gl_gobin_sym_lookup(f->g, n0, strlen(n0), &hsv))
			hs = &hsv;
	}
	if (!hs && gl_gobin_sym_lookup(f->g, name, s.namelen, &hsv))
		hs = &hsv;
	if ((!hs || (hs->kind != 'T' && hs->kind != 't')) && f->probe)
		return 0;
	if (!hs || (hs->kind != 'T' && hs->kind != 't')) {
		/* a user's init, pkg.init.N (pkg.init, of the variables'
		 * initializers, may be missing from an unchanged host: Go 1.21's
		 * linker drops it when the inittask does not need it) */
		const char *tail = name + strlen(pk->prefix) + 5;
		if (is_init(name, s.namelen, strlen(pk->prefix)) && *tail && tail[1] &&
		    strspn(tail + 1, "0123456789") == strlen(tail + 1))
			refuse(f, "%s: a new package initializer (init) would not run in the running program: restart to apply it",
			       name);
		char *c = strdup(name);
		if (c && !GL_VEC_PUSH(&f->fresh, c))
			free(c);
		return 0;
	}
	f->ncompared++;
	gl_gobin_func hf;
	goload_err e = {0};
	if (gl_gobin_func_for_pc(f->g, hs->addr, &hf, &e) < 0 || hf.entry != hs->addr)
		return 0;
	/* Callers outside the rebuilt packages still pass the old arguments. */
	gl_goobj_funcinfo fi;
	if (gl_goobj_funcinfo_get(o, i, &fi, &e) == 0 && (int32_t)fi.args != hf.args)
		refuse(f, "%s: changed signature: it takes %u bytes of arguments and results, the running one %d", name, fi.args,
		       hf.args);
	gl_span d = gl_goobj_data(o, i);
	uint64_t hsize = hs->source == GL_SYMSRC_SYMTAB && hs->size ? hs->size : hf.end - hf.entry;
	const uint8_t *hp = gl_gobin_va(f->g, hs->addr, hsize);
	char why[1200] = "";
	bool same = hp && d.n <= hsize;
	if (!same && hp)
		snprintf(why, sizeof why, "%zu bytes of code, were %" PRIu64, (size_t)d.n, hsize);
	/* past the object's bytes, the host has only alignment padding */
	for (uint64_t k = d.n; same && k < hsize; k++)
		if (hp[k] != 0xcc) {
			same = false;
			snprintf(why, sizeof why, "%zu bytes of code, were more", (size_t)d.n);
		}
	/* Relocated bytes are masked; the first other byte that differs ends
	 * the prefix both codes share (where relocation sites still match). */
	uint8_t *mask = hp ? calloc(d.n ? d.n : 1, 1) : NULL;
	if (hp && !mask)
		return gl_err(&e, GOLOAD_E_NOMEM, "out of memory");
	uint32_t first, nr = mask ? gl_goobj_relocs(o, i, &first) : 0;
	for (uint32_t j = 0; j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > d.n)
			continue;
		memset(mask + r.off, 1, r.siz);
		if (r.type == GL_R_GOTPCREL && r.off >= 2)
			mask[r.off - 2] = 1; /* MOVQ may be relaxed to LEAQ by the linker */
		if (r.type == GL_R_TLS_IE && r.off >= 3)
			memset(mask + r.off - 3, 1, 3); /* relaxed to the local-exec form */
	}
	uint64_t shared = mask ? (d.n < hsize ? d.n : hsize) : 0;
	for (uint64_t k = 0; k < shared; k++)
		if (!mask[k] && d.p[k] != hp[k]) {
			if (same)
				snprintf(why, sizeof why, "code differs at +%#" PRIx64, k);
			same = false;
			shared = k;
		}
	/* Every target named in the shared prefix; the variables' addresses
	 * found there are the running ones (a stripped host names none).
	 * Past it the host's bytes hold other instructions: the agent's link
	 * checks the types referenced there against the host's. */
	for (uint32_t j = 0; j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > shared)
			continue;
		if (!same_target(f, o, &r, hs->addr + (uint64_t)r.off, why, sizeof why, false)) {
			same = false;
			break;
		}
	}
	free(mask);
	/* Same code, other stack maps: the GC would read the running ones. */
	if (same && !f->probe && !same_gc_meta(f, o, i, &hf, why, sizeof why))
		same = false;
	for (size_t k = 0; k < f->pending.len; k++)
		if (f->probe || !GL_VEC_PUSH(&f->vars, f->pending.v[k]))
			free((char *)f->pending.v[k].name);
	f->pending.len = 0;
	if (same)
		return 0;
	if (f->probe) {
		probe_differs(f, "%s (%s)", name, why);
		return 0;
	}
	if (f->verbose)
		fprintf(stderr, "goload %s: %s changed: %s\n", f->cmd, name, why);
	size_t pl = strlen(pk->prefix);
	if (is_runtime_pkg(pk->path))
		refuse(f, "%s: a change inside the runtime (%s) cannot be applied to a running program", name, why);
	else if (is_init(name, s.namelen, pl))
		refuse(f, "%s: a changed package initializer (init) already ran: restart to apply it (%s)", name, why);
	char *c = strdup(name);
	if (c && !GL_VEC_PUSH(&f->changed, c))
		free(c);
	return 0;
}

/* A variable or type of the package compared with the host's: size, and
 * for a variable with static data, its initial value. */
static void diff_data(fixer *f, const gl_goobj *o, uint32_t i)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	size_t hl;
	if (!s.namelen || s.abi > 1 || gl_goobj_hash(o, i, &hl))
		return;
	char name[1024];
	if (s.namelen >= sizeof name)
		return;
	memcpy(name, s.name, s.namelen);
	name[s.namelen] = 0;
	gl_gobin_sym hsv;
	const gl_gobin_sym *hs = gl_gobin_sym_lookup(f->g, name, s.namelen, &hsv) ? &hsv : NULL;
	if (!hs || hs->source == GL_SYMSRC_PCLNTAB)
		return; /* new, dropped by the host's linker, or a stripped host */
	bool type = s.namelen > 5 && !memcmp(name, "type:", 5);
	gl_span d = gl_goobj_data(o, i);
	if (type) {
		gl_gobin_type t;
		goload_err e = {0};
		uint64_t sz, pd;
		if (d.n < 16 || gl_gobin_type_at(f->g, hs->addr, &t, &e) < 0)
			return;
		memcpy(&sz, d.p, 8);
		memcpy(&pd, d.p + 8, 8);
		bool existed;
		if ((sz != t.size || pd != t.ptrdata) && !gl_strmap_get(&f->layouts, name, strlen(name), NULL))
			gl_strmap_add(&f->layouts, strdup(name), strlen(name), 1, &existed);
		else
			return;
		if (sz != t.size || pd != t.ptrdata)
			refuse(f, "%s: changed layout of an existing type: %" PRIu64 " bytes (%" PRIu64 " with pointers), the running one %" PRIu64
				  " (%" PRIu64 ")",
			       name + 5, sz, pd, t.size, t.ptrdata);
		return;
	}
	if (hs->size && hs->size != s.size) {
		refuse(f, "%s: a package-level variable of %u bytes, the running one has %" PRIu64 ": changed type", name, s.size,
		       hs->size);
		return;
	}
	bool odata = s.kind == GL_SK_DATA || s.kind == GL_SK_NOPTRDATA;
	bool hdata = hs->kind == 'D' || hs->kind == 'd';
	if ((!odata && !hdata) || f->cur_orig)
		return; /* with the original objects, fix_compare_originals compares them */
	/* The executable's bytes are the variable's initial value. */
	const uint8_t *hp = hdata ? gl_gobin_va(f->g, hs->addr, s.size) : NULL;
	bool same = odata == hdata && hp;
	uint32_t first, nr = same ? gl_goobj_relocs(o, i, &first) : 0;
	uint8_t *mask = calloc(s.size ? s.size : 1, 1);
	char why[1200] = "";
	for (uint32_t j = 0; same && mask && j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > s.size)
			continue;
		memset(mask + r.off, 1, r.siz);
		if (!same_target(f, o, &r, hs->addr + (uint64_t)r.off, why, sizeof why, false))
			same = false;
	}
	for (size_t k = 0; same && mask && k < s.size; k++)
		if (!mask[k] && (k < d.n ? d.p[k] : 0) != hp[k])
			same = false;
	free(mask);
	if (!same)
		refuse(f, "%s: changed initializer of an existing package-level variable (the running program's value is kept; restart to apply it)",
		       name);
}

int fix_diff_package(fixer *f, const pkginfo *pk)
{
	gl_goobj_archive *ar;
	goload_err e = {0};
	if (gl_goobj_archive_open_path(pk->archive, &ar, &e) < 0)
		return cmd_fail(f->cmd, &e);
	size_t pl = strlen(pk->prefix);
	for (size_t m = 0; m < gl_goobj_archive_nmembers(ar); m++) {
		if (gl_goobj_archive_member(ar, m)->kind != GL_GOOBJ_M_GO)
			continue;
		gl_goobj *o;
		if (gl_goobj_archive_open_member(ar, m, &o, &e) < 0) {
			gl_goobj_archive_close(ar);
			return cmd_fail(f->cmd, &e);
		}
		uint32_t nd = gl_goobj_ndefs(o);
		for (uint32_t i = 0; i < nd; i++) {
			gl_goobj_sym s = gl_goobj_sym_at(o, i);
			/* the package's own symbols: "prefix.X" (and type:prefix.X) */
			const char *nm = s.name;
			size_t n = s.namelen;
			if (n > 5 && !memcmp(nm, "type:", 5)) {
				nm += 5;
				n -= 5;
			}
			if (n <= pl || memcmp(nm, pk->prefix, pl) || nm[pl] != '.')
				continue;
			if (f->probe && f->probe_diff)
				break;
			if (s.kind == GL_SK_TEXT) {
				if (s.abi <= 1 && !(s.flags & GL_SF_DUPOK) && diff_func(f, pk, o, i) < 0)
					break;
			} else if (!f->probe && (s.kind == GL_SK_DATA || s.kind == GL_SK_NOPTRDATA || s.kind == GL_SK_BSS ||
						 s.kind == GL_SK_NOPTRBSS || (nm != s.name && s.kind == GL_SK_RODATA)))
				diff_data(f, o, i); /* a probe: the linker writes some variables (-X, runtime.buildVersion) */
		}
		gl_goobj_close(o);
	}
	gl_goobj_archive_close(ar);
	return 0;
}

/* A function changed, or one the host lacks out of line (dropped by its
 * linker, or new), inlined into a function of a package that was not
 * rebuilt: that caller still runs the old copy. */
void fix_check_inlined(fixer *f, const char *name)
{
	gl_buf b = {0};
	size_t n = 0;
	goload_err e = {0};
	int rc = gl_patch_inl_index_callers(f->inl, f->g, name, &b, &n, &e);
	if (f->verbose)
		fprintf(stderr, "goload %s: %s: %zu inlined copies%s%s\n", f->cmd, name, n, rc < 0 ? ": " : "", rc < 0 ? e.msg : "");
	if (rc < 0 || !n) {
		gl_buf_free(&b);
		return;
	}
	/* "F (file:line), G (file:line)" */
	for (char *c = (char *)b.p; c && *c;) {
		char *next = strstr(c, "), ");
		if (next) {
			next[1] = 0;
			next += 3;
		}
		char *paren = strstr(c, " (");
		size_t cl = paren ? (size_t)(paren - c) : strlen(c);
		char pkg[1024];
		char cn[1024];
		snprintf(cn, sizeof cn, "%.*s", (int)cl, c);
		size_t pkl = gl_gobin_func_pkg(cn, pkg, sizeof pkg);
		uint64_t v;
		if (!pkl || !gl_strmap_get(&f->rebuilt, pkg, strlen(pkg), &v))
			refuse(f, "%s is inlined into %s, of package %s, which was not rebuilt: add it to PACKAGES", name, c,
			       pkl ? pkg : "?");
		c = next;
	}
	gl_buf_free(&b);
}
