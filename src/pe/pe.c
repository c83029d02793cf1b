#include "pe/pe.h"

#include <stdlib.h>
#include <string.h>

bool gl_pe_is(gl_span img)
{
	uint32_t lfanew = 0;
	if (img.n < 64 || img.p[0] != 'M' || img.p[1] != 'Z' || !gl_u32_at(img, 0x3c, &lfanew))
		return false;
	gl_span sig = gl_span_sub(img, lfanew, 4);
	return sig.p && !memcmp(sig.p, "PE\0\0", 4);
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 0x14c: return "386";
	case 0x1c0: case 0x1c4: return "arm";
	case GL_PE_AMD64: return "amd64";
	case GL_PE_ARM64: return "arm64";
	default: return NULL;
	}
}

int gl_pe_open(gl_span img, const char *what, gl_pe **out, goload_err *err)
{
	*out = NULL;
	if (!gl_pe_is(img))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: not a PE file", what);
	uint32_t lfanew = 0;
	gl_u32_at(img, 0x3c, &lfanew);
	gl_rd r = gl_rd_make(img, (size_t)lfanew + 4);
	uint16_t machine = gl_rd_u16(&r), nsecs = gl_rd_u16(&r);
	gl_rd_u32(&r); /* time stamp */
	uint32_t symoff = gl_rd_u32(&r), nsyms = gl_rd_u32(&r);
	uint16_t optsize = gl_rd_u16(&r);
	gl_rd_u16(&r); /* characteristics */
	size_t opt = r.pos;
	uint16_t magic = gl_rd_u16(&r);
	if (!gl_rd_ok(&r))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: PE: COFF header truncated", what);
	if (magic == 0x10b)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: 32-bit PE (PE32, %s) is not supported: goload reads PE32+ (amd64, arm64)",
			      what, machine_name(machine) ? machine_name(machine) : "unknown machine");
	if (magic != 0x20b)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: PE: optional header magic 0x%x is neither PE32 nor PE32+", what, magic);
	if (machine != GL_PE_AMD64 && machine != GL_PE_ARM64)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: PE machine 0x%x (%s) is not supported (amd64, arm64)", what,
			      machine, machine_name(machine) ? machine_name(machine) : "unknown");
	if (optsize < 32)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: PE: optional header of %u bytes is too short", what, optsize);
	gl_pe *p = calloc(1, sizeof *p);
	if (!p)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	p->img = img;
	p->machine = machine;
	int rc = 0;
	gl_rd o = gl_rd_make(img, opt + 16);
	p->entry_rva = gl_rd_u32(&o);
	gl_rd_u32(&o); /* BaseOfCode */
	p->image_base = gl_rd_u64(&o);
	/* The COFF string table follows the symbol table. */
	gl_span strtab = {NULL, 0};
	uint64_t symbytes = (uint64_t)nsyms * 18;
	if (symoff && nsyms) {
		uint32_t strsize = 0;
		if (!gl_span_has(img, symoff, symbytes) || !gl_u32_at(img, symoff + symbytes, &strsize) || strsize < 4) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: PE: symbol table at 0x%x (%u symbols) is outside the file",
				    what, symoff, nsyms);
			goto fail;
		}
		strtab = gl_span_sub(img, symoff + symbytes, strsize);
		if (!strtab.p) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: PE: string table of %u bytes at 0x%llx is outside the file",
				    what, strsize, (unsigned long long)(symoff + symbytes));
			goto fail;
		}
	}
	uint64_t shoff = opt + optsize;
	if (!gl_span_has(img, shoff, (uint64_t)nsecs * 40)) {
		rc = gl_err(err, GOLOAD_E_FORMAT, "%s: PE: %u section headers at 0x%llx are outside the file", what, nsecs,
			    (unsigned long long)shoff);
		goto fail;
	}
	p->secs = calloc(nsecs ? nsecs : 1, sizeof *p->secs);
	p->names = calloc((size_t)nsecs + 1, 9);
	if (!p->secs || !p->names) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
		goto fail;
	}
	p->nsecs = nsecs;
	for (size_t i = 0; i < nsecs; i++) {
		gl_rd s = gl_rd_make(img, shoff + i * 40);
		const uint8_t *nm = gl_rd_bytes(&s, 8);
		gl_pe_sec *sc = &p->secs[i];
		char *shortname = p->names + i * 9;
		memcpy(shortname, nm, 8);
		for (size_t k = 0; k < 8 && shortname[k]; k++)
			if (shortname[k] < 0x20 || shortname[k] > 0x7e)
				shortname[k] = '?'; /* names appear in error messages */
		sc->name = shortname;
		if (shortname[0] == '/') { /* "/123": offset into the string table */
			uint32_t off = (uint32_t)strtoul(shortname + 1, NULL, 10);
			const char *ln = strtab.p ? gl_cstr_at(strtab, off, NULL) : NULL;
			if (ln)
				sc->name = ln;
		}
		sc->vsize = gl_rd_u32(&s);
		sc->rva = gl_rd_u32(&s);
		sc->rawsize = gl_rd_u32(&s);
		sc->rawoff = gl_rd_u32(&s);
		gl_rd_skip(&s, 12);
		sc->chars = gl_rd_u32(&s);
		if (sc->rawsize && !gl_span_has(img, sc->rawoff, sc->rawsize)) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: PE: section %s bytes [0x%x, +0x%x) are outside the file (%zu bytes)",
				    what, sc->name, sc->rawoff, sc->rawsize, img.n);
			goto fail;
		}
		if ((uint64_t)sc->rva + sc->vsize > 0xffffffffu) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: PE: section %s [0x%x, +0x%x) wraps the 32-bit address space",
				    what, sc->name, sc->rva, sc->vsize);
			goto fail;
		}
	}
	/* Sections may not overlap in memory. */
	for (size_t i = 0; i < nsecs; i++)
		for (size_t j = i + 1; j < nsecs; j++) {
			const gl_pe_sec *a = &p->secs[i], *b = &p->secs[j];
			uint32_t asz = a->vsize ? a->vsize : a->rawsize, bsz = b->vsize ? b->vsize : b->rawsize;
			if (asz && bsz && a->rva < b->rva + bsz && b->rva < a->rva + asz) {
				rc = gl_err(err, GOLOAD_E_FORMAT, "%s: PE: sections %s and %s overlap in memory", what,
					    a->name, b->name);
				goto fail;
			}
		}
	if (strtab.p) {
		p->syms = calloc(nsyms, sizeof *p->syms);
		if (!p->syms) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for %u symbols", what, nsyms);
			goto fail;
		}
		/* Short symbol names are not NUL-terminated when 8 bytes long:
		 * one shared buffer grows as they are copied. */
		size_t nshort = 0;
		for (uint32_t i = 0; i < nsyms; i++) {
			const uint8_t *e = img.p + symoff + (size_t)i * 18;
			if (e[0] || e[1] || e[2] || e[3])
				nshort++;
			i += e[17];
		}
		char *sbuf = calloc(nshort + 1, 9);
		if (!sbuf) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for symbols", what);
			goto fail;
		}
		p->symnames = sbuf;
		size_t k = 0, ns = 0;
		for (uint32_t i = 0; i < nsyms; i++) {
			gl_rd s = gl_rd_make(img, symoff + (size_t)i * 18);
			const uint8_t *nm = gl_rd_bytes(&s, 8);
			gl_pe_sym *y = &p->syms[ns];
			y->value = gl_rd_u32(&s);
			y->secnum = (int16_t)gl_rd_u16(&s);
			y->type = gl_rd_u16(&s);
			y->sclass = gl_rd_u8(&s);
			uint8_t naux = gl_rd_u8(&s);
			if (nm[0] || nm[1] || nm[2] || nm[3]) {
				char *d = sbuf + (k++) * 9;
				memcpy(d, nm, 8);
				y->name = d;
			} else {
				uint32_t off;
				memcpy(&off, nm + 4, 4);
				const char *ln = gl_cstr_at(strtab, off, NULL);
				y->name = ln ? ln : "";
			}
			ns++;
			i += naux;
		}
		p->nsyms = ns;
	}
	*out = p;
	return 0;
fail:
	gl_pe_close(p);
	return rc;
}

void gl_pe_close(gl_pe *p)
{
	if (!p)
		return;
	free(p->names);
	free(p->symnames);
	free(p->syms);
	free(p->secs);
	free(p);
}
