/* goload_nm: the listing `go tool nm` prints (cmd/nm/nm.go over
 * cmd/internal/objfile), byte for byte, for Go archives and objects,
 * including the native ELF members of cgo packages. */
#include "elf/elf.h"
#include "gobin/gobin.h"
#include "goobj/goobj.h"
#include "goobj/gosort.h"

#include <elf.h> /* SHN_UNDEF, SHF_ALLOC, STB_LOCAL, ... */
#include <inttypes.h>
#include <stdlib.h>

typedef struct nmsym {
	const char *name; /* into the file, or into the entry's arena when `arena` */
	uint32_t namelen;
	bool arena;
	char code;
	uint64_t addr;
	int64_t size;
} nmsym;

typedef struct nm_entry {
	GL_VEC(nmsym) syms;
	gl_buf arena; /* names with a "<1>" suffix (static symbols) */
} nm_entry;

static bool push(nm_entry *e, nmsym s) { return GL_VEC_PUSH(&e->syms, s); }

/* cmd/internal/objfile/goobj.go: goobjFile.symbols(). */
static int go_symbols(gl_goobj *o, nm_entry *e, goload_err *err)
{
	uint32_t ndef = gl_goobj_ndefs(o);
	for (uint32_t i = 0; i < ndef; i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		if (!s.namelen)
			continue; /* not a real symbol */
		nmsym n = {s.name, s.namelen, false, '?', gl_goobj_data_off(o, i), s.size};
		switch (s.kind) {
		case GL_SK_TEXT: case GL_SK_TEXTFIPS: n.code = 'T'; break;
		case GL_SK_RODATA: case GL_SK_RODATAFIPS: n.code = 'R'; break;
		case GL_SK_NOPTRDATA: case GL_SK_NOPTRDATAFIPS: case GL_SK_DATA: case GL_SK_DATAFIPS: n.code = 'D'; break;
		case GL_SK_BSS: case GL_SK_NOPTRBSS: case GL_SK_TLSBSS: n.code = 'B'; break;
		default: break;
		}
		if (s.abi == GL_GOOBJ_ABI_STATIC) {
			n.code += 'a' - 'A';
			n.arena = true;
			n.name = (const char *)(uintptr_t)e->arena.len;
			gl_buf_append(&e->arena, s.name, s.namelen);
			gl_buf_str(&e->arena, "<1>");
			n.namelen += 3;
		}
		if (!push(e, n))
			goto oom;
	}
	for (uint32_t i = ndef; i < gl_goobj_nsyms(o); i++) {
		gl_goobj_sym s = gl_goobj_sym_at(o, i);
		nmsym n = {s.name, s.namelen, false, 'U', 0, 0};
		if (!push(e, n))
			goto oom;
	}
	for (uint32_t j = 0; j < gl_goobj_nrefnames(o); j++) {
		gl_goobj_ref r;
		gl_span name;
		gl_goobj_refname_at(o, j, &r, &name);
		nmsym n = {(const char *)name.p, (uint32_t)name.n, false, 'U', 0, 0};
		if (!push(e, n))
			goto oom;
	}
	if (e->arena.oom)
		goto oom;
	return 0;
oom:
	return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory listing symbols", gl_goobj_name(o));
}

/* cmd/internal/objfile/elf.go: elfFile.symbols(). */
static int elf_symbols(const gl_elf *f, nm_entry *e, const struct gl_objtab *t, goload_err *err)
{
	/* debug/elf skips the null symbol at index 0. */
	for (size_t i = 1; i < f->nsyms; i++) {
		const gl_elf_sym *s = &f->syms[i];
		nmsym n = {s->name, (uint32_t)strlen(s->name), false, '?', s->value, (int64_t)s->size};
		if (s->shndx == SHN_UNDEF) {
			n.code = 'U';
		} else if (s->shndx == SHN_COMMON) {
			n.code = 'B';
		} else if (s->shndx < f->nsecs) {
			switch (f->secs[s->shndx].flags & (SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR)) {
			case SHF_ALLOC | SHF_EXECINSTR: n.code = 'T'; break;
			case SHF_ALLOC: n.code = 'R'; break;
			case SHF_ALLOC | SHF_WRITE:
				n.code = t->nm_elf_nobits_bss && f->secs[s->shndx].type == GL_SHT_NOBITS ? 'B' : 'D';
				break;
			}
		}
		if (s->bind == STB_LOCAL)
			n.code += 'a' - 'A';
		if (!push(e, n))
			return gl_err(err, GOLOAD_E_NOMEM, "out of memory listing ELF symbols");
	}
	return 0;
}

static bool by_addr(uint32_t a, uint32_t b, void *ctx)
{
	const nmsym *s = ctx;
	return s[a].addr < s[b].addr;
}

static bool by_size(uint32_t a, uint32_t b, void *ctx)
{
	const nmsym *s = ctx;
	return s[a].size > s[b].size;
}

/* Go's string order: bytes, then length. */
static bool by_name(uint32_t a, uint32_t b, void *ctx)
{
	const nmsym *s = ctx;
	uint32_t la = s[a].namelen, lb = s[b].namelen;
	int c = memcmp(s[a].name, s[b].name, la < lb ? la : lb);
	return c < 0 || (c == 0 && la < lb);
}

/* Applies a permutation (idx) to the symbol vector, as the Go code sorts in place. */
static bool permute(nm_entry *e, uint32_t *idx)
{
	size_t n = e->syms.len;
	nmsym *t = malloc((n ? n : 1) * sizeof *t);
	if (!t)
		return false;
	for (size_t i = 0; i < n; i++)
		t[i] = e->syms.v[idx[i]];
	memcpy(e->syms.v, t, n * sizeof *t);
	free(t);
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	return true;
}

static int sort_entry(nm_entry *e, int order, const struct gl_objtab *t, goload_err *err)
{
	size_t n = e->syms.len;
	uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
	if (!idx)
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory sorting %zu symbols", n);
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	for (size_t i = 0; i < n; i++)
		if (e->syms.v[i].arena)
			e->syms.v[i].name = (const char *)e->arena.p + (uintptr_t)e->syms.v[i].name;
	/* Entry.Symbols() sorts by address first, then nm by the order asked. */
	gl_gosort(idx, n, t->sort_xorshift, by_addr, e->syms.v);
	bool ok = permute(e, idx);
	gl_gosort_less second = order == GOLOAD_NM_SORT_ADDRESS ? by_addr
			      : order == GOLOAD_NM_SORT_NAME  ? by_name
			      : order == GOLOAD_NM_SORT_SIZE  ? by_size
							      : NULL;
	if (ok && second) {
		gl_gosort(idx, n, t->sort_xorshift, second, e->syms.v);
		ok = permute(e, idx);
	}
	free(idx);
	return ok ? 0 : gl_err(err, GOLOAD_E_NOMEM, "out of memory sorting %zu symbols", n);
}

/* Right-aligned in a field of `width` like %8x / %10d: the listing is
 * hundreds of thousands of lines, formatted by hand into one buffer. */
static void put_num(gl_buf *b, uint64_t v, bool neg, unsigned base, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	for (int k = n; k < width; k++)
		gl_buf_u8(b, ' ');
	while (n)
		gl_buf_u8(b, (uint8_t)tmp[--n]);
}

static bool print_entry(const nm_entry *e, const char *file, const char *member, bool several_entries,
			const goload_nm_opts *opts, FILE *out)
{
	gl_buf prefix = {0}, b = {0};
	if (several_entries)
		gl_buf_printf(&prefix, "%s(%s):\t", file, member && *member ? member : "_go_.o");
	else if (opts->file_prefix)
		gl_buf_printf(&prefix, "%s:\t", file);
	bool ok = !prefix.oom;
	for (size_t i = 0; i < e->syms.len && ok; i++) {
		const nmsym *s = &e->syms.v[i];
		gl_buf_append(&b, prefix.p, prefix.len);
		if (s->code == 'U')
			gl_buf_str(&b, "        ");
		else
			put_num(&b, s->addr, false, 16, 8);
		if (opts->print_size) {
			gl_buf_u8(&b, ' ');
			put_num(&b, s->size < 0 ? 0 - (uint64_t)s->size : (uint64_t)s->size, s->size < 0, 10, 10);
		}
		gl_buf_u8(&b, ' ');
		gl_buf_u8(&b, (uint8_t)s->code);
		gl_buf_u8(&b, ' ');
		gl_buf_append(&b, s->name, s->namelen);
		gl_buf_u8(&b, '\n');
		if (b.len > (1u << 20) || i + 1 == e->syms.len) {
			ok = !b.oom && fwrite(b.p, 1, b.len, out) == b.len;
			b.len = 0;
		}
	}
	gl_buf_free(&prefix);
	gl_buf_free(&b);
	return ok;
}

static void entry_free(nm_entry *e)
{
	GL_VEC_FREE(&e->syms);
	gl_buf_free(&e->arena);
}

/* One listed entry: a Go object or an ELF file (whole file or member). */
typedef struct member {
	gl_span data;
	const char *name;
	bool go, sentinel;
	size_t ai; /* index in the archive */
} member;

int gl_goobj_nm_span(gl_span data, const char *path, const goload_nm_opts *opts, FILE *out, goload_err *err)
{
	gl_goobj_archive *a = NULL;
	GL_VEC(member) ms = {0};
	int rc = 0;
	if (gl_goobj_archive_open_span(data, path, &a, err) == 0) {
		for (size_t i = 0; i < gl_goobj_archive_nmembers(a); i++) {
			const gl_goobj_member *m = gl_goobj_archive_member(a, i);
			if (m->kind == GL_GOOBJ_M_PKGDEF)
				continue;
			member x = {m->data, m->name, m->kind == GL_GOOBJ_M_GO, m->kind == GL_GOOBJ_M_SENTINEL, i};
			if (!GL_VEC_PUSH(&ms, x)) {
				rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
				goto done;
			}
		}
	} else if (data.n >= 4 && !memcmp(data.p, "\x7f" "ELF", 4)) {
		gl_err_clear(err);
		member x = {data, path, false, false, 0};
		if (!GL_VEC_PUSH(&ms, x)) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
			goto done;
		}
	} else {
		rc = -err->code; /* the archive reader's message names the file */
		goto done;
	}
	/* Open everything first: objfile.Open fails as a whole on a bad member. */
	gl_goobj **objs = calloc(ms.len ? ms.len : 1, sizeof *objs);
	gl_elf **elfs = calloc(ms.len ? ms.len : 1, sizeof *elfs);
	nm_entry *es = calloc(ms.len ? ms.len : 1, sizeof *es);
	if (!objs || !elfs || !es) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "out of memory");
		goto free_all;
	}
	for (size_t i = 0; i < ms.len && !rc; i++) {
		if (ms.v[i].sentinel)
			continue;
		if (ms.v[i].go)
			rc = gl_goobj_archive_open_member(a, ms.v[i].ai, &objs[i], err);
		else if ((rc = gl_elf_open(ms.v[i].data, ms.v[i].name, &elfs[i], err)))
			rc = gl_err(err, GOLOAD_E_FORMAT, "open %s: unrecognized archive member %s", path, ms.v[i].name);
	}
	if (rc)
		goto free_all;
	/* Mirror the nm of the toolchain that wrote the archive (its first Go
	 * object) or built the executable (its buildinfo); other input gets
	 * the newest. */
	const struct gl_objtab *t = NULL;
	for (size_t i = 0; i < ms.len && !t; i++)
		if (objs[i])
			t = gl_goobj_tab(objs[i]);
	gl_gobin *gb = NULL;
	goload_err ignored;
	if (!t && !a && gl_gobin_open_span(data, path, &gb, &ignored) == 0) {
		t = gl_objtab_for(gl_go_minor(gl_gobin_get_info(gb)->go_version));
		gl_gobin_close(gb);
	}
	for (int m = GL_GO_MINOR_MAX; !t && m >= GL_GO_MINOR_MIN_OBJ; m--)
		t = gl_objtab_for(m);
	for (size_t i = 0; i < ms.len; i++)
		if (ms.v[i].sentinel && !t->nm_skips_sentinel) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "open %s: unrecognized archive member %s", path, ms.v[i].name);
			goto free_all;
		}
	size_t nentries = 0;
	for (size_t i = 0; i < ms.len; i++)
		nentries += !ms.v[i].sentinel;
	bool found = false;
	for (size_t i = 0; i < ms.len && !rc; i++) {
		if (ms.v[i].sentinel)
			continue;
		if (objs[i])
			rc = go_symbols(objs[i], &es[i], err);
		else
			rc = elf_symbols(elfs[i], &es[i], t, err);
		if (!rc && es[i].syms.len) {
			found = true;
			rc = sort_entry(&es[i], opts->sort, t, err);
			if (!rc && !print_entry(&es[i], path, ms.v[i].name, nentries > 1, opts, out))
				rc = gl_err(err, GOLOAD_E_IO, "%s: writing the listing failed", path);
		}
	}
	if (!rc && !found)
		rc = gl_err(err, GOLOAD_E_NOTFOUND, "reading %s: no symbols", path);
free_all:
	for (size_t i = 0; i < ms.len; i++) {
		if (objs)
			gl_goobj_close(objs[i]);
		if (elfs)
			gl_elf_close(elfs[i]);
		if (es)
			entry_free(&es[i]);
	}
	free(objs);
	free(elfs);
	free(es);
done:
	GL_VEC_FREE(&ms);
	gl_goobj_archive_close(a);
	return rc;
}

int goload_nm(const char *path, const goload_nm_opts *opts, FILE *out, goload_err *err)
{
	gl_file *f = NULL;
	int rc = gl_file_open(path, &f, err);
	if (rc)
		return rc;
	rc = gl_goobj_nm_span(f->data, path, opts, out, err);
	gl_file_close(f);
	return rc;
}
