#include "macho/macho.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

int gl_macho_kind(gl_span img)
{
	uint32_t m;
	if (!gl_u32_at(img, 0, &m))
		return 0;
	if (m == 0xfeedfacf)
		return 1;
	if (m == 0xfeedface || m == 0xcefaedfe)
		return 3;
	if (m == 0xbebafeca || m == 0xbfbafeca) /* 0xcafebabe / 0xcafebabf big-endian */
		return 2;
	return 0;
}

static const char *cpu_name(uint32_t cpu)
{
	switch (cpu) {
	case GL_MACHO_CPU_AMD64: return "amd64";
	case GL_MACHO_CPU_ARM64: return "arm64";
	case 7: return "386";
	case 12: return "arm";
	case 0x0200000c: return "arm64_32";
	case 0x01000012: return "ppc64";
	case 18: return "ppc";
	default: return "unknown";
	}
}

int gl_macho_fat_slice(gl_span img, const char *what, const char *arch, gl_span *slice, goload_err *err)
{
	*slice = gl_span_make(NULL, 0);
	if (img.n < 8)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: universal Mach-O header truncated", what);
	bool fat64 = img.p[3] == 0xbf;
	uint32_t n = be32(img.p + 4);
	size_t ent = fat64 ? 32 : 20;
	if (n == 0 || n > 64 || !gl_span_has(img, 8, (uint64_t)n * ent))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: universal Mach-O with %u architectures: header out of range", what, n);
	char list[256] = "";
	size_t ll = 0;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *a = img.p + 8 + (size_t)i * ent;
		uint32_t cpu = be32(a);
		uint64_t off = fat64 ? be64(a + 8) : be32(a + 8), size = fat64 ? be64(a + 16) : be32(a + 12);
		const char *name = cpu_name(cpu);
		if (arch && !strcmp(arch, name)) {
			if (!gl_span_has(img, off, size))
				return gl_err(err, GOLOAD_E_FORMAT, "%s: universal Mach-O: the %s slice [0x%llx, +0x%llx) is outside the file",
					      what, name, (unsigned long long)off, (unsigned long long)size);
			*slice = gl_span_sub(img, off, size);
			return 0;
		}
		int w = snprintf(list + ll, sizeof list - ll, "%s%s", i ? ", " : "", name);
		if (w > 0 && (size_t)w < sizeof list - ll)
			ll += (size_t)w;
	}
	if (arch)
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: universal Mach-O has no %s slice (it has %s)", what, arch, list);
	return gl_err(err, GOLOAD_E_UNSUPPORTED,
		      "%s: universal (fat) Mach-O with %u architectures (%s): choose one with --arch", what, n, list);
}

bool gl_macho_sec_zerofill(const gl_macho_sec *s)
{
	uint32_t t = s->flags & 0xff;
	return t == 1 || t == 0xc || t == 0x12; /* S_ZEROFILL, S_GB_ZEROFILL, S_THREAD_LOCAL_ZEROFILL */
}

static void name16(char *dst, const uint8_t *src)
{
	memset(dst, 0, 17);
	if (src)
		memcpy(dst, src, 16);
}

int gl_macho_open(gl_span img, const char *what, gl_macho **out, goload_err *err)
{
	*out = NULL;
	int kind = gl_macho_kind(img);
	if (kind == 3)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: 32-bit Mach-O is not supported: goload reads 64-bit Mach-O (amd64, arm64)", what);
	if (kind != 1)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: not a 64-bit Mach-O file", what);
	gl_rd r = gl_rd_make(img, 4);
	uint32_t cpu = gl_rd_u32(&r);
	gl_rd_u32(&r); /* subtype */
	uint32_t filetype = gl_rd_u32(&r), ncmds = gl_rd_u32(&r), sizeofcmds = gl_rd_u32(&r);
	if (!gl_rd_ok(&r) || !gl_span_has(img, 32, sizeofcmds))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: load commands (%u bytes) are outside the file", what, sizeofcmds);
	if (cpu != GL_MACHO_CPU_AMD64 && cpu != GL_MACHO_CPU_ARM64)
		return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: Mach-O CPU 0x%x (%s) is not supported (amd64, arm64)", what, cpu,
			      cpu_name(cpu));
	gl_macho *m = calloc(1, sizeof *m);
	if (!m)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	m->img = img;
	m->cputype = cpu;
	m->filetype = filetype;
	gl_span cmds = gl_span_sub(img, 32, sizeofcmds);
	int rc = 0;
	/* First pass: count segments and sections, bounded by the commands' bytes. */
	size_t nseg = 0, nsec = 0;
	uint64_t off = 0;
	for (uint32_t i = 0; i < ncmds; i++) {
		uint32_t cmd = 0, size = 0;
		if (!gl_u32_at(cmds, off, &cmd) || !gl_u32_at(cmds, off + 4, &size) || size < 8 ||
		    !gl_span_has(cmds, off, size)) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: load command %u at 0x%llx is malformed or outside the commands",
				    what, i, (unsigned long long)(32 + off));
			goto fail;
		}
		if (cmd == 0x19) {
			uint32_t ns = 0;
			gl_u32_at(cmds, off + 64, &ns);
			if (size < 72 || (uint64_t)ns * 80 > size - 72) {
				rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: segment command %u with %u sections does not fit its %u bytes",
					    what, i, ns, size);
				goto fail;
			}
			nseg++;
			nsec += ns;
		}
		off += size;
	}
	m->segs = calloc(nseg ? nseg : 1, sizeof *m->segs);
	m->secs = calloc(nsec ? nsec : 1, sizeof *m->secs);
	if (!m->segs || !m->secs) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
		goto fail;
	}
	uint32_t symoff = 0, nsyms = 0, stroff = 0, strsize = 0;
	bool have_symtab = false;
	off = 0;
	for (uint32_t i = 0; i < ncmds; i++) {
		uint32_t cmd = 0, size = 0;
		gl_u32_at(cmds, off, &cmd);
		gl_u32_at(cmds, off + 4, &size);
		gl_rd c = gl_rd_make(gl_span_sub(cmds, off, size), 8);
		if (cmd == 0x19) { /* LC_SEGMENT_64 */
			gl_macho_seg *s = &m->segs[m->nsegs];
			name16(s->name, gl_rd_bytes(&c, 16));
			s->vmaddr = gl_rd_u64(&c);
			s->vmsize = gl_rd_u64(&c);
			s->fileoff = gl_rd_u64(&c);
			s->filesize = gl_rd_u64(&c);
			s->maxprot = gl_rd_u32(&c);
			s->initprot = gl_rd_u32(&c);
			uint32_t ns = gl_rd_u32(&c);
			gl_rd_u32(&c); /* flags */
			if (s->filesize && !gl_span_has(img, s->fileoff, s->filesize)) {
				rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: segment %s file bytes [0x%llx, +0x%llx) are outside the file (%zu bytes)",
					    what, s->name, (unsigned long long)s->fileoff, (unsigned long long)s->filesize, img.n);
				goto fail;
			}
			if (s->vmaddr + s->vmsize < s->vmaddr) {
				rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: segment %s has a wrapping address range",
					    what, s->name);
				goto fail;
			}
			for (uint32_t k = 0; k < ns; k++) {
				gl_macho_sec *x = &m->secs[m->nsecs];
				name16(x->name, gl_rd_bytes(&c, 16));
				name16(x->seg, gl_rd_bytes(&c, 16));
				x->addr = gl_rd_u64(&c);
				x->size = gl_rd_u64(&c);
				x->off = gl_rd_u32(&c);
				gl_rd_skip(&c, 12); /* align, reloff, nreloc */
				x->flags = gl_rd_u32(&c);
				gl_rd_skip(&c, 12);
				x->segidx = (uint32_t)m->nsegs;
				if (!gl_macho_sec_zerofill(x) && x->size && !gl_span_has(img, x->off, x->size)) {
					rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: section %s,%s bytes [0x%x, +0x%llx) are outside the file",
						    what, x->seg, x->name, x->off, (unsigned long long)x->size);
					goto fail;
				}
				m->nsecs++;
			}
			m->nsegs++;
		} else if (cmd == 0x2) { /* LC_SYMTAB */
			symoff = gl_rd_u32(&c);
			nsyms = gl_rd_u32(&c);
			stroff = gl_rd_u32(&c);
			strsize = gl_rd_u32(&c);
			have_symtab = gl_rd_ok(&c);
		} else if (cmd == 0x80000028) { /* LC_MAIN: entry as a file offset */
			uint64_t eoff = gl_rd_u64(&c);
			for (size_t k = 0; k < m->nsegs; k++)
				if (m->segs[k].filesize && eoff >= m->segs[k].fileoff &&
				    eoff - m->segs[k].fileoff < m->segs[k].filesize)
					m->entry = m->segs[k].vmaddr + (eoff - m->segs[k].fileoff);
		} else if (cmd == 0x5) { /* LC_UNIXTHREAD: pc in the thread state */
			uint32_t flavor = gl_rd_u32(&c);
			gl_rd_u32(&c); /* count */
			size_t pcoff = flavor == 4 ? 16 * 8 : flavor == 6 ? 32 * 8 : 0;
			if (pcoff) {
				gl_rd_skip(&c, pcoff);
				uint64_t pc = gl_rd_u64(&c);
				if (gl_rd_ok(&c))
					m->entry = pc;
			}
		}
		if (!gl_rd_ok(&c)) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: load command %u (0x%x) is truncated", what, i, cmd);
			goto fail;
		}
		off += size;
	}
	for (size_t i = 0; i < m->nsegs; i++)
		for (size_t j = i + 1; j < m->nsegs; j++) {
			const gl_macho_seg *a = &m->segs[i], *b = &m->segs[j];
			if (a->vmsize && b->vmsize && a->vmaddr < b->vmaddr + b->vmsize && b->vmaddr < a->vmaddr + a->vmsize) {
				rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: segments %s and %s overlap in memory", what,
					    a->name, b->name);
				goto fail;
			}
		}
	if (have_symtab && nsyms) {
		gl_span strs = gl_span_sub(img, stroff, strsize);
		if (!gl_span_has(img, symoff, (uint64_t)nsyms * 16) || !strs.p) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s: Mach-O: symbol table (%u symbols at 0x%x, strings at 0x%x +0x%x) is outside the file",
				    what, nsyms, symoff, stroff, strsize);
			goto fail;
		}
		m->syms = calloc(nsyms, sizeof *m->syms);
		if (!m->syms) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory for %u symbols", what, nsyms);
			goto fail;
		}
		for (uint32_t i = 0; i < nsyms; i++) {
			gl_rd s = gl_rd_make(img, symoff + (size_t)i * 16);
			uint32_t strx = gl_rd_u32(&s);
			gl_macho_sym *y = &m->syms[m->nsyms];
			y->type = gl_rd_u8(&s);
			y->sect = gl_rd_u8(&s);
			y->desc = gl_rd_u16(&s);
			y->value = gl_rd_u64(&s);
			const char *n = gl_cstr_at(strs, strx, NULL);
			y->name = n ? n : "";
			m->nsyms++;
		}
	}
	*out = m;
	return 0;
fail:
	gl_macho_close(m);
	return rc;
}

void gl_macho_close(gl_macho *m)
{
	if (!m)
		return;
	free(m->segs);
	free(m->secs);
	free(m->syms);
	free(m);
}
