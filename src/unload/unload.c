/*
 * unload — what Close needs from the C side: a module's address ranges and
 * symbol names, the host's symbol names by address, the heap-dump scan
 * behind the public API, and the final unmapping of a module the runtime
 * no longer knows.
 */
#include "gobin/gobin.h"
#include "link/link.h"
#include "unload/heapdump.h"

#include "versions/rt_tables.h"

#include <stdlib.h>
#include <string.h>

void goload_module_get_layout(const goload_module *m, goload_module_layout *out)
{
	out->text = m->sect_addr[SECT_TEXT];
	out->etext = m->sect_addr[SECT_TEXT] + m->sect_size[SECT_TEXT];
	out->types = m->sect_addr[SECT_RODATA];
	out->etypes = m->sect_addr[SECT_RODATA] + m->sect_size[SECT_RODATA];
	out->data = m->sect_addr[SECT_DATA];
	out->edata = m->sect_addr[SECT_DATA] + m->sect_size[SECT_DATA];
	out->bss = m->sect_addr[SECT_BSS];
	out->ebss = m->sect_addr[SECT_BSS] + m->sect_size[SECT_BSS];
	out->start = (uint64_t)(uintptr_t)m->mem.base;
	out->end = out->start + m->mem.size;
}

void goload_module_unload_info(const goload_module *m, goload_unload_info *out)
{
	const struct gl_rttab *rt = m->host->rt;
	*out = (goload_unload_info){
		.malloc_header_min = rt->malloc_header_min, .malloc_header_max = rt->malloc_header_max,
		.md_next = rt->md_off[GL_MD_NEXT], .md_typemap = rt->md_off[GL_MD_TYPEMAP],
		.md_types = rt->md_off[GL_MD_TYPES], .itab_inter = rt->itab_off_inter, .itab_type = rt->itab_off_type,
		.type_hash = rt->type_off_hash, .itab_fun = rt->itab_off_fun, .iface_methods = rt->iface_off_methods,
		.mheap_allspans = rt->heap.mheap_off_allspans, .span_startaddr = rt->heap.mspan_off_startaddr,
		.span_npages = rt->heap.mspan_off_npages, .page_size = rt->heap.page_size,
		.span_specials = rt->heap.mspan_off_specials, .special_offset = rt->heap.special_off_offset,
		.special_kind = rt->heap.special_off_kind, .special_size = rt->heap.special_size,
		.cleanup_kind = rt->heap.cleanup_kind, .cleanup_words = rt->heap.cleanup_words,
		.cleanupq_queued = rt->heap.cleanupq_off_queued, .cleanupq_executed = rt->heap.cleanupq_off_executed,
		.p_cleanups_queued = rt->heap.p_off_cleanups_queued, .span_elemsize = rt->heap.mspan_off_elemsize,
		.span_freeindex = rt->heap.mspan_off_freeindex, .span_allocbits = rt->heap.mspan_off_allocbits,
		/* 1.27 keys it by *_type, with typelinks folded into types (typedesclen) */
		.typemap_by_offset = rt->md_off[GL_MD_TYPEDESCLEN] == GL_RT_ABSENT,
		.md_typelinks = rt->md_off[GL_MD_TYPELINKS],
		.md_data = rt->md_off[GL_MD_DATA], .md_edata = rt->md_off[GL_MD_EDATA],
		.md_bss = rt->md_off[GL_MD_BSS], .md_ebss = rt->md_off[GL_MD_EBSS],
		.span_state = rt->walk.mspan_off_state, .span_spanclass = rt->walk.mspan_off_spanclass,
		.span_largetype = rt->walk.mspan_off_largetype, .span_inuse = rt->walk.span_inuse,
		.finalizer_kind = rt->walk.finalizer_kind, .specialfinalizer_size = rt->walk.specialfinalizer_size,
		.finblock_cnt = rt->walk.finblock_off_cnt, .finblock_fin = rt->walk.finblock_off_fin,
		.finalizer_size = rt->walk.finalizer_size, .g_gopc = rt->walk.g_off_gopc,
		.g_startpc = rt->walk.g_off_startpc,
	};
}

const char *goload_module_name(const goload_module *m) { return m->name; }

/* The innermost symbol wins; a size-0 marker (runtime.bss, the start of
 * a section) only when nothing else covers the address. */
static uint64_t span_rank(uint64_t size) { return size ? size : UINT64_MAX; }

const char *goload_module_symbol_at(const goload_module *m, uint64_t addr, uint64_t *off)
{
	const gl_lsym *best = NULL;
	for (size_t i = 0; i < m->syms.len; i++) {
		const gl_lsym *s = &m->syms.v[i];
		if (s->host || s->sect == SECT_NONE || !s->name[0] || addr < s->addr || addr - s->addr >= (s->size ? s->size : 1))
			continue;
		if (!best || span_rank(s->size) < span_rank(best->size))
			best = s;
	}
	if (best && off)
		*off = addr - best->addr;
	return best ? best->name : NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

size_t goload_module_type_addrs(const goload_module *m, uint64_t *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < m->syms.len; i++) {
		const gl_lsym *s = &m->syms.v[i];
		/* "type:.namedata.x", "type:.importpath.p." are not descriptors */
		if (s->host || s->alias || s->sect != SECT_RODATA || strncmp(s->name, "type:", 5) != 0 || s->name[5] == '.')
			continue;
		if (n < cap)
			out[n] = s->addr;
		n++;
	}
	if (out && n <= cap)
		qsort(out, n, sizeof *out, cmp_u64);
	return n;
}

/* A candidate for goload_host_symbol_at: the smallest sized symbol that
 * contains va wins; one of size 0 (unknown) contains only its first byte. */
static void host_sym_consider(const char *name, uint64_t start, uint64_t size, uint64_t va, const char **best,
			      uint64_t *bstart, uint64_t *bsize)
{
	if (!name || !name[0] || va < start || va - start >= (size ? size : 1))
		return;
	if (!*best || span_rank(size) < span_rank(*bsize)) {
		*best = name;
		*bstart = start;
		*bsize = size;
	}
}

/* The one host symbol index (gobin's: .symtab and .dynsym when present,
 * pclntab's functions always), then the data symbols recovery gave back to
 * a stripped host: a holder in host data is named wherever a lookup by
 * name would find it. */
const char *goload_host_symbol_at(const goload_host *h, uint64_t addr, uint64_t *off)
{
	uint64_t va = addr - h->bias, bstart = 0, bsize = 0;
	const char *best = NULL;
	for (size_t i = 0, n = gl_gobin_nsyms(h->img); i < n; i++) {
		gl_gobin_sym s;
		if (gl_gobin_sym_at(h->img, i, &s) && s.kind != 'U')
			host_sym_consider(s.name, s.addr, s.size, va, &best, &bstart, &bsize);
	}
	if (h->recovered) {
		/* recnames holds recsyms' names in order (see host.c) */
		const char *name = (const char *)h->recnames.p;
		for (size_t i = 0; i < h->recsyms.len; i++, name += strlen(name) + 1)
			host_sym_consider(name, h->recsyms.v[i].addr, h->recsyms.v[i].size, va, &best, &bstart, &bsize);
	}
	if (best && off)
		*off = va - bstart;
	return best;
}

void goload_module_retire(goload_module *m)
{
	if (!m)
		return;
	gl_cobj_fini(m); /* C destructors while the code is mapped */
	gl_mem_retire(&m->mem);
	goload_module_free(m);
}

struct goload_heapscan {
	gl_hd_result r;
};

int goload_heapscan_run(const void *dump, size_t n, const goload_heapscan_opts *o, goload_heapscan **out,
			goload_err *err)
{
	*out = NULL;
	goload_heapscan *s = calloc(1, sizeof *s);
	if (!s)
		return gl_err(err, GOLOAD_E_NOMEM, "heapdump: out of memory");
	gl_span *extra = o->nextra ? calloc(o->nextra, sizeof *extra) : NULL;
	if (o->nextra && !extra) {
		free(s);
		return gl_err(err, GOLOAD_E_NOMEM, "heapdump: out of memory");
	}
	for (size_t i = 0; i < o->nextra; i++)
		extra[i] = gl_span_make((const void *)(uintptr_t)o->extra_addr[i], o->extra_len[i]);
	/* The file bytes of the host's writable segments (see gl_hd_opts) */
	enum { MAXSTATICS = 4 };
	gl_span statics[MAXSTATICS];
	uint64_t statics_addr[MAXSTATICS];
	size_t nstatics = 0;
	if (o->host) {
		const gl_elf *e = gl_gobin_elf(o->host->img);
		for (size_t i = 0; i < e->nsegs && nstatics < MAXSTATICS; i++) {
			const gl_elf_seg *sg = &e->segs[i];
			if (sg->type != GL_PT_LOAD || !(sg->flags & GL_PF_W) || sg->filesz == 0)
				continue;
			const uint8_t *p = gl_elf_va(e, sg->vaddr, sg->filesz);
			if (!p)
				continue;
			statics[nstatics] = gl_span_make(p, (size_t)sg->filesz);
			statics_addr[nstatics++] = sg->vaddr + o->host->bias;
		}
	}
	gl_hd_opts ho = {
		.ranges = o->ranges, .nranges = o->nranges, .types = o->types, .ntypes = o->ntypes, .itabs = o->itabs, .nitabs = o->nitabs, .extra = extra, .extra_addr = o->extra_addr,
		.nextra = o->nextra, .skip = o->skip, .nskip = o->nskip, .ignore = o->ignore, .nignore = o->nignore, .header_min = o->header_min,
		.header_max = o->header_max, .max_hits = o->max_hits, .large_min = o->large_min,
		.own_goid = o->own_goid, .own_prefix = o->own_prefix,
		.statics = statics, .statics_addr = statics_addr, .nstatics = nstatics,
	};
	int rc = gl_hd_scan(gl_span_make(dump, n), &ho, &s->r, err);
	free(extra);
	if (rc < 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

size_t goload_heapscan_total(const goload_heapscan *s) { return s->r.nhits; }
size_t goload_heapscan_nhits(const goload_heapscan *s) { return s->r.hits.len; }
size_t goload_heapscan_nobjects(const goload_heapscan *s) { return s->r.nobjects; }

static void holder(const gl_hd_hit *h, goload_holder *out)
{
	*out = (goload_holder){
		.kind = h->kind, .target = h->target, .at = h->at, .obj = h->obj, .size = h->size,
		.root_kind = h->root.kind, .root_at = h->root.at, .goid = h->root.goid,
		.func = (const char *)h->root.func.p, .funclen = h->root.func.n, .extra = h->root.extra,
		.conservative = h->root.conservative, .iface = h->root.iface,
	};
}

void goload_heapscan_hit(const goload_heapscan *s, size_t i, goload_holder *out) { holder(&s->r.hits.v[i], out); }
size_t goload_heapscan_nlarge(const goload_heapscan *s) { return s->r.large.len; }
void goload_heapscan_large(const goload_heapscan *s, size_t i, goload_holder *out) { holder(&s->r.large.v[i], out); }

void goload_heapscan_free(goload_heapscan *s)
{
	if (!s)
		return;
	gl_hd_result_free(&s->r);
	free(s);
}
