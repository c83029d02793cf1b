/*
 * Stage 3, layout: sections, then addresses.
 *
 * Takes the resolved, frozen m->syms; gives each placed symbol its offset
 * in its section (text | rodata | noptrdata | data | bss | noptrbss), the
 * typelinked descriptors first in rodata in type-string order where a
 * Go 1.27+ runtime looks for them (layout), then the addresses of a
 * mapping at a given base, with the pclntab after rodata (place).
 */
#include "link/link_internal.h"

/* The type's String() (its Str name, without the ExtraStar prefix), read
 * from its object: the order of the typelinked descriptors is needed
 * before layout. */
static gl_span type_string(goload_module *m, const gl_lsym *s)
{
	const struct gl_rttab *rt = m->host->rt;
	const gl_goobj *o = m->objs.v[s->obj].o;
	gl_span d = gl_goobj_data(o, s->idx);
	gl_goobj_reloc r;
	if (d.n < rt->type_size || !gl_goobj_reloc_at_off(o, s->idx, rt->type_off_str, &r) || r.add < 0)
		return gl_span_make(NULL, 0);
	gl_span nd = gl_goobj_ref_data(o, r.sym);
	if ((uint64_t)r.add >= nd.n)
		return gl_span_make(NULL, 0);
	gl_rd rd = gl_rd_make(nd, (uint64_t)r.add + 1); /* after the flags byte */
	uint64_t n = gl_rd_uvarint(&rd);
	const uint8_t *p = gl_rd_bytes(&rd, n);
	if (!p)
		return gl_span_make(NULL, 0);
	gl_span sp = gl_span_make(p, n);
	if ((d.p[rt->type_off_tflag] & rt->tflag_extrastar) && sp.n) {
		sp.p++;
		sp.n--;
	}
	return sp;
}

static goload_module *sort_m;
static int by_typestr(const void *a, const void *b)
{
	gl_span x = type_string(sort_m, gl_link_sym(sort_m, *(const uint32_t *)a));
	gl_span y = type_string(sort_m, gl_link_sym(sort_m, *(const uint32_t *)b));
	size_t n = x.n < y.n ? x.n : y.n;
	int c = n ? memcmp(x.p, y.p, n) : 0;
	return c ? c : (x.n > y.n) - (x.n < y.n);
}

static bool typelinked(const gl_lsym *s)
{
	return from_obj(s) && (s->flags & GL_SF_TYPELINK) && s->sect == SECT_RODATA;
}

/* The module's typelinked descriptors (their indices), sorted by type
 * string as reflect binary-searches them; false when out of memory. */
bool sorted_typelinks(goload_module *m, u32vec *tl)
{
	for (uint32_t si = 0; si < m->syms.len; si++)
		if (typelinked(gl_link_sym(m, si)) && !GL_VEC_PUSH(tl, si))
			return false;
	sort_m = m;
	if (tl->len)
		qsort(tl->v, tl->len, sizeof *tl->v, by_typestr);
	sort_m = NULL;
	return true;
}

static uint32_t default_align(const gl_lsym *s)
{
	if (s->align)
		return s->align;
	if (s->sect == SECT_TEXT)
		return GL_LINK_FUNCALIGN; /* the Go linker's funcAlign */
	/* cmd/link's symalign: Maxalign (32 on amd64) halved while larger
	 * than the symbol; assembly data read with aligned SSE loads
	 * (MOVOA in hash/crc32) depends on it. */
	uint32_t a = 32;
	while (a > 1 && a > s->size)
		a >>= 1;
	return a;
}

/* Where a Go 1.27+ runtime looks for typelinks (moduledata.typedesclen),
 * the typelinked descriptors open the read-only data: an 8-byte header,
 * then each at pointer alignment (runtime.moduleTypelinks walks them by
 * DescriptorSize), in type-string order. */
bool layout(goload_module *m)
{
	memset(m->sect_size, 0, sizeof m->sect_size);
	m->typedesclen = 0;
	bool lead = m->host->rt->md_off[GL_MD_TYPEDESCLEN] != GL_RT_ABSENT;
	if (lead) {
		u32vec tl = {0};
		if (!sorted_typelinks(m, &tl)) {
			GL_VEC_FREE(&tl);
			return false;
		}
		m->sect_size[SECT_RODATA] = 8;
		for (size_t i = 0; i < tl.len; i++) {
			gl_lsym *s = gl_link_sym(m, tl.v[i]);
			s->off = (m->sect_size[SECT_RODATA] + 7) & ~7ull;
			m->sect_size[SECT_RODATA] = s->off + s->size;
		}
		m->typedesclen = m->sect_size[SECT_RODATA];
		GL_VEC_FREE(&tl);
	}
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (s->host || s->sect == SECT_NONE || (lead && typelinked(s)))
			continue;
		uint64_t a = default_align(s);
		uint64_t off = (m->sect_size[s->sect] + a - 1) / a * a;
		s->off = off;
		if (s->size >= (1u << 20))
			dbg(m, "large symbol %s: %u bytes in %s", s->name, s->size, sect_names[s->sect]);
		/* Zero-size symbols still get distinct addresses, like the Go
		 * linker's: a zero-size type or function must not alias the next. */
		m->sect_size[s->sect] = off + (s->size ? s->size : 1);
	}
	return true;
}

/* Addresses for a mapping at `base`: text | rodata pcln | data... with each
 * protection group on its own pages. */
void place(goload_module *m, uint64_t base, uint64_t pcln_size)
{
	uint64_t pg = gl_mem_pagesize();
#define UP(x, a) (((x) + (a)-1) / (a) * (a))
	/* A cgo package's C code, read-only data and data (cobj.c) follow
	 * the Go text, the pclntab and noptrbss: outside the Go ranges. */
	uint64_t ctext = UP(base + m->sect_size[SECT_TEXT], 64);
	m->sect_addr[SECT_TEXT] = base;
	m->sect_addr[SECT_RODATA] = UP(ctext + cobj_area_size(m, 0), pg);
	m->pcln_addr = UP(m->sect_addr[SECT_RODATA] + m->sect_size[SECT_RODATA], 8);
	m->pcln_size = pcln_size;
	uint64_t cro = UP(m->pcln_addr + pcln_size, 64);
	uint64_t a = UP(cro + cobj_area_size(m, 1), pg);
	for (int s = SECT_NOPTRDATA; s < SECT_N; s++) {
		m->sect_addr[s] = a;
		a = UP(a + m->sect_size[s], 32);
	}
	cobj_place(m, ctext, cro, UP(module_end(m), 64));
#undef UP
	for (uint32_t si = 0; si < m->syms.len; si++) {
		gl_lsym *s = gl_link_sym(m, si);
		if (!s->host && s->sect != SECT_NONE)
			s->addr = m->sect_addr[s->sect] + s->off;
	}
}

uint64_t module_end(const goload_module *m)
{
	return m->sect_addr[SECT_NOPTRBSS] + m->sect_size[SECT_NOPTRBSS];
}

/* The end of the mapping: the Go sections, then a cgo package's C data. */
uint64_t mapping_end(const goload_module *m)
{
	uint64_t n = cobj_area_size(m, 2);
	return n ? (module_end(m) + 63) / 64 * 64 + n : module_end(m);
}
