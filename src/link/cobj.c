/*
 * cobj: the native (ELF) objects of cgo packages, linked with the Go code.
 *
 * A cgo package's archive holds its Go object (_go_.o) and ELF relocatable
 * objects compiled by the C compiler (_x001.o: _cgo_export.c, the others the
 * package's preamble and .c files). Their allocated sections go into three
 * areas of the module's mapping, outside every range the Go runtime reads
 * as Go code or data (as an external link puts C code beside Go's):
 *   text  after the Go text, before the rodata page      (r-x)
 *   ro    after the pclntab: .rodata*, .data.rel.ro, the GOT and the TLS
 *         index pairs, all filled before the protect       (r--)
 *   rw    after noptrbss: .data, .bss, COMMON, .init_array, .fini_array (rw-)
 * Their global definitions are link symbols (host-like: resolved, placed by
 * cobj_place) named with ABI0, so the Go object's placeholders for them
 * (cgo_import_static variables, content-less one-byte BSS) resolve to the
 * C definitions, as cmd/link's host-object loader does.
 *
 * Undefined C symbols resolve, in order, to: the package's C objects, the
 * module's Go symbols (_cgoexp_* callbacks), the host's symbols (crosscall2,
 * _cgo_topofstack, ... of runtime/cgo, which every goload host has), the
 * process's libraries (dlsym RTLD_DEFAULT), then the libraries the
 * package's cgo directives name (cgo_import_dynamic, -l of cgo_ldflag),
 * dlopen'd on first need and kept with the module.
 *
 * Thread-local C variables: a loaded module cannot grow the process's
 * static TLS block, so the local-exec and initial-exec models (TPOFF32,
 * GOTTPOFF) are refused naming the variable. The dynamic models that -fPIC
 * code uses (TLSGD, TLSLD + DTPOFF32: a tls_index pair passed to
 * __tls_get_addr) are exact: the pair names this module's TLS block, and
 * __tls_get_addr resolves to cobj_tls_get_addr, which gives each thread
 * its own copy of .tdata/.tbss (a pthread key; freed at the thread's exit).
 * TLS descriptors (-mtls-dialect=gnu2) are refused.
 *
 * Constructors (.init_array) run once when the link succeeds, destructors
 * (.fini_array, in reverse) when the module is freed after they ran.
 */
#define _GNU_SOURCE /* memmem, RTLD_DEFAULT (before any system header) */
#include "link/link_internal.h"

#include "elf/elf.h"

#include <dlfcn.h>
#include <pthread.h>

enum { CA_TEXT, CA_RO, CA_RW, CA_TLS, CA_N, CA_NONE = -1 };

enum {
	SHF_WRITE_ = 1, SHF_ALLOC_ = 2, SHF_EXEC_ = 4, SHF_TLS_ = 0x400,
	SHT_RELA_ = 4, SHT_REL_ = 9, SHT_INIT_ARRAY_ = 14, SHT_FINI_ARRAY_ = 15, SHT_PREINIT_ARRAY_ = 16,
	SHN_ABS_ = 0xfff1, SHN_COMMON_ = 0xfff2, SHN_LORESERVE_ = 0xff00,
	STB_LOCAL_ = 0, STB_WEAK_ = 2,
};

enum {
	R_NONE = 0, R_64 = 1, R_PC32 = 2, R_GOT32 = 3, R_PLT32 = 4, R_GOTPCREL = 9, R_32 = 10, R_32S = 11,
	R_DTPOFF64 = 17, R_TLSGD = 19, R_TLSLD = 20, R_DTPOFF32 = 21, R_GOTTPOFF = 22, R_TPOFF32 = 23,
	R_PC64 = 24, R_GOTOFF64 = 25, R_GOTPC32 = 26, R_SIZE32 = 32, R_SIZE64 = 33, R_GOTPC32_TLSDESC = 34,
	R_TLSDESC_CALL = 35, R_GOTPCRELX = 41, R_REX_GOTPCRELX = 42,
};

struct cobj_sec {
	int area;      /* CA_*, CA_NONE: not loaded */
	uint64_t off;  /* in its area */
};

struct cobj_one {
	gl_elf *e;
	char *what;          /* "archive(member)" */
	const char *pkg;     /* the archive's path, for errors */
	struct cobj_sec *secs;
	uint64_t *common;    /* per symbol: rw offset of a COMMON symbol, else 0 */
	uint64_t *got;       /* per relocation index (all RELA sections in order): GOT offset, or UINT64_MAX */
};

/* A global C definition. */
struct cobj_def {
	uint32_t obj, sym;
	uint32_t id; /* its link symbol, NOSYM for TLS ones */
};

/* The module's TLS block, shared by the tls_index pairs (first word). */
struct cobj_tls {
	pthread_key_t key;
	uint64_t size, align, ilen;
	uint8_t *image;
};

struct gl_cobjs {
	GL_VEC(struct cobj_one) objs;
	GL_VEC(struct cobj_def) defs;
	gl_strmap globals;          /* C name -> index in defs */
	uint64_t size[CA_N];        /* area sizes (text, ro without GOT, rw, TLS image) */
	uint64_t tdata;             /* TLS: the image's size, up to the last .tdata byte */
	uint64_t tls_align;
	uint64_t ngot;              /* 8-byte GOT words, after the ro area's sections */
	uint64_t nstub, stubs_used; /* 16-byte jumps to far functions, after the text area's sections */
	uint64_t ngogot, gogot_used; /* GOT words of Go objects' R_GOTPCREL / R_TLS_IE, after the C ones */
	uint64_t addr[CA_N];        /* area addresses (cobj_place) */
	GL_VEC(const char *) libs;  /* libraries the cgo directives name */
	GL_VEC(void *) handles;     /* dlopen'd */
	bool libs_opened;
	struct cobj_tls *tls;
	bool key_made;
	GL_VEC(uint64_t) ctors, dtors;
	bool ctors_ran;
};

static uint64_t cobj_up(uint64_t x, uint64_t a) { return a > 1 ? (x + a - 1) / a * a : x; }

static int cobj_area_of(const gl_elf_sec *s)
{
	if (!(s->flags & SHF_ALLOC_) || !strcmp(s->name, ".eh_frame") || s->type == 7 /* NOTE */)
		return CA_NONE;
	if (s->flags & SHF_TLS_)
		return CA_TLS;
	if (s->flags & SHF_EXEC_)
		return CA_TEXT;
	if (s->type == SHT_INIT_ARRAY_ || s->type == SHT_FINI_ARRAY_ || (s->flags & SHF_WRITE_))
		/* .data.rel.ro is written by relocations only: before the protect */
		return !strncmp(s->name, ".data.rel.ro", 12) ? CA_RO : CA_RW;
	return CA_RO;
}

static struct gl_cobjs *cobjs_get(goload_module *m)
{
	if (!m->cobjs)
		m->cobjs = calloc(1, sizeof *m->cobjs);
	return m->cobjs;
}

/* The libraries a package's cgo directives name: cgo_import_dynamic of
 * "_" (the go command's dynimport of the package's own link) and -lNAME
 * of cgo_ldflag, from the Go object's header. */
static int cobj_note_libs(goload_module *m, struct gl_cobjs *c, gl_span go, goload_err *err)
{
	static const char dyn[] = "[\"cgo_import_dynamic\",\"_\",\"_\",\"";
	static const char ldf[] = "[\"cgo_ldflag\",\"-l";
	const char *p = (const char *)go.p, *end = p + go.n;
	for (int k = 0; k < 2; k++) {
		const char *pat = k ? ldf : dyn;
		size_t pl = strlen(pat);
		for (const char *q = p; q && q < end;) {
			q = memmem(q, (size_t)(end - q), pat, pl);
			if (!q)
				break;
			q += pl;
			const char *e = memchr(q, '"', (size_t)(end - q));
			if (!e || e == q || e - q > 200)
				continue;
			char buf[256];
			snprintf(buf, sizeof buf, k ? "lib%.*s.so" : "%.*s", (int)(e - q), q);
			bool dup = false;
			for (size_t i = 0; i < c->libs.len; i++)
				dup |= !strcmp(c->libs.v[i], buf);
			char *kept = dup ? NULL : keep(m, buf, strlen(buf));
			if (!dup && (!kept || !GL_VEC_PUSH(&c->libs, kept)))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			q = e;
		}
	}
	return 0;
}

static uint64_t cobj_rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* One native object: its sections get their places in the areas, its
 * globals become link symbols, its GOT-using relocations their words. */
static int cobj_add_one(goload_module *m, struct gl_cobjs *c, const char *path, const gl_goobj_member *mb,
			goload_err *err)
{
	struct cobj_one o = {.pkg = path};
	char what[1024];
	snprintf(what, sizeof what, "%s(%s)", path, mb->name);
	if (!(o.what = keep(m, what, strlen(what))))
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	int rc = gl_elf_open(mb->data, o.what, &o.e, err);
	if (rc < 0)
		return rc;
	if (!GL_VEC_PUSH(&c->objs, o)) {
		gl_elf_close(o.e);
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	uint32_t oi = (uint32_t)(c->objs.len - 1);
	struct cobj_one *ob = &c->objs.v[oi];
	gl_elf *e = ob->e;
	if (e->etype != GL_ET_REL || e->machine != GL_EM_X86_64)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: native member is not an amd64 relocatable object (type %u, %s)",
			      o.what, e->etype, gl_elf_machine_name(e->machine));
	ob->secs = calloc(e->nsecs ? e->nsecs : 1, sizeof *ob->secs);
	ob->common = calloc(e->nsyms ? e->nsyms : 1, sizeof *ob->common);
	if (!ob->secs || !ob->common)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	/* TLS: the initialized sections first, in a first pass. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < e->nsecs; i++) {
			const gl_elf_sec *s = &e->secs[i];
			int a = cobj_area_of(s);
			if (pass == 0)
				ob->secs[i].area = a;
			if (a == CA_NONE || (a == CA_TLS && (pass == 0) != (s->type != GL_SHT_NOBITS)) ||
			    (a != CA_TLS && pass == 1))
				continue;
			if (s->type == SHT_PREINIT_ARRAY_)
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: section %s (.preinit_array) is not supported",
					      o.what, s->name);
			uint64_t al = s->align > 1 ? s->align : 1;
			if (al > 4096 || s->size > (1ull << 30))
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: section %s of %llu bytes wants %llu-byte alignment",
					      o.what, s->name, (unsigned long long)s->size, (unsigned long long)al);
			if (s->type != GL_SHT_NOBITS && gl_elf_sec_data(e, s).n != s->size)
				return gl_err(err, GOLOAD_E_FORMAT, "%s: section %s is out of range", o.what, s->name);
			ob->secs[i].off = cobj_up(c->size[a], al);
			c->size[a] = ob->secs[i].off + s->size;
			if (a == CA_TLS) {
				if (al > c->tls_align)
					c->tls_align = al;
				/* the image: up to the last initialized byte (an
				 * earlier object's .tbss in it stays zero) */
				if (s->type != GL_SHT_NOBITS)
					c->tdata = c->size[a];
			}
		}
	/* Globals; COMMON ones get bss in the rw area. */
	for (uint32_t si = 1; si < e->nsyms; si++) {
		const gl_elf_sym *y = &e->syms[si];
		if (y->bind == STB_LOCAL_ || y->shndx == 0 || !y->name[0])
			continue;
		if (y->shndx == SHN_COMMON_) {
			uint64_t al = y->value > 1 ? y->value : 1;
			if (al > 4096 || y->size > (1ull << 30))
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: common symbol %s of %llu bytes", o.what, y->name,
					      (unsigned long long)y->size);
			ob->common[si] = cobj_up(c->size[CA_RW], al);
			c->size[CA_RW] = ob->common[si] + (y->size ? y->size : 1);
		} else if (y->shndx >= SHN_LORESERVE_ && y->shndx != SHN_ABS_)
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: symbol %s in reserved section index 0x%x", o.what, y->name,
				      y->shndx);
		else if (y->shndx != SHN_ABS_ && (y->shndx >= e->nsecs || ob->secs[y->shndx].area == CA_NONE))
			continue; /* defined in a section not loaded */
		size_t nl = strlen(y->name);
		uint64_t prev;
		if (gl_strmap_get(&c->globals, y->name, nl, &prev)) {
			struct cobj_def *d = &c->defs.v[prev];
			const gl_elf_sym *py = &c->objs.v[d->obj].e->syms[d->sym];
			if (y->bind == STB_WEAK_ || y->shndx == SHN_COMMON_)
				continue;
			if (py->bind != STB_WEAK_ && py->shndx != SHN_COMMON_)
				return gl_err(err, GOLOAD_E_MISMATCH, "%s: C symbol %s is also defined in %s", o.what, y->name,
					      c->objs.v[d->obj].what);
			d->obj = oi; /* a strong definition wins over a weak or common one */
			d->sym = si;
			continue;
		}
		struct cobj_def d = {.obj = oi, .sym = si, .id = NOSYM};
		if (y->type != GL_STT_TLS) {
			size_t kl;
			char *key = name_key(m, y->name, nl, 0, &kl);
			gl_lsym ls = {.name = keep(m, y->name, nl), .obj = NOSYM, .host = true, .resolved = true,
				      .size = (uint32_t)y->size};
			bool existed;
			if (!key || !ls.name || (d.id = new_sym(m, ls)) == NOSYM)
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			if (!gl_strmap_add(&m->byname, key, kl, d.id, &existed))
				return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			if (existed)
				return gl_err(err, GOLOAD_E_MISMATCH, "%s: C symbol %s is also a Go symbol of the module", o.what,
					      y->name);
		}
		const char *gk = keep(m, y->name, nl);
		bool existed;
		if (!gk || !GL_VEC_PUSH(&c->defs, d) || !gl_strmap_add(&c->globals, gk, nl, c->defs.len - 1, &existed))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	/* GOT words: one per GOT-relative relocation, two per TLS pair. */
	size_t nrel = 0;
	for (size_t i = 0; i < e->nsecs; i++) {
		const gl_elf_sec *rs = &e->secs[i];
		if (rs->type != SHT_RELA_)
			continue;
		if (gl_elf_sec_data(e, rs).n != rs->size || rs->size % 24)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: relocation section %s is out of range", o.what, rs->name);
		nrel += rs->size / 24;
	}
	ob->got = malloc((nrel ? nrel : 1) * sizeof *ob->got);
	if (!ob->got)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	size_t k = 0;
	for (size_t i = 0; i < e->nsecs; i++) {
		const gl_elf_sec *rs = &e->secs[i];
		if (rs->type == SHT_REL_)
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: REL relocations (section %s) on amd64", o.what, rs->name);
		if (rs->type != SHT_RELA_)
			continue;
		gl_span d = gl_elf_sec_data(e, rs); /* in range: checked above */
		for (size_t j = 0; j < rs->size / 24; j++, k++) {
			uint32_t t = (uint32_t)cobj_rd64(d.p + j * 24 + 8);
			ob->got[k] = UINT64_MAX;
			if (rs->info >= e->nsecs || ob->secs[rs->info].area == CA_NONE)
				continue;
			uint32_t ysi = (uint32_t)(cobj_rd64(d.p + j * 24 + 8) >> 32);
			if ((t == R_PLT32 || t == R_PC32) && ysi && ysi < e->nsyms && e->syms[ysi].shndx == 0)
				c->nstub++; /* a call of a function that may be far (libc) */
			if (t == R_GOTPCREL || t == R_GOTPCRELX || t == R_REX_GOTPCRELX || t == R_GOT32) {
				ob->got[k] = c->ngot * 8;
				c->ngot += 1;
			} else if (t == R_TLSGD || t == R_TLSLD) {
				c->ngot = cobj_up(c->ngot, 2);
				ob->got[k] = c->ngot * 8;
				c->ngot += 2;
			}
		}
	}
	dbg(m, "native object %s: %zu sections, %zu symbols", o.what, e->nsecs, e->nsyms);
	return 0;
}

int cobj_add_archive(goload_module *m, const char *path, const gl_goobj_archive *ar, goload_err *err)
{
	struct gl_cobjs *c = NULL;
	for (size_t i = 0; i < gl_goobj_archive_nmembers(ar); i++) {
		const gl_goobj_member *mb = gl_goobj_archive_member(ar, i);
		if (mb->kind != GL_GOOBJ_M_NATIVE)
			continue;
		if (!c && !(c = cobjs_get(m)))
			return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
		int rc = cobj_add_one(m, c, path, mb, err);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; c && i < gl_goobj_archive_nmembers(ar); i++) {
		const gl_goobj_member *mb = gl_goobj_archive_member(ar, i);
		int rc = mb->kind == GL_GOOBJ_M_GO ? cobj_note_libs(m, c, mb->data, err) : 0;
		if (rc < 0)
			return rc;
	}
	return 0;
}

static uint64_t cobj_ro_size(const struct gl_cobjs *c) { return cobj_up(c->size[CA_RO], 16) + (c->ngot + c->ngogot) * 8; }

uint64_t cobj_area_size(const goload_module *m, int area)
{
	const struct gl_cobjs *c = m->cobjs;
	if (!c)
		return 0;
	if (area == CA_TEXT)
		return c->nstub ? cobj_up(c->size[CA_TEXT], 16) + c->nstub * 16 : c->size[CA_TEXT];
	return area == CA_RO ? cobj_ro_size(c) : c->size[area];
}

/* The areas' addresses, then every C definition's. */
void cobj_place(goload_module *m, uint64_t text, uint64_t ro, uint64_t rw)
{
	struct gl_cobjs *c = m->cobjs;
	if (!c)
		return;
	c->addr[CA_TEXT] = text;
	c->addr[CA_RO] = ro;
	c->addr[CA_RW] = rw;
	for (size_t i = 0; i < c->defs.len; i++) {
		const struct cobj_def *d = &c->defs.v[i];
		if (d->id == NOSYM)
			continue;
		const struct cobj_one *o = &c->objs.v[d->obj];
		const gl_elf_sym *y = &o->e->syms[d->sym];
		uint64_t a;
		if (y->shndx == SHN_COMMON_)
			a = rw + o->common[d->sym];
		else if (y->shndx == SHN_ABS_)
			a = y->value;
		else
			a = c->addr[o->secs[y->shndx].area] + o->secs[y->shndx].off + y->value;
		gl_link_sym(m, d->id)->addr = a;
	}
}

static uint64_t cobj_got_addr(const struct gl_cobjs *c) { return c->addr[CA_RO] + cobj_up(c->size[CA_RO], 16); }

/* x86-64 code may call __tls_get_addr with the stack not 16-byte aligned
 * (glibc's own does not assume it): realign on entry there. */
#if defined(__x86_64__)
#define COBJ_REALIGN __attribute__((force_align_arg_pointer))
#else
#define COBJ_REALIGN
#endif
COBJ_REALIGN static void *cobj_tls_get_addr(const uint64_t *ti)
{
	struct cobj_tls *t = (struct cobj_tls *)(uintptr_t)ti[0];
	uint8_t *b = pthread_getspecific(t->key);
	if (!b) {
		size_t al = t->align < sizeof(void *) ? sizeof(void *) : t->align;
		if (posix_memalign((void **)&b, al, t->size ? t->size : 1)) {
			fputs("goload: out of memory for a loaded module's thread-local variables\n", stderr);
			abort();
		}
		memcpy(b, t->image, t->ilen);
		memset(b + t->ilen, 0, t->size - t->ilen);
		pthread_setspecific(t->key, b);
	}
	return b + ti[1];
}

/* runtime/cgo's C functions that cgo-generated code calls, by address
 * (internal/binding/runtime_cgosyms.go defines it in the Go binding, whose
 * link resolves them; absent, NULL, in the C library alone): found on a
 * host stripped of its symbol table too. */
extern void *goload_runtime_cgo_sym(const char *name) __attribute__((weak));

static void *cobj_dlsym_libs(goload_module *m, struct gl_cobjs *c, const char *name)
{
	if (!c->libs_opened) {
		c->libs_opened = true;
		for (size_t i = 0; i < c->libs.len; i++) {
			void *h = dlopen(c->libs.v[i], RTLD_NOW | RTLD_LOCAL);
			dbg(m, "native: %s %s", c->libs.v[i], h ? "opened" : dlerror());
			if (h && !GL_VEC_PUSH(&c->handles, h))
				dlclose(h);
		}
	}
	for (size_t i = 0; i < c->handles.len; i++) {
		void *a = c->handles.v[i] ? dlsym(c->handles.v[i], name) : NULL;
		if (a)
			return a;
	}
	return NULL;
}

/* The value of symbol si of object o for a relocation: *tls is set when it
 * is thread-local (the value is then its offset in the module's block). */
static int cobj_sym_value(goload_module *m, struct gl_cobjs *c, uint32_t oi, uint32_t si, uint64_t *out, bool *tls,
			  goload_err *err)
{
	const struct cobj_one *o = &c->objs.v[oi];
	const gl_elf_sym *y = &o->e->syms[si];
	*tls = y->type == GL_STT_TLS;
	if (y->bind != STB_LOCAL_ && y->name[0]) {
		uint64_t di;
		if (gl_strmap_get(&c->globals, y->name, strlen(y->name), &di)) {
			oi = c->defs.v[di].obj;
			si = c->defs.v[di].sym;
			o = &c->objs.v[oi];
			y = &o->e->syms[si];
			*tls = y->type == GL_STT_TLS;
		}
	}
	if (y->shndx == SHN_ABS_) {
		*out = y->value;
		return 0;
	}
	if (y->shndx == SHN_COMMON_) {
		*out = c->addr[CA_RW] + o->common[si];
		return 0;
	}
	if (y->shndx != 0) {
		if (y->shndx < o->e->nsecs && o->secs[y->shndx].area == CA_TLS)
			*tls = true;
		if (y->shndx >= o->e->nsecs || o->secs[y->shndx].area == CA_NONE)
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: a relocation refers to %s in section %u, which is not loaded",
				      o->what, y->name[0] ? y->name : "a section", y->shndx);
		const struct cobj_sec *s = &o->secs[y->shndx];
		*out = (s->area == CA_TLS ? 0 : c->addr[s->area]) + s->off + y->value;
		return 0;
	}
	const char *n = y->name;
	size_t nl = strlen(n);
	uint32_t id;
	if (!strcmp(n, "__tls_get_addr") && c->size[CA_TLS]) {
		*out = (uint64_t)(uintptr_t)cobj_tls_get_addr;
		return 0;
	}
	if (find_named(m, n, nl, 0, &id) || find_named(m, n, nl, 1, &id)) {
		const gl_lsym *t = gl_link_sym(m, id);
		if (t->host && t->tramp > 1)
			t = gl_link_sym(m, t->tramp);
		*out = t->addr;
		return 0;
	}
	uint64_t a = gl_host_addr(m->host, n);
	if (!a && goload_runtime_cgo_sym)
		a = (uint64_t)(uintptr_t)goload_runtime_cgo_sym(n);
	if (!a)
		a = (uint64_t)(uintptr_t)dlsym(RTLD_DEFAULT, n);
	if (!a)
		a = (uint64_t)(uintptr_t)cobj_dlsym_libs(m, c, n);
	if (!a && y->bind != STB_WEAK_) {
		char libs[512] = "";
		size_t l = 0;
		for (size_t i = 0; i < c->libs.len && l < sizeof libs - 1; i++)
			l += (size_t)snprintf(libs + l, sizeof libs - l, "%s%s", i ? ", " : "", c->libs.v[i]);
		return gl_err(err, GOLOAD_E_UNRESOLVED,
			      "%s: undefined C symbol %s: neither the package's C objects, the module, the host%s, the process's "
			      "libraries nor the libraries its cgo directives name (%s) define it",
			      o->what, n, gl_host_missing_note(m->host), l ? libs : "none");
	}
	*out = a;
	return 0;
}

static int cobj_put(const struct cobj_one *o, uint8_t *site, int64_t v, int size, bool sign, const char *sym,
		    uint64_t off, goload_err *err)
{
	if (size == 8) {
		memcpy(site, &v, 8);
		return 0;
	}
	if (sign ? v != (int32_t)v : (uint64_t)v > UINT32_MAX)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s+0x%llx: relocation to %s is out of 32-bit reach (%lld)", o->what,
			      (unsigned long long)off, sym, (long long)v);
	int32_t v32 = (int32_t)v;
	memcpy(site, &v32, 4);
	return 0;
}

static int cobj_tls_block(goload_module *m, struct gl_cobjs *c, goload_err *err)
{
	if (c->tls || !c->size[CA_TLS])
		return 0;
	struct cobj_tls *t = calloc(1, sizeof *t);
	if (!t || !(t->image = calloc(1, c->tdata ? c->tdata : 1))) {
		free(t);
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	}
	t->size = c->size[CA_TLS];
	t->align = c->tls_align;
	t->ilen = c->tdata;
	for (size_t oi = 0; oi < c->objs.len; oi++) {
		const struct cobj_one *o = &c->objs.v[oi];
		for (size_t i = 0; i < o->e->nsecs; i++) {
			const gl_elf_sec *s = &o->e->secs[i];
			if (o->secs[i].area != CA_TLS || s->type == GL_SHT_NOBITS)
				continue;
			gl_span d = gl_elf_sec_data(o->e, s); /* in range: checked by cobj_add_one */
			if (d.n)
				memcpy(t->image + o->secs[i].off, d.p, d.n);
		}
	}
	c->tls = t;
	if (pthread_key_create(&t->key, free))
		return gl_err(err, GOLOAD_E_NOMEM, "%s: no pthread key left for the package's thread-local variables",
			      c->objs.v[0].what);
	c->key_made = true;
	dbg(m, "native: thread-local block of %llu bytes (%llu initialized), one per thread",
	    (unsigned long long)t->size, (unsigned long long)t->ilen);
	return 0;
}

/* Section bytes into the mapping, the GOT filled, every relocation of a
 * loaded section applied. After the Go relocations, before the protect. */
int cobj_apply(goload_module *m, goload_err *err)
{
	struct gl_cobjs *c = m->cobjs;
	if (!c)
		return 0;
	int rc = cobj_tls_block(m, c, err);
	if (rc < 0)
		return rc;
	uint64_t got = cobj_got_addr(c);
	for (size_t oi = 0; oi < c->objs.len; oi++) {
		const struct cobj_one *o = &c->objs.v[oi];
		for (size_t i = 0; i < o->e->nsecs; i++) {
			const gl_elf_sec *s = &o->e->secs[i];
			int a = o->secs[i].area;
			if (a == CA_NONE || a == CA_TLS || s->type == GL_SHT_NOBITS)
				continue;
			gl_span d = gl_elf_sec_data(o->e, s); /* in range: checked by cobj_add_one */
			if (d.n)
				memcpy(mem_at(m, c->addr[a] + o->secs[i].off), d.p, d.n);
		}
	}
	for (uint32_t oi = 0; oi < c->objs.len; oi++) {
		const struct cobj_one *o = &c->objs.v[oi];
		const gl_elf *e = o->e;
		size_t k = 0;
		for (size_t i = 0; i < e->nsecs; i++) {
			const gl_elf_sec *rs = &e->secs[i];
			if (rs->type != SHT_RELA_)
				continue;
			gl_span d = gl_elf_sec_data(e, rs);
			size_t n = rs->size / 24;
			if (rs->info >= e->nsecs || o->secs[rs->info].area == CA_NONE) {
				k += n;
				continue;
			}
			const gl_elf_sec *ts = &e->secs[rs->info];
			const struct cobj_sec *tsec = &o->secs[rs->info];
			if (tsec->area == CA_TLS)
				return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: relocations in thread-local section %s", o->what,
					      ts->name);
			uint64_t base = c->addr[tsec->area] + tsec->off;
			for (size_t j = 0; j < n; j++, k++) {
				const uint8_t *r = d.p + j * 24;
				uint64_t off = cobj_rd64(r), info = cobj_rd64(r + 8);
				int64_t ad = (int64_t)cobj_rd64(r + 16);
				uint32_t type = (uint32_t)info, si = (uint32_t)(info >> 32);
				if (type == R_NONE)
					continue;
				if (si >= e->nsyms && si)
					return gl_err(err, GOLOAD_E_FORMAT, "%s: relocation to symbol %u of %zu", o->what, si, e->nsyms);
				int size = (type == R_64 || type == R_PC64 || type == R_GOTOFF64 || type == R_SIZE64 ||
					    type == R_DTPOFF64) ? 8 : 4;
				if (off > ts->size || ts->size - off < (uint64_t)size)
					return gl_err(err, GOLOAD_E_FORMAT, "%s: relocation at %s+0x%llx is outside the section",
						      o->what, ts->name, (unsigned long long)off);
				static const gl_elf_sym nosym = {.name = ""};
				const gl_elf_sym *ys = si < e->nsyms ? &e->syms[si] : &nosym; /* si 0, no symbol table */
				const char *sn = si ? (ys->name[0] ? ys->name : ts->name) : "(none)";
				uint64_t S = 0;
				bool tls = false;
				if (si && (rc = cobj_sym_value(m, c, oi, si, &S, &tls, err)) < 0)
					return rc;
				uint64_t P = base + off;
				uint8_t *site = mem_at(m, P);
				uint64_t G = o->got[k];
				int64_t v;
				bool sign = true;
				if (tls != (type == R_TLSGD || type == R_TLSLD || type == R_DTPOFF32 || type == R_DTPOFF64 ||
					    type == R_GOTTPOFF || type == R_TPOFF32 || type == R_GOTPC32_TLSDESC ||
					    type == R_TLSDESC_CALL))
					return gl_err(err, GOLOAD_E_UNSUPPORTED,
						      "%s: relocation type %u to %s mixes thread-local and ordinary access", o->what,
						      type, sn);
				switch (type) {
				case R_64:
					v = (int64_t)S + ad;
					break;
				case R_32:
					sign = false;
					/* fallthrough */
				case R_32S:
					v = (int64_t)S + ad;
					break;
				case R_PC32:
				case R_PLT32:
					v = (int64_t)(S + (uint64_t)ad - P);
					if (v != (int32_t)v && !ys->shndx && ys->type != GL_STT_OBJECT &&
					    c->stubs_used < c->nstub) {
						/* A function out of reach (a library's): through
						 * a jump of ours, jmp *0(%rip); .quad S. */
						uint64_t st = c->addr[CA_TEXT] + cobj_up(c->size[CA_TEXT], 16) + 16 * c->stubs_used++;
						uint8_t *sp = mem_at(m, st);
						static const uint8_t jmp[6] = {0xff, 0x25, 0, 0, 0, 0};
						memcpy(sp, jmp, 6);
						memcpy(sp + 6, &S, 8);
						v = (int64_t)(st + (uint64_t)ad - P);
					}
					break;
				case R_PC64:
					v = (int64_t)(S + (uint64_t)ad - P);
					break;
				case R_GOTPCREL:
				case R_GOTPCRELX:
				case R_REX_GOTPCRELX:
					memcpy(mem_at(m, got + G), &S, 8);
					v = (int64_t)(got + G + (uint64_t)ad - P);
					break;
				case R_GOT32:
					memcpy(mem_at(m, got + G), &S, 8);
					v = (int64_t)G + ad;
					break;
				case R_GOTOFF64:
					v = (int64_t)(S + (uint64_t)ad - got);
					break;
				case R_GOTPC32:
					v = (int64_t)(got + (uint64_t)ad - P);
					break;
				case R_SIZE32:
				case R_SIZE64:
					v = (int64_t)ys->size + ad;
					break;
				case R_TLSGD:
				case R_TLSLD: {
					uint64_t dummy;
					if (!ys->shndx && !(ys->bind != STB_LOCAL_ &&
								    gl_strmap_get(&c->globals, sn, strlen(sn), &dummy)))
						return gl_err(err, GOLOAD_E_UNSUPPORTED,
							      "%s: thread-local variable %s is defined outside the package's C objects "
							      "(in a library): not supported", o->what, sn);
					uint64_t pair[2] = {(uint64_t)(uintptr_t)c->tls, type == R_TLSGD ? S : 0};
					memcpy(mem_at(m, got + G), pair, 16);
					v = (int64_t)(got + G + (uint64_t)ad - P);
					break;
				}
				case R_DTPOFF32:
				case R_DTPOFF64:
					v = (int64_t)S + ad;
					break;
				case R_GOTTPOFF:
				case R_TPOFF32:
					return gl_err(err, GOLOAD_E_UNSUPPORTED,
						      "%s: thread-local variable %s uses the %s TLS model: a loaded module cannot "
						      "get room in the process's static TLS block; build the C code with -fPIC "
						      "(the general-dynamic model, which goload supports)",
						      o->what, sn, type == R_TPOFF32 ? "local-exec" : "initial-exec");
				case R_GOTPC32_TLSDESC:
				case R_TLSDESC_CALL:
					return gl_err(err, GOLOAD_E_UNSUPPORTED,
						      "%s: thread-local variable %s uses TLS descriptors (-mtls-dialect=gnu2): not "
						      "supported; build without it", o->what, sn);
				default:
					return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: ELF relocation type %u (to %s) is not supported",
						      o->what, type, sn);
				}
				if ((rc = cobj_put(o, site, v, size, sign, sn, off, err)) < 0)
					return rc;
			}
		}
		/* The constructors and destructors, once relocated. */
		for (size_t i = 0; i < e->nsecs; i++) {
			const gl_elf_sec *s = &e->secs[i];
			bool init = s->type == SHT_INIT_ARRAY_, fini = s->type == SHT_FINI_ARRAY_;
			if ((!init && !fini) || o->secs[i].area == CA_NONE)
				continue;
			/* its words are read from the laid-out area: TLS has none */
			if (o->secs[i].area == CA_TLS)
				return gl_err(err, GOLOAD_E_FORMAT, "%s: constructor or destructor table %s is thread-local",
					      o->what, s->name);
			uint64_t a = c->addr[o->secs[i].area] + o->secs[i].off;
			for (uint64_t w = 0; w + 8 <= s->size; w += 8) {
				uint64_t fn = cobj_rd64(mem_at(m, a + w));
				if (fn && fn != UINT64_MAX && !GL_VEC_PUSH(init ? &c->ctors : &c->dtors, fn))
					return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
			}
		}
	}
	return 0;
}

/* Go objects compiled with -dynlink reach other symbols through the GOT
 * (R_GOTPCREL) and g through an initial-exec TLS word (R_TLS_IE): a GOT
 * word each, in the ro area, counted before the layout. */
int cobj_count_go(goload_module *m, goload_err *err)
{
	uint64_t n = 0;
	for (uint32_t si = 0; si < m->syms.len; si++) {
		const gl_lsym *s = gl_link_sym(m, si);
		if (!from_obj(s))
			continue;
		const gl_goobj *o = m->objs.v[s->obj].o;
		uint32_t first, nr = gl_goobj_relocs(o, s->idx, &first);
		for (uint32_t j = 0; j < nr; j++) {
			int t = gl_goobj_reloc_at(o, first + j).type;
			n += t == GL_R_GOTPCREL || t == GL_R_TLS_IE;
		}
	}
	if (!n)
		return 0;
	struct gl_cobjs *c = cobjs_get(m);
	if (!c)
		return gl_err(err, GOLOAD_E_NOMEM, "link: out of memory");
	c->ngogot = n;
	return 0;
}

/* The GOT word of a Go relocation (cobj_count_go), holding `value`: a
 * symbol's address (R_GOTPCREL) or g's offset from the thread pointer
 * (R_TLS_IE). */
uint64_t cobj_go_got(goload_module *m, uint64_t value)
{
	struct gl_cobjs *c = m->cobjs;
	if (!c || c->gogot_used >= c->ngogot)
		return 0;
	uint64_t w = cobj_got_addr(c) + (c->ngot + c->gogot_used++) * 8;
	memcpy(mem_at(m, w), &value, 8);
	return w;
}

/* Once, when the link succeeded: the C constructors, in order. */
void cobj_run_ctors(goload_module *m)
{
	struct gl_cobjs *c = m->cobjs;
	if (!c || c->ctors_ran)
		return;
	c->ctors_ran = true;
	for (size_t i = 0; i < c->ctors.len; i++) {
		dbg(m, "native: constructor at 0x%llx", (unsigned long long)c->ctors.v[i]);
		((void (*)(void))(uintptr_t)c->ctors.v[i])();
	}
}

/* The C destructors, in reverse, once, if the constructors ran: while
 * the module's code is still mapped (before a retire takes it away). */
void gl_cobj_fini(goload_module *m)
{
	struct gl_cobjs *c = m->cobjs;
	if (!c || !c->ctors_ran)
		return;
	c->ctors_ran = false;
	for (size_t i = c->dtors.len; i-- > 0;) {
		dbg(m, "native: destructor at 0x%llx", (unsigned long long)c->dtors.v[i]);
		((void (*)(void))(uintptr_t)c->dtors.v[i])();
	}
}

/* Destructors (when not run yet), then everything of cobj's. */
void cobj_free(goload_module *m)
{
	struct gl_cobjs *c = m->cobjs;
	if (!c)
		return;
	gl_cobj_fini(m);
	for (size_t i = 0; i < c->objs.len; i++) {
		gl_elf_close(c->objs.v[i].e);
		free(c->objs.v[i].secs);
		free(c->objs.v[i].common);
		free(c->objs.v[i].got);
	}
	GL_VEC_FREE(&c->objs);
	GL_VEC_FREE(&c->defs);
	gl_strmap_free(&c->globals);
	GL_VEC_FREE(&c->libs);
	for (size_t i = 0; i < c->handles.len; i++)
		if (c->handles.v[i])
			dlclose(c->handles.v[i]);
	GL_VEC_FREE(&c->handles);
	if (c->tls) {
		/* Other threads' blocks stay (a deleted key runs no destructor):
		 * this thread's goes now. */
		if (c->key_made) {
			free(pthread_getspecific(c->tls->key));
			pthread_setspecific(c->tls->key, NULL);
			pthread_key_delete(c->tls->key);
		}
		free(c->tls->image);
		free(c->tls);
	}
	GL_VEC_FREE(&c->ctors);
	GL_VEC_FREE(&c->dtors);
	free(c);
	m->cobjs = NULL;
}
