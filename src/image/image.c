/*
 * The image interface over the three backends. Each backend parses its own
 * format (src/elf, src/pe, src/macho); this file turns what it read into
 * segments, sections and symbols, and answers byte reads by address.
 */
#include "image/image.h"
#include "macho/macho.h"
#include "pe/pe.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ------------------------------------------------------------------ ELF */

static char elf_sym_kind(const gl_elf *e, const gl_elf_sym *s)
{
	char k = 'R';
	if (s->shndx == 0)
		return 'U';
	if (s->shndx < e->nsecs) {
		const gl_elf_sec *sec = &e->secs[s->shndx];
		if (sec->flags & 4 /* SHF_EXECINSTR */)
			k = 'T';
		else if (sec->type == GL_SHT_NOBITS)
			k = 'B';
		else if (sec->flags & 1 /* SHF_WRITE */)
			k = 'D';
	} else if (s->type == GL_STT_FUNC) {
		k = 'T';
	} else if (s->type == GL_STT_TLS) {
		k = 'B';
	} else {
		k = 'D';
	}
	return s->bind == 0 /* STB_LOCAL */ ? (char)(k - 'A' + 'a') : k;
}

typedef struct reloc_word_at {
	uint64_t off, value; /* file offset of the word, its value */
} reloc_word_at;

typedef struct reloc_ctx {
	const gl_elf *e;
	GL_VEC(reloc_word_at) words; /* decided on the file's bytes, written in order */
	bool oom;
	uint64_t lo, hi; /* file offsets of the words to write, [lo, hi) */
} reloc_ctx;

static void reloc_word(void *p, gl_elf_dynword w)
{
	reloc_ctx *c = p;
	const uint8_t *at = gl_elf_va(c->e, w.va, 8);
	uint64_t cur;
	if (!at || !w.value)
		return;
	memcpy(&cur, at, 8);
	if (cur != 0)
		return; /* the static linker already wrote it */
	uint64_t off = (uint64_t)(at - c->e->img.p);
	if (!c->words.len || off < c->lo)
		c->lo = off;
	if (!c->words.len || off + 8 > c->hi)
		c->hi = off + 8;
	reloc_word_at rw = {off, w.value};
	if (!GL_VEC_PUSH(&c->words, rw))
		c->oom = true;
}

static void reloc_write(const reloc_ctx *c, uint8_t *dst)
{
	for (size_t i = 0; i < c->words.len; i++)
		memcpy(dst + c->words.v[i].off, &c->words.v[i].value, 8);
}

static bool ranges_meet(uint64_t a, uint64_t an, uint64_t b, uint64_t bn) { return a < b + bn && b < a + an; }

/* Whether bytes [lo, hi) of the file are any that gl_elf_open read into
 * its own structures (headers, symbol and string tables, the interpreter
 * path): written there, the parse must be redone to stay what a parse of
 * the relocated bytes gives. */
static bool parse_input_in(const gl_elf *e, uint64_t lo, uint64_t hi)
{
	const uint8_t *h = e->img.p;
	uint64_t phoff, shoff;
	uint16_t phnum, shnum, shstrndx;
	memcpy(&phoff, h + 32, 8);
	memcpy(&shoff, h + 40, 8);
	memcpy(&phnum, h + 56, 2);
	memcpy(&shnum, h + 60, 2);
	memcpy(&shstrndx, h + 62, 2);
	uint64_t n = hi - lo;
	if (ranges_meet(lo, n, 0, 64) || ranges_meet(lo, n, phoff, 56ull * phnum) || ranges_meet(lo, n, shoff, 64ull * shnum))
		return true;
	for (size_t i = 0; i < e->nsegs; i++)
		if (e->segs[i].type == GL_PT_INTERP && ranges_meet(lo, n, e->segs[i].off, e->segs[i].filesz))
			return true;
	for (size_t i = 0; i < e->nsecs; i++) {
		const gl_elf_sec *s = &e->secs[i];
		bool tab = s->type == GL_SHT_SYMTAB || s->type == GL_SHT_DYNSYM || i == shstrndx;
		if (tab && ranges_meet(lo, n, s->off, s->size))
			return true;
		if ((s->type == GL_SHT_SYMTAB || s->type == GL_SHT_DYNSYM) && s->link < e->nsecs &&
		    ranges_meet(lo, n, e->secs[s->link].off, e->secs[s->link].size))
			return true;
	}
	return false;
}

/* Bytes the ELF backend copied for relocated images, and pages it wrote
 * in place (a process-wide count, for tests and benches). */
static uint64_t image_copied_bytes, image_cow_pages;
static int image_always_copy; /* goload_bench_image_copy */

void goload_bench_image_copy(int on) { __atomic_store_n(&image_always_copy, on, __ATOMIC_RELAXED); }

uint64_t gl_image_copied_bytes(void) { return __atomic_load_n(&image_copied_bytes, __ATOMIC_RELAXED); }
uint64_t gl_image_cow_pages(void) { return __atomic_load_n(&image_cow_pages, __ATOMIC_RELAXED); }

/* In a private file mapping (GL_IMAGE_PRIVATE_MAP): the pages that hold
 * the words are made writable for the writes, so the kernel copies those
 * pages only, then read-only again. False (nothing written) when the
 * protection cannot be changed. */
static bool write_in_place(const reloc_ctx *c, gl_span img, bool writable)
{
	if (writable) {
		reloc_write(c, (uint8_t *)(uintptr_t)img.p);
		return true;
	}
	long pg = sysconf(_SC_PAGESIZE);
	if (pg <= 0)
		return false;
	uintptr_t base = (uintptr_t)img.p;
	uintptr_t lo = (base + (uintptr_t)c->lo) & ~((uintptr_t)pg - 1);
	uintptr_t hi = (base + (uintptr_t)c->hi + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
	if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE) != 0)
		return false;
	reloc_write(c, (uint8_t *)base);
	mprotect((void *)lo, hi - lo, PROT_READ);
	__atomic_add_fetch(&image_cow_pages, (uint64_t)(hi - lo) / (uint64_t)pg, __ATOMIC_RELAXED);
	return true;
}

/* Some linkers leave the words of dynamic relocations 0 in the file (GNU
 * ld on arm64, and symbol relocations of executables that import plugin
 * or are plugins): apply the ones whose value is known, so moduledata and
 * the tables it points at read as the running program sees them. Images
 * that need none (most) are not touched. A private file mapping is
 * written in place (the kernel copies the few pages written); any other
 * span is copied whole. */
static int elf_open_relocated(gl_image *im, gl_span img, const char *what, unsigned flags, goload_err *err)
{
	unsigned ef = flags & GL_IMAGE_LAZY_SYMS ? GL_ELF_LAZY_SYMS : 0;
	int rc = gl_elf_open_flags(img, what, ef, &im->elf, err);
	if (rc)
		return rc;
	reloc_ctx c = {.e = im->elf};
	if (!gl_elf_dynwords(im->elf, reloc_word, &c) || !c.words.len) {
		GL_VEC_FREE(&c.words);
		return 0;
	}
	if (c.oom) {
		GL_VEC_FREE(&c.words);
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for its relocated words", what);
	}
	bool reparse = true;
	if ((flags & GL_IMAGE_PRIVATE_MAP) && !__atomic_load_n(&image_always_copy, __ATOMIC_RELAXED) &&
	    write_in_place(&c, img, flags & GL_IMAGE_WRITABLE_MAP)) {
		reparse = parse_input_in(im->elf, c.lo, c.hi);
	} else {
		uint8_t *copy = malloc(img.n);
		if (!copy) {
			GL_VEC_FREE(&c.words);
			return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for a relocated copy", what);
		}
		memcpy(copy, img.p, img.n);
		__atomic_add_fetch(&image_copied_bytes, (uint64_t)img.n, __ATOMIC_RELAXED);
		reloc_write(&c, copy);
		im->owned = copy;
		img = gl_span_make(copy, img.n);
	}
	GL_VEC_FREE(&c.words);
	if (!reparse)
		return 0;
	gl_elf_close(im->elf);
	im->elf = NULL;
	return gl_elf_open_flags(img, what, ef, &im->elf, err);
}

static const char *elf_os(const gl_elf *e)
{
	switch (e->img.p[7]) { /* EI_OSABI */
	case 2: return "netbsd";
	case 6: return "solaris";
	case 9: return "freebsd";
	case 12: return "openbsd";
	default: return "linux";
	}
}

static bool elf_syms(gl_image *im);

/* The names gobin's open looks up (gl_image_sym_find). */
static const char *const open_names[GL_IMAGE_NKNOWN] = {"runtime.pcheader", "runtime.pclntab", "runtime.firstmoduledata",
					 "local.moduledata", "go:link.moduledata"};

static int from_elf(gl_image *im, gl_span img, const char *what, unsigned flags, goload_err *err)
{
	int rc = elf_open_relocated(im, img, what, flags, err);
	if (rc)
		return rc;
	const gl_elf *e = im->elf;
	im->format = GL_IMG_ELF;
	im->format_name = "ELF";
	im->arch = gl_elf_machine_name(e->machine);
	im->os = elf_os(e);
	im->img = e->img;
	im->entry = e->entry;
	im->fixed = e->etype == GL_ET_EXEC;
	im->segs = calloc(e->nsegs ? e->nsegs : 1, sizeof *im->segs);
	im->secs = calloc(e->nsecs ? e->nsecs : 1, sizeof *im->secs);
	if (!im->segs || !im->secs)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	for (size_t i = 0; i < e->nsegs; i++) {
		const gl_elf_seg *s = &e->segs[i];
		if (s->type != GL_PT_LOAD)
			continue;
		im->segs[im->nsegs++] = (gl_image_seg){s->vaddr, s->memsz, s->off, s->filesz,
						       (s->flags & GL_PF_R ? GL_IMG_R : 0) | (s->flags & GL_PF_W ? GL_IMG_W : 0) |
							       (s->flags & GL_PF_X ? GL_IMG_X : 0)};
	}
	for (size_t i = 0; i < e->nsecs; i++) {
		const gl_elf_sec *s = &e->secs[i];
		im->secs[im->nsecs++] = (gl_image_sec){s->name, s->addr, s->size, s->off,
						       GL_IMG_R | (s->flags & 1 ? GL_IMG_W : 0) | (s->flags & 4 ? GL_IMG_X : 0),
						       s->type == GL_SHT_NOBITS};
	}
	if (!e->syms_pending)
		return elf_syms(im) ? 0 : gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	/* Read later. Stripped or not is known now: any named .symtab entry
	 * other than a section or file says not (the first few do). */
	im->syms_pending = true;
	for (size_t i = 0; i < e->nsecs && !im->nsymtab; i++) {
		const gl_elf_sec *s = &e->secs[i];
		gl_span d = s->type == GL_SHT_SYMTAB ? gl_elf_sec_data(e, s) : gl_span_make(NULL, 0);
		for (size_t k = 0; k + 24 <= d.n && !im->nsymtab; k += 24) {
			uint32_t name;
			memcpy(&name, d.p + k, 4);
			uint8_t type = d.p[k + 4] & 0xf;
			im->nsymtab = name && type != GL_STT_SECTION && type != GL_STT_FILE;
		}
	}
	return 0;
}

/* The names gobin's open looks up, in one pass over the raw entries
 * (.symtab's, then .dynsym's, first match as the full read would find
 * it). It touches every entry and name: about a millisecond in a host
 * that imports plugin, which the host index cache spares. */
static void known_scan(gl_image *im)
{
	const gl_elf *e = im->elf;
	im->known_done = true;
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < e->nsecs; i++) {
			const gl_elf_sec *s = &e->secs[i];
			if (s->type != (t ? GL_SHT_DYNSYM : GL_SHT_SYMTAB) || s->link >= e->nsecs)
				continue;
			gl_span d = gl_elf_sec_data(e, s), strs = gl_elf_sec_data(e, &e->secs[s->link]);
			for (size_t k = 0; k + 24 <= d.n; k += 24) {
				gl_rd r = gl_rd_make(d, k);
				uint32_t name = gl_rd_u32(&r);
				uint8_t info = gl_rd_u8(&r);
				gl_elf_sym es = {.type = info & 0xf, .bind = info >> 4};
				if (!name || es.type == GL_STT_SECTION || es.type == GL_STT_FILE || name >= strs.n)
					continue;
				char c = (char)strs.p[name];
				if (c != 'r' && c != 'l' && c != 'g')
					continue;
				const char *nm = gl_cstr_at(strs, name, NULL);
				for (size_t n = 0; nm && n < GL_IMAGE_NKNOWN; n++) {
					if ((im->known_mask & (1u << n)) || strcmp(nm, open_names[n]))
						continue;
					es.other = gl_rd_u8(&r);
					es.shndx = gl_rd_u16(&r);
					es.value = gl_rd_u64(&r);
					es.size = gl_rd_u64(&r);
					im->known[n] = (gl_image_sym){open_names[n], es.value, es.size, elf_sym_kind(e, &es),
								      t ? GL_IMGSYM_DYNSYM : GL_IMGSYM_SYMTAB,
								      (uint32_t)strlen(open_names[n])};
					im->known_mask |= (uint8_t)(1u << n);
				}
			}
		}
}

uint8_t gl_image_known(gl_image *im, gl_image_sym out[GL_IMAGE_NKNOWN])
{
	if (!im->syms_pending)
		for (size_t n = 0; n < GL_IMAGE_NKNOWN; n++) {
			const gl_image_sym *s = gl_image_sym_find(im, open_names[n]);
			im->known[n] = s ? *s : (gl_image_sym){0};
			im->known_mask = (uint8_t)(s ? im->known_mask | 1u << n : im->known_mask & ~(1u << n));
		}
	else if (!im->known_done)
		known_scan(im);
	memcpy(out, im->known, sizeof im->known);
	return im->known_mask;
}

void gl_image_known_set(gl_image *im, const gl_image_sym known[GL_IMAGE_NKNOWN], uint8_t mask)
{
	if (!im->syms_pending)
		return;
	for (size_t n = 0; n < GL_IMAGE_NKNOWN; n++) {
		im->known[n] = (mask & (1u << n)) ? known[n] : (gl_image_sym){0};
		im->known[n].name = open_names[n];
		im->known[n].namelen = (uint32_t)strlen(open_names[n]);
	}
	im->known_mask = mask;
	im->known_done = true;
}

/* The ELF backend's symbols as the image's: .symtab's, then .dynsym's. */
static bool elf_syms(gl_image *im)
{
	const gl_elf *e = im->elf;
	im->syms = calloc(e->nsyms + e->ndynsyms + 1, sizeof *im->syms);
	if (!im->syms)
		return false;
	gl_prefault(im->syms, (e->nsyms + e->ndynsyms) * sizeof *im->syms);
	im->nsyms = im->nsymtab = 0;
	struct {
		const gl_elf_sym *v;
		size_t n;
		uint8_t src;
	} tabs[] = {{e->syms, e->nsyms, GL_IMGSYM_SYMTAB}, {e->dynsyms, e->ndynsyms, GL_IMGSYM_DYNSYM}};
	for (size_t t = 0; t < 2; t++)
		for (size_t i = 0; i < tabs[t].n; i++) {
			const gl_elf_sym *s = &tabs[t].v[i];
			if (!s->name[0] || s->type == GL_STT_SECTION || s->type == GL_STT_FILE)
				continue;
			im->syms[im->nsyms++] = (gl_image_sym){s->name, s->value, s->size, elf_sym_kind(e, s), tabs[t].src,
									s->namelen};
			if (t == 0)
				im->nsymtab++;
		}
	return true;
}

/* The first .symtab (t 0) or .dynsym (t 1), as gl_elf_read_syms reads. */
static const gl_elf_sec *elf_symsec(const gl_elf *e, int t)
{
	for (size_t i = 0; i < e->nsecs; i++)
		if (e->secs[i].type == (t ? GL_SHT_DYNSYM : GL_SHT_SYMTAB))
			return &e->secs[i];
	return NULL;
}

size_t gl_image_syms_max(const gl_image *im)
{
	if (!im->syms_pending)
		return im->nsyms;
	size_t n = 0;
	for (int t = 0; t < 2; t++) {
		const gl_elf_sec *s = elf_symsec(im->elf, t);
		n += s ? (size_t)(s->size / 24) : 0;
	}
	return n;
}

int gl_image_each_sym(gl_image *im, const char *what, gl_image_sym_fn *fn, void *ctx, goload_err *err)
{
	if (!im->syms_pending) {
		for (size_t i = 0; i < im->nsyms; i++)
			if (!fn(ctx, &im->syms[i]))
				return 0;
		return 0;
	}
	/* As read_syms (elf.c) then elf_syms read them, without the arrays. */
	const gl_elf *e = im->elf;
	size_t nsymtab = 0;
	for (int t = 0; t < 2; t++) {
		const gl_elf_sec *sh = elf_symsec(e, t);
		gl_span data, strs;
		int rc = sh ? gl_elf_symtab_spans(e, sh, what, &data, &strs, err) : 0;
		if (rc)
			return rc;
		for (size_t k = 0; sh && k < data.n / 24; k++) {
			gl_elf_sym es;
			gl_elf_sym_decode(data, strs, k, &es);
			if (!es.name[0] || es.type == GL_STT_SECTION || es.type == GL_STT_FILE)
				continue;
			nsymtab += t == 0;
			gl_image_sym s = {es.name, es.value, es.size, elf_sym_kind(e, &es),
					  t ? GL_IMGSYM_DYNSYM : GL_IMGSYM_SYMTAB, es.namelen};
			if (!fn(ctx, &s))
				return 0;
		}
	}
	im->nsymtab = nsymtab;
	return 0;
}

int gl_image_read_syms(gl_image *im, const char *what, goload_err *err)
{
	if (!im->syms_pending)
		return 0;
	int rc = gl_elf_read_syms(im->elf, what, err);
	if (rc)
		return rc;
	if (!elf_syms(im))
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", what);
	im->syms_pending = false;
	return 0;
}

/* ------------------------------------------------------------------- PE */

static int from_pe(gl_image *im, gl_span img, const char *what, goload_err *err)
{
	gl_pe *p;
	int rc = gl_pe_open(img, what, &p, err);
	if (rc)
		return rc;
	im->backend = p;
	im->format = GL_IMG_PE;
	im->format_name = "PE";
	im->arch = p->machine == GL_PE_AMD64 ? "amd64" : "arm64";
	im->os = "windows";
	im->img = img;
	im->entry = p->entry_rva ? p->image_base + p->entry_rva : 0;
	im->segs = calloc(p->nsecs + 1, sizeof *im->segs);
	im->secs = calloc(p->nsecs + 1, sizeof *im->secs);
	im->syms = calloc(p->nsyms + 1, sizeof *im->syms);
	if (!im->segs || !im->secs || !im->syms)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	for (size_t i = 0; i < p->nsecs; i++) {
		const gl_pe_sec *s = &p->secs[i];
		uint32_t flags = (s->chars & GL_PE_SCN_MEM_READ ? GL_IMG_R : 0) | (s->chars & GL_PE_SCN_MEM_WRITE ? GL_IMG_W : 0) |
				 (s->chars & GL_PE_SCN_MEM_EXECUTE ? GL_IMG_X : 0);
		uint64_t mem = s->vsize ? s->vsize : s->rawsize;
		/* SizeOfRawData is rounded up to the file alignment: past
		 * VirtualSize it is padding, not the section's bytes. */
		uint64_t file = s->rawsize < mem ? s->rawsize : mem;
		bool nobits = !s->rawsize || ((s->chars & GL_PE_SCN_CNT_UNINITIALIZED_DATA) && !(s->chars & GL_PE_SCN_CNT_INITIALIZED_DATA));
		im->secs[im->nsecs++] = (gl_image_sec){s->name, p->image_base + s->rva, mem, s->rawoff, flags, nobits};
		if (s->rva == 0 || !mem) /* not mapped (debug data of objects) */
			continue;
		im->segs[im->nsegs++] = (gl_image_seg){p->image_base + s->rva, mem, s->rawoff, nobits ? 0 : file, flags};
	}
	/* As cmd/internal/objfile reads COFF symbols. Go's internal linker
	 * puts bss into .data: past runtime.bss, or past the section's file
	 * bytes, a data symbol is bss. */
	int16_t bss_sec = 0;
	uint32_t bss_addr = 0;
	for (size_t i = 0; i < p->nsyms && !bss_sec; i++)
		if (!strcmp(p->syms[i].name, "runtime.bss")) {
			bss_sec = p->syms[i].secnum;
			bss_addr = p->syms[i].value;
		}
	for (size_t i = 0; i < p->nsyms; i++) {
		const gl_pe_sym *s = &p->syms[i];
		if (!s->name[0] || s->secnum < -1 || (size_t)s->secnum > p->nsecs || s->sclass == 103 /* FILE */)
			continue;
		char kind = s->secnum == 0 ? 'U' : 'C'; /* undefined; absolute */
		uint64_t va = s->value;
		if (s->secnum > 0) {
			const gl_pe_sec *sec = &p->secs[s->secnum - 1];
			va = p->image_base + sec->rva + s->value;
			kind = '?';
			if (sec->chars & GL_PE_SCN_CNT_CODE)
				kind = 'T';
			else if (sec->chars & GL_PE_SCN_CNT_INITIALIZED_DATA)
				kind = !(sec->chars & GL_PE_SCN_MEM_WRITE)                          ? 'R'
				       : (bss_sec == s->secnum && bss_addr && s->value >= bss_addr) ? 'B'
				       : s->value >= sec->rawsize                                   ? 'B'
												    : 'D';
			else if (sec->chars & GL_PE_SCN_CNT_UNINITIALIZED_DATA)
				kind = 'B';
		}
		im->syms[im->nsyms++] = (gl_image_sym){s->name, va, 0, kind, GL_IMGSYM_SYMTAB, 0};
	im->nsymtab += kind != 'U';
	}
	return 0;
}

/* --------------------------------------------------------------- Mach-O */

static int from_macho(gl_image *im, gl_span img, const char *what, const char *arch, goload_err *err)
{
	int kind = gl_macho_kind(img);
	int rc;
	if (kind == 2) {
		gl_span slice;
		if ((rc = gl_macho_fat_slice(img, what, arch, &slice, err)) != 0)
			return rc;
		if (gl_macho_kind(slice) == 2)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: universal Mach-O nested in a universal Mach-O", what);
		img = slice;
	} else if (arch) {
		return gl_err(err, GOLOAD_E_INVAL, "%s: --arch selects a slice of a universal Mach-O; this file is not one", what);
	}
	gl_macho *m;
	if ((rc = gl_macho_open(img, what, &m, err)) != 0)
		return rc;
	im->backend = m;
	im->format = GL_IMG_MACHO;
	im->format_name = "Mach-O";
	im->arch = m->cputype == GL_MACHO_CPU_AMD64 ? "amd64" : "arm64";
	im->os = "darwin";
	im->img = img;
	im->entry = m->entry;
	im->segs = calloc(m->nsegs + 1, sizeof *im->segs);
	im->secs = calloc(m->nsecs + 1, sizeof *im->secs);
	im->syms = calloc(m->nsyms + 1, sizeof *im->syms);
	if (!im->segs || !im->secs || !im->syms)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	for (size_t i = 0; i < m->nsegs; i++) {
		const gl_macho_seg *s = &m->segs[i];
		uint32_t flags = (s->initprot & 1 ? GL_IMG_R : 0) | (s->initprot & GL_MACHO_VM_W ? GL_IMG_W : 0) |
				 (s->initprot & GL_MACHO_VM_X ? GL_IMG_X : 0);
		/* __DWARF is not mapped (no protection); a segment maps at most
		 * vmsize bytes of the file. */
		if (s->vmsize && s->initprot)
			im->segs[im->nsegs++] = (gl_image_seg){s->vmaddr, s->vmsize, s->fileoff,
							       s->filesize < s->vmsize ? s->filesize : s->vmsize, flags};
	}
	for (size_t i = 0; i < m->nsecs; i++) {
		const gl_macho_sec *s = &m->secs[i];
		uint32_t prot = m->segs[s->segidx].initprot;
		im->secs[im->nsecs++] = (gl_image_sec){s->name, s->addr, s->size, s->off,
						       GL_IMG_R | (prot & GL_MACHO_VM_W ? GL_IMG_W : 0) | (prot & GL_MACHO_VM_X ? GL_IMG_X : 0),
						       gl_macho_sec_zerofill(s)};
	}
	/* As cmd/internal/objfile reads nlist entries. */
	for (size_t i = 0; i < m->nsyms; i++) {
		const gl_macho_sym *s = &m->syms[i];
		if (s->type & 0xe0 /* N_STAB */ || !s->name[0])
			continue;
		char k = '?';
		if (s->sect == 0) {
			k = 'U';
		} else if (s->sect <= m->nsecs) {
			const gl_macho_sec *x = &m->secs[s->sect - 1];
			if (!strcmp(x->seg, "__TEXT") || !strcmp(x->seg, "__DATA_CONST"))
				k = 'R';
			else if (!strcmp(x->seg, "__DATA"))
				k = 'D';
			if (!strcmp(x->seg, "__TEXT") && !strcmp(x->name, "__text"))
				k = 'T';
			else if (!strcmp(x->seg, "__DATA") && (!strcmp(x->name, "__bss") || !strcmp(x->name, "__noptrbss")))
				k = 'B';
		}
		/* The linker adds "_" to Go symbols (those with a dot); debug/macho
		 * and go tool nm drop it again (Go issue 33808). */
		const char *name = s->name[0] == '_' && strchr(s->name, '.') ? s->name + 1 : s->name;
		im->syms[im->nsyms++] = (gl_image_sym){name, s->value, 0, k, GL_IMGSYM_SYMTAB, 0};
		/* -s keeps LC_SYMTAB for the imports: stripped means no definitions. */
		im->nsymtab += k != 'U';
	}
	return 0;
}

/* ------------------------------------------------------------ interface */

int gl_image_open(gl_span img, const char *what, const char *arch, gl_image **out, goload_err *err)
{
	return gl_image_open_flags(img, what, arch, 0, out, err);
}

int gl_image_open_flags(gl_span img, const char *what, const char *arch, unsigned flags, gl_image **out,
			goload_err *err)
{
	*out = NULL;
	gl_image *im = calloc(1, sizeof *im);
	if (!im)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	int rc;
	if (img.n >= 4 && !memcmp(img.p, "\x7f" "ELF", 4)) {
		rc = arch ? gl_err(err, GOLOAD_E_INVAL, "%s: --arch selects a slice of a universal Mach-O; this is an ELF file", what)
			  : from_elf(im, img, what, flags, err);
	} else if (gl_pe_is(img)) {
		rc = arch ? gl_err(err, GOLOAD_E_INVAL, "%s: --arch selects a slice of a universal Mach-O; this is a PE file", what)
			  : from_pe(im, img, what, err);
	} else if (gl_macho_kind(img)) {
		rc = from_macho(im, img, what, arch, err);
	} else {
		rc = gl_err(err, GOLOAD_E_FORMAT, "%s: not an ELF, PE or Mach-O file", what);
	}
	if (rc) {
		gl_image_close(im);
		return rc;
	}
	*out = im;
	return 0;
}

void gl_image_close(gl_image *im)
{
	if (!im)
		return;
	gl_elf_close(im->elf);
	if (im->format == GL_IMG_PE)
		gl_pe_close(im->backend);
	else if (im->format == GL_IMG_MACHO)
		gl_macho_close(im->backend);
	free(im->owned);
	free(im->segs);
	free(im->secs);
	free(im->syms);
	free(im->strs);
	free(im);
}

static const gl_image_seg *seg_of(const gl_image *im, uint64_t va)
{
	for (size_t i = 0; i < im->nsegs; i++) {
		const gl_image_seg *s = &im->segs[i];
		if (va >= s->vaddr && va - s->vaddr < s->filesz)
			return s;
	}
	return NULL;
}

const uint8_t *gl_image_va(const gl_image *im, uint64_t va, uint64_t n)
{
	const gl_image_seg *s = seg_of(im, va);
	if (!s || n > s->filesz - (va - s->vaddr))
		return NULL;
	uint64_t off = s->off + (va - s->vaddr);
	return gl_span_has(im->img, off, n) ? im->img.p + off : NULL;
}

gl_span gl_image_va_span(const gl_image *im, uint64_t va)
{
	const gl_image_seg *s = seg_of(im, va);
	if (!s)
		return gl_span_make(NULL, 0);
	uint64_t rel = va - s->vaddr;
	return gl_span_sub(im->img, s->off + rel, s->filesz - rel);
}

static const gl_image_sec *sec_named(const gl_image *im, const char *name)
{
	for (size_t i = 0; i < im->nsecs; i++)
		if (!strcmp(im->secs[i].name, name))
			return &im->secs[i];
	return NULL;
}

const gl_image_sec *gl_image_gosec(const gl_image *im, enum gl_img_gosec which)
{
	static const char *const names[][3] = {
		[GL_GOSEC_PCLNTAB] = {".gopclntab", ".data.rel.ro.gopclntab", "__gopclntab"},
		[GL_GOSEC_BUILDINFO] = {".go.buildinfo", "__go_buildinfo", NULL},
		[GL_GOSEC_DWARFINFO] = {".debug_info", ".zdebug_info", "__debug_info"},
	};
	if ((unsigned)which >= GL_ARRAY_LEN(names))
		return NULL;
	for (size_t i = 0; i < 3; i++) {
		const gl_image_sec *s = names[which][i] ? sec_named(im, names[which][i]) : NULL;
		if (s)
			return s;
	}
	if (which == GL_GOSEC_DWARFINFO)
		return sec_named(im, "__zdebug_info");
	return NULL;
}

gl_span gl_image_sec_data(const gl_image *im, const gl_image_sec *s)
{
	if (!s || s->nobits)
		return gl_span_make(NULL, 0);
	return gl_span_sub(im->img, s->off, s->size);
}

const gl_image_sym *gl_image_sym_find(gl_image *im, const char *name)
{
	if (im->syms_pending) {
		for (size_t k = 0; k < GL_IMAGE_NKNOWN; k++)
			if (!strcmp(name, open_names[k])) {
				if (!im->known_done)
					known_scan(im);
				return im->known_mask & (1u << k) ? &im->known[k] : NULL;
			}
		if (gl_image_read_syms(im, "image", NULL))
			return NULL;
	}
	for (size_t i = 0; i < im->nsyms; i++)
		if (!strcmp(im->syms[i].name, name))
			return &im->syms[i];
	return NULL;
}
