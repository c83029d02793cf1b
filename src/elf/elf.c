#include "elf/elf.h"

#include <stdlib.h>

const char *gl_elf_machine_name(uint16_t m)
{
	switch (m) {
	case GL_EM_X86_64: return "amd64";
	case GL_EM_AARCH64: return "arm64";
	case 3: return "386";
	case 40: return "arm";
	case 8: return "mips";
	case 21: return "ppc64";
	case 22: return "s390x";
	case 243: return "riscv64";
	case 258: return "loong64";
	default: return "unknown";
	}
}

int gl_elf_symtab_spans(const gl_elf *e, const gl_elf_sec *sh, const char *what, gl_span *data, gl_span *strs,
			goload_err *err)
{
	if (sh->link >= e->nsecs)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: symbol table %s links to section %u of %zu", what,
			      sh->name, sh->link, e->nsecs);
	*strs = gl_elf_sec_data(e, &e->secs[sh->link]);
	*data = gl_elf_sec_data(e, sh);
	if (!data->p || sh->size % 24)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: symbol table %s at 0x%llx size 0x%llx is out of range",
			      what, sh->name, (unsigned long long)sh->off, (unsigned long long)sh->size);
	return 0;
}

void gl_elf_sym_decode(gl_span data, gl_span strs, size_t i, gl_elf_sym *out)
{
	gl_rd r = gl_rd_make(data, i * 24);
	uint32_t name = gl_rd_u32(&r);
	uint8_t info = gl_rd_u8(&r);
	out->other = gl_rd_u8(&r);
	out->shndx = gl_rd_u16(&r);
	out->value = gl_rd_u64(&r);
	out->size = gl_rd_u64(&r);
	out->type = info & 0xf;
	out->bind = info >> 4;
	size_t len = 0;
	const char *nm = gl_cstr_at(strs, name, &len);
	out->name = nm ? nm : "";
	out->namelen = nm && len <= UINT32_MAX ? (uint32_t)len : 0;
}

static int read_syms(gl_elf *e, const gl_elf_sec *sh, gl_elf_sym **out, size_t *nout, const char *what,
		     goload_err *err)
{
	gl_span data, strs;
	int rc = gl_elf_symtab_spans(e, sh, what, &data, &strs, err);
	if (rc)
		return rc;
	size_t n = (size_t)(sh->size / 24);
	gl_elf_sym *syms = calloc(n ? n : 1, sizeof *syms);
	if (!syms)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for %zu symbols", what, n);
	gl_prefault(syms, n * sizeof *syms);
	for (size_t i = 0; i < n; i++)
		gl_elf_sym_decode(data, strs, i, &syms[i]);
	*out = syms;
	*nout = n;
	return 0;
}

int gl_elf_read_syms(gl_elf *e, const char *what, goload_err *err)
{
	for (size_t i = 0; e->syms_pending && i < e->nsecs; i++) {
		const gl_elf_sec *s = &e->secs[i];
		int rc = 0;
		if (s->type == GL_SHT_SYMTAB && !e->syms)
			rc = read_syms(e, s, &e->syms, &e->nsyms, what, err);
		else if (s->type == GL_SHT_DYNSYM && !e->dynsyms)
			rc = read_syms(e, s, &e->dynsyms, &e->ndynsyms, what, err);
		if (rc)
			return rc;
	}
	e->syms_pending = false;
	return 0;
}

int gl_elf_open(gl_span img, const char *what, gl_elf **out, goload_err *err)
{
	return gl_elf_open_flags(img, what, 0, out, err);
}

int gl_elf_open_flags(gl_span img, const char *what, unsigned flags, gl_elf **out, goload_err *err)
{
	*out = NULL;
	if (img.n < 64 || memcmp(img.p, "\x7f" "ELF", 4) != 0)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: not an ELF file", what);
	if (img.p[4] != 2)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: 32-bit ELF is not supported", what);
	if (img.p[5] != 1)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: big-endian ELF is not supported", what);

	gl_elf *e = calloc(1, sizeof *e);
	if (!e)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	e->img = img;
	gl_rd r = gl_rd_make(img, 16);
	e->etype = gl_rd_u16(&r);
	e->machine = gl_rd_u16(&r);
	gl_rd_u32(&r); /* version */
	e->entry = gl_rd_u64(&r);
	uint64_t phoff = gl_rd_u64(&r), shoff = gl_rd_u64(&r);
	gl_rd_u32(&r); /* flags */
	gl_rd_u16(&r); /* ehsize */
	uint16_t phentsize = gl_rd_u16(&r), phnum = gl_rd_u16(&r);
	uint16_t shentsize = gl_rd_u16(&r), shnum = gl_rd_u16(&r), shstrndx = gl_rd_u16(&r);
	int rc = 0;

	if (e->machine != GL_EM_X86_64 && e->machine != GL_EM_AARCH64) {
		rc = gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: ELF machine %u (%s) is not supported (amd64 and arm64 are)",
			    what, e->machine, gl_elf_machine_name(e->machine));
		goto fail;
	}

	if (phnum) {
		if (phentsize != 56 || !gl_span_has(img, phoff, (uint64_t)phnum * 56)) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: program headers at 0x%llx (%u x %u bytes) are out of range",
				    what, (unsigned long long)phoff, phnum, phentsize);
			goto fail;
		}
		e->segs = calloc(phnum, sizeof *e->segs);
		if (!e->segs)
			goto oom;
		for (size_t i = 0; i < phnum; i++) {
			gl_rd p = gl_rd_make(img, phoff + i * 56);
			gl_elf_seg *s = &e->segs[i];
			s->type = gl_rd_u32(&p);
			s->flags = gl_rd_u32(&p);
			s->off = gl_rd_u64(&p);
			s->vaddr = gl_rd_u64(&p);
			gl_rd_u64(&p); /* paddr */
			s->filesz = gl_rd_u64(&p);
			s->memsz = gl_rd_u64(&p);
			s->align = gl_rd_u64(&p);
			/* A segment whose file part runs past EOF is clipped, not fatal:
			 * truncated files still inspect as far as they go. */
			if (s->off > img.n)
				s->filesz = 0;
			else if (s->filesz > img.n - s->off)
				s->filesz = img.n - s->off;
			if (s->type == GL_PT_INTERP && s->filesz)
				e->interp = gl_cstr_at(gl_span_sub(img, s->off, s->filesz), 0, NULL);
		}
		e->nsegs = phnum;
	}

	/* Section headers are optional: a table that is absent or out of range
	 * is treated as absent, since everything essential comes from segments. */
	if (shnum && shentsize == 64 && gl_span_has(img, shoff, (uint64_t)shnum * 64)) {
		e->secs = calloc(shnum, sizeof *e->secs);
		if (!e->secs)
			goto oom;
		for (size_t i = 0; i < shnum; i++) {
			gl_rd p = gl_rd_make(img, shoff + i * 64);
			gl_elf_sec *s = &e->secs[i];
			uint32_t name = gl_rd_u32(&p);
			s->name = (const char *)(uintptr_t)name; /* fixed below */
			s->type = gl_rd_u32(&p);
			s->flags = gl_rd_u64(&p);
			s->addr = gl_rd_u64(&p);
			s->off = gl_rd_u64(&p);
			s->size = gl_rd_u64(&p);
			s->link = gl_rd_u32(&p);
			s->info = gl_rd_u32(&p);
			s->align = gl_rd_u64(&p);
			s->entsize = gl_rd_u64(&p);
		}
		e->nsecs = shnum;
		gl_span shstr = {0};
		if (shstrndx < shnum && e->secs[shstrndx].type != GL_SHT_NOBITS)
			shstr = gl_span_sub(img, e->secs[shstrndx].off, e->secs[shstrndx].size);
		for (size_t i = 0; i < shnum; i++) {
			const char *nm = gl_cstr_at(shstr, (uint32_t)(uintptr_t)e->secs[i].name, NULL);
			e->secs[i].name = nm ? nm : "";
		}
		e->syms_pending = true;
		if (!(flags & GL_ELF_LAZY_SYMS) && (rc = gl_elf_read_syms(e, what, err)) != 0)
			goto fail;
	}
	if (!e->nsegs && !e->nsecs) {
		rc = gl_err(err, GOLOAD_E_FORMAT, "%s: ELF file has neither program nor section headers", what);
		goto fail;
	}
	*out = e;
	return 0;
oom:
	rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
fail:
	gl_elf_close(e);
	return rc;
}

void gl_elf_close(gl_elf *e)
{
	if (!e)
		return;
	free(e->segs);
	free(e->secs);
	free(e->syms);
	free(e->dynsyms);
	free(e);
}

const gl_elf_seg *gl_elf_seg_of(const gl_elf *e, uint64_t va)
{
	for (size_t i = 0; i < e->nsegs; i++) {
		const gl_elf_seg *s = &e->segs[i];
		if (s->type == GL_PT_LOAD && va >= s->vaddr && va - s->vaddr < s->memsz)
			return s;
	}
	return NULL;
}

const gl_elf_seg *gl_elf_seg_find(const gl_elf *e, uint32_t type)
{
	for (size_t i = 0; i < e->nsegs; i++)
		if (e->segs[i].type == type)
			return &e->segs[i];
	return NULL;
}

const uint8_t *gl_elf_va(const gl_elf *e, uint64_t va, uint64_t n)
{
	for (size_t i = 0; i < e->nsegs; i++) {
		const gl_elf_seg *s = &e->segs[i];
		if (s->type != GL_PT_LOAD || va < s->vaddr)
			continue;
		uint64_t d = va - s->vaddr;
		if (d <= s->filesz && n <= s->filesz - d)
			return e->img.p + s->off + d;
	}
	return NULL;
}

gl_span gl_elf_va_span(const gl_elf *e, uint64_t va)
{
	for (size_t i = 0; i < e->nsegs; i++) {
		const gl_elf_seg *s = &e->segs[i];
		if (s->type != GL_PT_LOAD || va < s->vaddr)
			continue;
		uint64_t d = va - s->vaddr;
		if (d < s->filesz)
			return gl_span_make(e->img.p + s->off + d, (size_t)(s->filesz - d));
	}
	return gl_span_make(NULL, 0);
}

const gl_elf_sec *gl_elf_sec_find(const gl_elf *e, const char *name)
{
	for (size_t i = 0; i < e->nsecs; i++)
		if (strcmp(e->secs[i].name, name) == 0)
			return &e->secs[i];
	return NULL;
}

gl_span gl_elf_sec_data(const gl_elf *e, const gl_elf_sec *s)
{
	if (!s || s->type == GL_SHT_NOBITS)
		return gl_span_make(NULL, 0);
	return gl_span_sub(e->img, s->off, s->size);
}

const gl_elf_sym *gl_elf_sym_find(const gl_elf *e, const char *name)
{
	for (size_t i = 0; i < e->nsyms; i++)
		if (strcmp(e->syms[i].name, name) == 0)
			return &e->syms[i];
	for (size_t i = 0; i < e->ndynsyms; i++)
		if (strcmp(e->dynsyms[i].name, name) == 0)
			return &e->dynsyms[i];
	return NULL;
}

static bool note_scan(gl_span d, const char *owner, uint32_t type, gl_span *desc)
{
	size_t olen = strlen(owner) + 1;
	gl_rd r = gl_rd_make(d, 0);
	while (gl_rd_left(&r) >= 12) {
		uint32_t namesz = gl_rd_u32(&r), descsz = gl_rd_u32(&r), t = gl_rd_u32(&r);
		const uint8_t *nm = gl_rd_bytes(&r, (namesz + 3u) & ~3u);
		const uint8_t *ds = gl_rd_bytes(&r, (descsz + 3u) & ~3u);
		if (!gl_rd_ok(&r) || namesz > UINT32_MAX - 3 || descsz > UINT32_MAX - 3)
			return false;
		if (t == type && namesz == olen && memcmp(nm, owner, olen) == 0) {
			*desc = gl_span_make(ds, descsz);
			return true;
		}
	}
	return false;
}

bool gl_elf_note_find(const gl_elf *e, const char *owner, uint32_t type, gl_span *desc)
{
	for (size_t i = 0; i < e->nsegs; i++) {
		const gl_elf_seg *s = &e->segs[i];
		if (s->type == GL_PT_NOTE && note_scan(gl_span_sub(e->img, s->off, s->filesz), owner, type, desc))
			return true;
	}
	for (size_t i = 0; i < e->nsecs; i++) {
		const gl_elf_sec *s = &e->secs[i];
		if (s->type == 7 /* SHT_NOTE */ && note_scan(gl_elf_sec_data(e, s), owner, type, desc))
			return true;
	}
	return false;
}

bool gl_elf_dyn_find(const gl_elf *e, int64_t tag, uint64_t *val)
{
	const gl_elf_seg *d = gl_elf_seg_find(e, GL_PT_DYNAMIC);
	if (!d)
		return false;
	gl_span s = gl_span_sub(e->img, d->off, d->filesz);
	for (uint64_t off = 0; off + 16 <= s.n; off += 16) {
		uint64_t t, v;
		gl_u64_at(s, off, &t);
		gl_u64_at(s, off + 8, &v);
		if (t == 0) /* DT_NULL */
			break;
		if ((int64_t)t == tag) {
			*val = v;
			return true;
		}
	}
	return false;
}

bool gl_elf_dynwords(const gl_elf *e, void (*cb)(void *ctx, gl_elf_dynword w), void *ctx)
{
	enum { DT_RELA = 7, DT_RELASZ = 8, DT_SYMTAB = 6 };
	uint64_t rela, relasz, symtab = 0;
	if (!gl_elf_dyn_find(e, DT_RELA, &rela) || !gl_elf_dyn_find(e, DT_RELASZ, &relasz))
		return true; /* no RELA relocations */
	gl_elf_dyn_find(e, DT_SYMTAB, &symtab);
	const uint8_t *p = gl_elf_va(e, rela, relasz);
	if (!p)
		return false;
	bool x86 = e->machine == GL_EM_X86_64;
	uint32_t relative = x86 ? 8 : 1027, abs64 = x86 ? 1 : 257, globdat = x86 ? 6 : 1025;
	gl_span s = gl_span_make(p, (size_t)relasz);
	for (uint64_t off = 0; off + 24 <= s.n; off += 24) {
		uint64_t va, info, addend;
		gl_u64_at(s, off, &va);
		gl_u64_at(s, off + 8, &info);
		gl_u64_at(s, off + 16, &addend);
		uint32_t type = (uint32_t)info, sym = (uint32_t)(info >> 32);
		gl_elf_dynword w = {va, addend};
		if (type == abs64 || type == globdat) {
			const uint8_t *se = symtab ? gl_elf_va(e, symtab + 24ull * sym, 24) : NULL;
			uint16_t shndx;
			uint64_t value;
			if (!se)
				continue;
			memcpy(&shndx, se + 6, 2);
			memcpy(&value, se + 8, 8);
			if (shndx == 0) /* undefined: only the dynamic linker knows */
				continue;
			w.value = value + addend;
		} else if (type != relative) {
			continue;
		}
		cb(ctx, w);
	}
	return true;
}
