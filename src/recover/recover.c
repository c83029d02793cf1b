#include "recover/recover.h"

#include "goobj/goobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct pkgobj {
	char *pkg;
	gl_goobj_archive *a;
	GL_VEC(gl_goobj *) objs; /* objs.v[0] is _go_.o when the package has Go code */
	gl_goobj *main;          /* the compiler's object: package refs index it */
} pkgobj;

/* One object definition; defs with the same name chain through next. */
typedef struct def {
	uint32_t pkg, obj, local, next;
} def;

#define NONE UINT32_MAX

typedef struct vote {
	const char *name; /* borrowed from an object until the end of run */
	uint32_t namelen;
	uint64_t addr, other, size;
	uint32_t votes;
	char kind;
	bool conflict;
	const gl_goobj *dobj; /* the definition, for following its pointers */
	uint32_t dlocal;
	bool followed;
} vote;

struct gl_recover {
	GL_VEC(pkgobj) pkgs;
	gl_strmap bypkg; /* pkg -> index in pkgs */
	GL_VEC(def) defs;
	gl_strmap byname; /* def name -> first index in defs */
	GL_VEC(vote) votes;
	gl_strmap vidx;   /* name -> index in votes */
	gl_recover_sym *syms;
	size_t nsyms;
	gl_strmap symidx;
	const gl_gobin *host;
	int64_t tls_g;     /* %fs offset of runtime.g from TLS sites */
	uint32_t tls_votes;
	bool tls_conflict;
	gl_recover_stats st;
	bool ran;
};

int gl_recover_new(gl_recover **out, goload_err *err)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
}

void gl_recover_close(gl_recover *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->pkgs.len; i++) {
		pkgobj *p = &r->pkgs.v[i];
		for (size_t k = 0; k < p->objs.len; k++)
			gl_goobj_close(p->objs.v[k]);
		GL_VEC_FREE(&p->objs);
		gl_goobj_archive_close(p->a);
		free(p->pkg);
	}
	GL_VEC_FREE(&r->pkgs);
	GL_VEC_FREE(&r->defs);
	GL_VEC_FREE(&r->votes);
	for (size_t i = 0; i < r->nsyms; i++)
		free((char *)r->syms[i].name);
	free(r->syms);
	gl_strmap_free(&r->bypkg);
	gl_strmap_free(&r->byname);
	gl_strmap_free(&r->vidx);
	gl_strmap_free(&r->symidx);
	free(r);
}

int gl_recover_add(gl_recover *r, const char *pkg, size_t pkglen, const char *file, goload_err *err)
{
	if (r->ran)
		return gl_err(err, GOLOAD_E_INVAL, "recover: archives must be added before the run");
	pkgobj p = {0};
	if (!(p.pkg = strndup(pkg, pkglen)))
		return gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
	int rc = gl_goobj_archive_open_path(file, &p.a, err);
	for (size_t i = 0; !rc && i < gl_goobj_archive_nmembers(p.a); i++) {
		const gl_goobj_member *m = gl_goobj_archive_member(p.a, i);
		if (m->kind != GL_GOOBJ_M_GO)
			continue;
		gl_goobj *o;
		rc = gl_goobj_archive_open_member(p.a, i, &o, err);
		if (rc)
			break;
		if (!GL_VEC_PUSH(&p.objs, o)) {
			gl_goobj_close(o);
			rc = gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
			break;
		}
		/* Package-indexed refs name SymbolDefs of the compiler's object. */
		if (!p.main || !strcmp(m->name, "_go_.o"))
			p.main = o;
	}
	if (!rc && (!GL_VEC_PUSH(&r->pkgs, p) || !gl_strmap_put(&r->bypkg, p.pkg, pkglen, r->pkgs.len - 1)))
		rc = gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
	if (rc) {
		for (size_t k = 0; k < p.objs.len; k++)
			gl_goobj_close(p.objs.v[k]);
		GL_VEC_FREE(&p.objs);
		gl_goobj_archive_close(p.a);
		free(p.pkg);
		return gl_err_prefix(err, "recover: package %.*s", (int)pkglen, pkg);
	}
	r->st.packages++;
	r->st.objects += p.objs.len;
	return 0;
}

int gl_recover_importcfg_text(gl_recover *r, const char *text, size_t len, const char *what, goload_err *err)
{
	static const char kw[] = "packagefile ";
	size_t lineno = 0;
	int rc = 0;
	for (size_t pos = 0; !rc && pos < len; lineno++) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + 1;
		if (n < sizeof kw || memcmp(l, kw, sizeof kw - 1))
			continue;
		const char *k = l + sizeof kw - 1, *eq = memchr(k, '=', n - (sizeof kw - 1));
		char *file = eq && eq > k ? strndup(eq + 1, (size_t)(l + n - eq - 1)) : NULL;
		if (!file)
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s:%zu: expected \"packagefile PATH=FILE\"", what, lineno + 1);
		else
			rc = gl_recover_add(r, k, (size_t)(eq - k), file, err);
		free(file);
	}
	return rc;
}

int gl_recover_importcfg(gl_recover *r, const char *path, goload_err *err)
{
	gl_buf b = {0};
	int rc = gl_read_all(path, &b, err);
	if (!rc)
		rc = gl_recover_importcfg_text(r, (const char *)b.p, b.len, path, err);
	gl_buf_free(&b);
	return rc;
}

/* ---------------------------------------------------------------- index */

static bool is_text(int kind) { return kind == GL_SK_TEXT || kind == GL_SK_TEXTFIPS; }

static int index_defs(gl_recover *r, goload_err *err)
{
	for (uint32_t pi = 0; pi < r->pkgs.len; pi++) {
		pkgobj *p = &r->pkgs.v[pi];
		for (uint32_t oi = 0; oi < p->objs.len; oi++) {
			const gl_goobj *o = p->objs.v[oi];
			uint32_t nd = gl_goobj_ndefs(o);
			for (uint32_t i = 0; i < nd; i++) {
				gl_goobj_sym s = gl_goobj_sym_at(o, i);
				/* File-local names repeat across objects: only functions,
				 * which the bytes tell apart, are matched by them. */
				if (!s.namelen || (s.abi == GL_GOOBJ_ABI_STATIC && !is_text(s.kind)))
					continue;
				def d = {pi, oi, i, NONE};
				uint64_t head;
				if (gl_strmap_get(&r->byname, s.name, s.namelen, &head))
					d.next = (uint32_t)head;
				if (!GL_VEC_PUSH(&r->defs, d) ||
				    !gl_strmap_put(&r->byname, s.name, s.namelen, r->defs.len - 1))
					return gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory indexing symbols");
			}
		}
	}
	return 0;
}

static const gl_goobj *def_obj(const gl_recover *r, const def *d) { return r->pkgs.v[d->pkg].objs.v[d->obj]; }

static const gl_goobj *dep_main(void *ctx, const char *pkg, size_t n, goload_err *err)
{
	gl_recover *r = ctx;
	uint64_t i;
	if (!gl_strmap_get(&r->bypkg, pkg, n, &i) || !r->pkgs.v[i].main) {
		gl_err(err, GOLOAD_E_NOTFOUND, "recover: package %.*s is not among the archives", (int)n, pkg);
		return NULL;
	}
	return r->pkgs.v[i].main;
}

/* ---------------------------------------------------------------- votes */

static char kind_char(int k)
{
	switch (k) {
	case GL_SK_BSS:
	case GL_SK_NOPTRBSS:
	case GL_SK_TLSBSS:
		return 'B';
	case GL_SK_RODATA:
	case GL_SK_RODATAFIPS:
		return 'R';
	case GL_SK_DATA:
	case GL_SK_NOPTRDATA:
	case GL_SK_DATAFIPS:
		return 'D';
	default:
		return '?';
	}
}

/* The definition that says what a target is: the object's own def for a
 * local ref, else the first indexed def of that name. */
static bool target_def(const gl_recover *r, const gl_goobj *o, gl_goobj_ref ref, const gl_goobj_symname *nm,
		       const gl_goobj **dobj, uint32_t *dlocal)
{
	uint32_t local;
	if (gl_goobj_ref_local(o, ref, &local) && local < gl_goobj_ndefs(o)) {
		*dobj = o;
		*dlocal = local;
		return true;
	}
	uint64_t head;
	if (!gl_strmap_get(&r->byname, nm->name, nm->namelen, &head))
		return false;
	const def *d = &r->defs.v[head];
	*dobj = def_obj(r, d);
	*dlocal = d->local;
	return true;
}

static int add_vote(gl_recover *r, const char *name, uint32_t namelen, uint64_t addr, const gl_goobj *dobj,
		    uint32_t dlocal, goload_err *err)
{
	uint64_t i;
	if (gl_strmap_get(&r->vidx, name, namelen, &i)) {
		vote *v = &r->votes.v[i];
		if (v->addr == addr) {
			v->votes++;
		} else if (!v->conflict) {
			v->conflict = true;
			v->other = addr;
		}
		return 0;
	}
	vote v = {.name = name, .namelen = namelen, .addr = addr, .votes = 1, .kind = '?', .dobj = dobj,
		  .dlocal = dlocal};
	if (dobj) {
		gl_goobj_sym s = gl_goobj_sym_at(dobj, dlocal);
		v.kind = kind_char(s.kind);
		v.size = s.size;
	}
	if (!GL_VEC_PUSH(&r->votes, v) || !gl_strmap_put(&r->vidx, name, namelen, r->votes.len - 1))
		return gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
	return 0;
}

/* True when addr is the entry of a host function of that name. */
static bool is_host_func(const gl_recover *r, const char *name, uint32_t n, uint64_t addr)
{
	gl_gobin_func f;
	goload_err e = {0};
	if (gl_gobin_func_for_pc(r->host, addr, &f, &e) || f.entry != addr)
		return false;
	return strlen(f.name) == n && !memcmp(f.name, name, n);
}

/* A thread-local site of runtime.g (the compiler's TLS relocations name
 * runtime.tlsg or nothing): local-exec fields hold the %fs offset plus A; initial-exec ones either were rewritten to local-exec (MOVQ
 * $off: opcode 0xc7) or load it from a GOT word, which an externally
 * linked PIE leaves 0 for the dynamic linker (no vote). */
static void tls_site(gl_recover *r, const gl_goobj_reloc *rl, uint64_t base, gl_span host)
{
	uint32_t field;
	uint8_t op;
	if (rl->siz != 4 || !gl_u32_at(host, (uint64_t)rl->off, &field))
		return;
	/* cmd/link: LE field = Tlsoffset + A (internal) or tpoff(tlsg) + A
	 * (external); IE rewritten to LE = Tlsoffset. */
	int64_t off = (int32_t)field;
	if (rl->type == GL_R_TLS_LE)
		off -= rl->add;
	if (rl->type == GL_R_TLS_IE) {
		if (rl->off < 2 || !gl_u8_at(host, (uint64_t)rl->off - 2, &op))
			return;
		if (op != 0xc7) {
			uint64_t got = base + (uint64_t)rl->off + 4 + (uint64_t)off, w;
			gl_span slot = gl_gobin_va_span(r->host, got, 8);
			if (!gl_u64_at(slot, 0, &w) || !w)
				return;
			off = (int64_t)w;
		}
	}
	if (r->tls_votes && r->tls_g != off)
		r->tls_conflict = true;
	else
		r->tls_g = off;
	r->tls_votes++;
}

/* Decode relocation j of def `local` placed at host address `base` (bytes
 * `host`); counts it as a text check or a data vote. */
static int site(gl_recover *r, const gl_goobj *o, uint32_t j, uint64_t base, gl_span host, bool from_data,
		goload_err *err)
{
	gl_goobj_reloc rl = gl_goobj_reloc_at(o, j);
	if ((rl.type == GL_R_TLS_LE || rl.type == GL_R_TLS_IE) && rl.off >= 0 && !from_data) {
		tls_site(r, &rl, base, host);
		return 0;
	}
	if (rl.weak || gl_goobj_ref_is_nil(rl.sym) || rl.off < 0)
		return 0;
	uint64_t addr;
	if ((rl.type == GL_R_PCREL || rl.type == GL_R_CALL) && rl.siz == 4 && !from_data) {
		uint32_t d;
		if (!gl_u32_at(host, (uint64_t)rl.off, &d))
			return 0;
		addr = base + (uint64_t)rl.off + 4 + (uint64_t)(int64_t)(int32_t)d - (uint64_t)rl.add;
	} else if (rl.type == GL_R_ADDR && rl.siz == 8) {
		uint64_t w;
		if (!gl_u64_at(host, (uint64_t)rl.off, &w) || !w)
			return 0;
		addr = w - (uint64_t)rl.add;
	} else {
		return 0;
	}
	gl_goobj_resolver res = {dep_main, r};
	gl_goobj_symname nm;
	goload_err e = {0};
	if (gl_goobj_ref_name(o, rl.sym, &res, &nm, &e) || !nm.namelen) {
		r->st.unresolved++;
		return 0;
	}
	r->st.sites++;
	const gl_goobj *dobj = NULL;
	uint32_t dlocal = 0;
	bool known = target_def(r, o, rl.sym, &nm, &dobj, &dlocal);
	if (known ? is_text(gl_goobj_sym_at(dobj, dlocal).kind) : is_host_func(r, nm.name, nm.namelen, addr)) {
		if (is_host_func(r, nm.name, nm.namelen, addr))
			r->st.text_ok++;
		else
			r->st.text_bad++;
		return 0;
	}
	if (known && gl_goobj_sym_at(dobj, dlocal).abi == GL_GOOBJ_ABI_STATIC)
		return 0; /* file-local: its name is not unique */
	r->st.data_sites++;
	if (from_data)
		r->st.from_data++;
	return add_vote(r, nm.name, nm.namelen, addr, dobj, dlocal, err);
}

/* Instruction bytes before a relocation field that cmd/link may rewrite
 * (amd64 asm.go): initial-exec TLS becomes local-exec in an internally
 * linked PIE (REX, opcode, ModRM: MOVQ x@GOTTPOFF(IP) -> MOVQ $x), and a
 * GOT load of a local symbol becomes LEAQ (opcode, ModRM). */
static size_t rewritten_before(int type)
{
	return type == GL_R_TLS_IE ? 3 : type == GL_R_GOTPCREL ? 2 : 0;
}

/* The object's bytes equal the host's outside relocation fields. */
static bool same_code(const gl_goobj *o, uint32_t local, gl_span host)
{
	gl_span code = gl_goobj_data(o, local);
	if (code.n > host.n)
		return false;
	uint32_t first, n = gl_goobj_relocs(o, local, &first);
	size_t pos = 0;
	/* Relocations are sorted by offset (the compiler's order). */
	for (uint32_t k = 0; k <= n; k++) {
		size_t end = code.n, next = code.n;
		if (k < n) {
			gl_goobj_reloc rl = gl_goobj_reloc_at(o, first + k);
			if (rl.off < 0 || (size_t)rl.off > code.n)
				return false;
			size_t pre = rewritten_before(rl.type);
			end = (size_t)rl.off > pre ? (size_t)rl.off - pre : 0;
			next = (size_t)rl.off + rl.siz;
		}
		if (end < pos) /* unsorted or overlapping: compare what is left */
			end = pos;
		if (memcmp(code.p + pos, host.p + pos, end - pos))
			return false;
		if (next > pos)
			pos = next < code.n ? next : code.n;
	}
	return true;
}

static int match_func(gl_recover *r, const gl_gobin_func *f, goload_err *err)
{
	uint64_t head, size;
	if (!gl_strmap_get(&r->byname, f->name, strlen(f->name), &head)) {
		r->st.no_def++;
		return 0;
	}
	if (gl_gobin_func_size(r->host, f, &size, err))
		return gl_err_prefix(err, "recover");
	gl_span host = gl_gobin_va_span(r->host, f->entry, f->end - f->entry);
	bool mismatch = false;
	for (uint32_t di = (uint32_t)head; di != NONE; di = r->defs.v[di].next) {
		const def *d = &r->defs.v[di];
		const gl_goobj *o = def_obj(r, d);
		gl_goobj_sym s = gl_goobj_sym_at(o, d->local);
		if (!is_text(s.kind) || s.size != size)
			continue;
		if (!same_code(o, d->local, host)) {
			mismatch = true;
			continue;
		}
		r->st.matched++;
		uint32_t first, n = gl_goobj_relocs(o, d->local, &first);
		for (uint32_t k = 0; k < n; k++) {
			int rc = site(r, o, first + k, f->entry, host, false, err);
			if (rc)
				return rc;
		}
		return 0;
	}
	if (mismatch)
		r->st.byte_mismatch++;
	else
		r->st.no_def++;
	return 0;
}

/* A recovered data symbol whose definition has content equal to the host's
 * (outside its pointers) gives its pointer words as votes. A PIE's words
 * left 0 for the dynamic linker read as their link-time values (gobin
 * applies RELATIVE relocations); words still 0 give no vote. */
static int follow_data(gl_recover *r, goload_err *err)
{
	for (size_t i = 0; i < r->votes.len; i++) {
		vote v = r->votes.v[i];
		if (v.followed || v.conflict || !v.dobj)
			continue;
		r->votes.v[i].followed = true;
		gl_span content = gl_goobj_data(v.dobj, v.dlocal);
		if (!content.n)
			continue;
		gl_span host = gl_gobin_va_span(r->host, v.addr, content.n);
		if (host.n != content.n || !same_code(v.dobj, v.dlocal, host))
			continue;
		uint32_t first, n = gl_goobj_relocs(v.dobj, v.dlocal, &first);
		for (uint32_t k = 0; k < n; k++) {
			int rc = site(r, v.dobj, first + k, v.addr, host, true, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* runtime.lastmoduledatap is made by the linker (ld/symtab.go) as one
 * word holding &runtime.firstmoduledata, and code that uses it
 * (addmoduledata, for plugins) is often dead in an executable. The
 * moduledata is known without symbols (gobin), so the word is the one
 * place in writable data that holds its address; only a unique hit counts. */
static int md_pointer(gl_recover *r, goload_err *err)
{
	static const char name[] = "runtime.lastmoduledatap";
	const gl_elf *e = gl_gobin_elf(r->host);
	uint64_t md = gl_gobin_get_info(r->host)->md_va, hit = 0;
	size_t hits = 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		const gl_elf_seg *sg = &e->segs[i];
		if (sg->type != 1 /* PT_LOAD */ || !(sg->flags & 2 /* PF_W */))
			continue;
		gl_span d = gl_gobin_va_span(r->host, sg->vaddr, sg->filesz);
		for (uint64_t off = 0; off + 8 <= d.n; off += 8) {
			uint64_t w;
			if (gl_u64_at(d, off, &w) && w == md) {
				hits++;
				hit = sg->vaddr + off;
			}
		}
	}
	if (hits != 1)
		return 0;
	uint64_t i;
	bool had = gl_strmap_get(&r->vidx, name, sizeof name - 1, &i);
	int rc = add_vote(r, name, sizeof name - 1, hit, NULL, 0, err);
	if (!rc && !had)
		r->votes.v[r->votes.len - 1].kind = 'D';
	return rc;
}

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(((const gl_recover_sym *)a)->name, ((const gl_recover_sym *)b)->name);
}

/* Copy the names out: results outlive nothing but the gl_recover. */
static int finish(gl_recover *r, goload_err *err)
{
	r->syms = calloc(r->votes.len ? r->votes.len : 1, sizeof *r->syms);
	if (!r->syms)
		return gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
	for (size_t i = 0; i < r->votes.len; i++) {
		const vote *v = &r->votes.v[i];
		gl_recover_sym s = {.addr = v->addr, .size = v->size, .kind = v->kind, .votes = v->votes,
				    .conflict = v->conflict, .other = v->other};
		/* The definition's bytes at the address: the check for names the
		 * host's symtab would not list anyway (go:string.*, type:*). */
		gl_span content = v->dobj ? gl_goobj_data(v->dobj, v->dlocal) : (gl_span){0};
		if (content.n && !v->conflict) {
			gl_span host = gl_gobin_va_span(r->host, v->addr, content.n);
			s.content_differs = host.n != content.n || !same_code(v->dobj, v->dlocal, host);
			if (s.content_differs)
				r->st.content_bad++;
			else
				r->st.content_ok++;
		}
		if (!(s.name = strndup(v->name, v->namelen)))
			return gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
		r->syms[r->nsyms++] = s;
		if (v->conflict)
			r->st.conflicts++;
		else
			r->st.recovered++;
	}
	qsort(r->syms, r->nsyms, sizeof *r->syms, cmp_sym);
	for (size_t i = 0; i < r->nsyms; i++)
		if (!gl_strmap_put(&r->symidx, r->syms[i].name, strlen(r->syms[i].name), i))
			return gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
	return 0;
}

int gl_recover_run(gl_recover *r, const gl_gobin *host, goload_err *err)
{
	if (r->ran)
		return gl_err(err, GOLOAD_E_INVAL, "recover: already run");
	r->ran = true;
	r->host = host;
	const gl_gobin_info *in = gl_gobin_get_info(host);
	if (strcmp(in->goarch, "amd64"))
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "recover %s: %s: only amd64 code is decoded", in->what,
			      in->goarch);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = index_defs(r, err);
	size_t nf = gl_gobin_nfuncs(host);
	r->st.host_funcs = nf;
	for (size_t i = 0; !rc && i < nf; i++) {
		gl_gobin_func f;
		rc = gl_gobin_func_at(host, i, &f, err);
		if (!rc)
			rc = match_func(r, &f, err);
	}
	if (!rc)
		rc = follow_data(r, err);
	if (!rc && in->md_va)
		rc = md_pointer(r, err);
	if (!rc)
		rc = finish(r, err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->st.seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return rc;
}

size_t gl_recover_nsyms(const gl_recover *r) { return r->nsyms; }

int gl_recover_tls_g(const gl_recover *r, int32_t *off, goload_err *err)
{
	*off = 0; /* set on failure too: callers' compilers see it set */
	if (!r->tls_votes || r->tls_conflict)
		return gl_err(err, GOLOAD_E_NOTFOUND, "recover %s: %s", gl_gobin_get_info(r->host)->what,
			      r->tls_conflict ? "the thread-local sites of runtime.g disagree"
					      : "no thread-local site of runtime.g in the matched code");
	*off = (int32_t)r->tls_g;
	return 0;
}
const gl_recover_sym *gl_recover_sym_at(const gl_recover *r, size_t i) { return i < r->nsyms ? &r->syms[i] : NULL; }
const gl_recover_stats *gl_recover_get_stats(const gl_recover *r) { return &r->st; }

const gl_recover_sym *gl_recover_lookup(const gl_recover *r, const char *name, size_t len)
{
	uint64_t i;
	return gl_strmap_get(&r->symidx, name, len, &i) ? &r->syms[i] : NULL;
}

int gl_recover_host_syms(const gl_recover *r, const gl_gobin *host, gl_elf_sym **syms, size_t *n,
			 goload_err *err)
{
	size_t nf = gl_gobin_nfuncs(host), k = 0;
	gl_elf_sym *v = calloc(nf + r->nsyms + 1, sizeof *v);
	if (!v)
		return gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
	for (size_t i = 0; i < nf; i++) {
		gl_gobin_func f;
		uint64_t size;
		int rc = gl_gobin_func_at(host, i, &f, err);
		if (!rc)
			rc = gl_gobin_func_size(host, &f, &size, err);
		if (rc) {
			free(v);
			return rc;
		}
		v[k++] = (gl_elf_sym){.name = f.name, .value = f.entry, .size = size, .type = GL_STT_FUNC, .bind = 1};
	}
	for (size_t i = 0; i < r->nsyms; i++)
		if (!r->syms[i].conflict)
			v[k++] = (gl_elf_sym){.name = r->syms[i].name, .value = r->syms[i].addr,
					      .size = r->syms[i].size, .type = GL_STT_OBJECT, .bind = 1};
	*syms = v;
	*n = k;
	return 0;
}

/* Symbol names carry objabi.PathToPrefix's escaping ("v1%2e0%2e0" for a
 * last element "v1.0.0"); go list wants the import path. */
static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool unescape_path(gl_buf *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = p[i] == '%' && i + 2 < n ? hexval(p[i + 1]) : -1, lo = hi >= 0 ? hexval(p[i + 2]) : -1;
		if (!gl_buf_u8(out, lo >= 0 ? (uint8_t)(hi << 4 | lo) : (uint8_t)p[i]))
			return false;
		if (lo >= 0)
			i += 2;
	}
	return gl_buf_u8(out, '\n');
}

int gl_recover_packages(const gl_gobin *host, gl_buf *out, size_t *n, goload_err *err)
{
	gl_strmap seen = {0};
	size_t nf = gl_gobin_nfuncs(host);
	int rc = 0;
	*n = 0;
	for (size_t i = 0; !rc && i < nf; i++) {
		gl_gobin_func f;
		rc = gl_gobin_func_at(host, i, &f, err);
		size_t len = rc ? 0 : gl_gobin_func_pkg(f.name, NULL, 0);
		/* Not importable: main, linker-made "type:"/"go:" names, and Go
		 * 1.27's "_.goready.func1"-style closures. */
		if (!len || memchr(f.name, ':', len) || f.name[0] == '_' || (len == 4 && !memcmp(f.name, "main", 4)))
			continue;
		bool existed;
		if (!gl_strmap_add(&seen, f.name, len, 0, &existed))
			rc = gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
		else if (!existed && !unescape_path(out, f.name, len))
			rc = gl_err(err, GOLOAD_E_NOMEM, "recover: out of memory");
		else
			*n += !existed;
	}
	gl_strmap_free(&seen);
	return rc;
}
