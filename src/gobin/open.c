/*
 * Opening a Go image: find the pclntab header and runtime.firstmoduledata,
 * and choose the runtime layout table that validates.
 *
 * Every fact is cross-checked instead of trusted: a section or symbol only
 * proposes candidates, and a candidate moduledata is accepted only when a
 * layout makes all its pclntab slices agree with the pcHeader offsets, its
 * ftab bounds agree with minpc/maxpc, and its address ranges are ordered.
 */
#define _GNU_SOURCE /* dl_iterate_phdr */
#include "gobin/gobin_int.h"
#include "versions/versions.h"

#include <link.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t pcln_magics[] = {0xfffffffb, 0xfffffffa, 0xfffffff0, 0xfffffff1};
static const int pcln_versions[] = {12, 116, 118, 120};

const char *gl_buildmode_name(int mode)
{
	switch (mode) {
	case GL_BUILDMODE_EXE: return "exe";
	case GL_BUILDMODE_PIE: return "pie";
	case GL_BUILDMODE_CSHARED: return "c-shared";
	case GL_BUILDMODE_PLUGIN: return "plugin";
	case GL_BUILDMODE_SHARED: return "shared";
	default: return "unknown";
	}
}

const gl_elf *gl_gobin_elf(const gl_gobin *g) { return g->image->elf; }
const gl_image *gl_gobin_image(const gl_gobin *g) { return g->image; }
uint64_t gl_gobin_bias(const gl_gobin *g) { return g->bias; }
const gl_gobin_info *gl_gobin_get_info(const gl_gobin *g) { return &g->info; }

const uint8_t *gl_gobin_va(const gl_gobin *g, uint64_t va, uint64_t n)
{
	return gl_image_va(g->image, va, n);
}

gl_span gl_gobin_va_span(const gl_gobin *g, uint64_t va, uint64_t n)
{
	const uint8_t *p = gl_image_va(g->image, va, n);
	return p ? gl_span_make(p, (size_t)n) : gl_span_make(NULL, 0);
}

bool gl_gobin_u64(const gl_gobin *g, uint64_t va, uint64_t *v)
{
	const uint8_t *p = gl_image_va(g->image, va, 8);
	*v = 0;
	if (!p)
		return false;
	memcpy(v, p, 8);
	return true;
}

static uint64_t rd64(gl_span s, uint64_t off)
{
	uint64_t v;
	gl_u64_at(s, off, &v);
	return v;
}

/* ------------------------------------------------------------ moduledata */

typedef struct md_view {
	const struct gl_rttab *rt;
	gl_span md;
} md_view;

static uint64_t mdw(const md_view *m, enum gl_md_field f)
{
	uint16_t off = m->rt->md_off[f];
	return off == GL_RT_ABSENT ? 0 : rd64(m->md, off);
}

static gl_gobin_slice mds(const md_view *m, enum gl_md_field f)
{
	gl_gobin_slice s = {0, 0, 0};
	uint16_t off = m->rt->md_off[f];
	if (off != GL_RT_ABSENT) {
		s.va = rd64(m->md, off);
		s.len = rd64(m->md, off + 8u);
		if (gl_md_field_kind(f) == GL_MDK_SLICE)
			s.cap = rd64(m->md, off + 16u);
		else
			s.cap = s.len;
	}
	return s;
}

/* A pcHeader field of the header at va P (pch: its rt->pch_size bytes). */
static uint64_t pchw(const gl_gobin *g, const struct gl_rttab *rt, uint64_t P, gl_span pch, enum gl_pch_field f)
{
	uint16_t off = rt->pch_off[f];
	if (off == GL_RT_ABSENT)
		return 0;
	if (!(off & GL_PCH_AFTER_FTAB))
		return rd64(pch, off);
	uint64_t at = rt->ftab_off + pchw(g, rt, P, pch, GL_PCH_NFUNC) * rt->ftab_entsize +
		      (off & ~GL_PCH_AFTER_FTAB);
	uint32_t v = 0;
	gl_u32_at(gl_gobin_va_span(g, P + at, 4), 0, &v);
	return v;
}

/* Number of cross-checks a moduledata candidate must pass under layout rt.
 * Returns true when every check holds. */
static bool md_validate(const gl_gobin *g, uint64_t md_va, const struct gl_rttab *rt)
{
	gl_span md = gl_gobin_va_span(g, md_va, rt->md_size);
	if (!md.p)
		return false;
	md_view m = {rt, md};
	uint64_t P = mdw(&m, GL_MD_PCHEADER);
	gl_span pch = gl_gobin_va_span(g, P, rt->pch_size);
	if (!pch.p)
		return false;
	/* pad1, pad2 = 0; ptrSize = 8; minLC 1 (amd64) or 4 (arm64). */
	if (pch.p[4] != 0 || pch.p[5] != 0 || pch.p[7] != 8 || (pch.p[6] != 1 && pch.p[6] != 4))
		return false;
	uint64_t nfunc = pchw(g, rt, P, pch, GL_PCH_NFUNC);
	static const struct {
		enum gl_md_field f;
		enum gl_pch_field off;
	} tabs[] = {
		{GL_MD_FUNCNAMETAB, GL_PCH_FUNCNAMEOFF}, {GL_MD_CUTAB, GL_PCH_CUOFF},
		{GL_MD_FILETAB, GL_PCH_FILETABOFF},       {GL_MD_PCTAB, GL_PCH_PCTABOFF},
		{GL_MD_PCLNTABLE, GL_PCH_PCLNOFF},
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(tabs); i++) {
		if (rt->md_off[tabs[i].f] == GL_RT_ABSENT) /* pclntable itself */
			continue;
		gl_gobin_slice s = mds(&m, tabs[i].f);
		if (s.va != P + pchw(g, rt, P, pch, tabs[i].off) || s.len != s.cap || s.len > g->img.n)
			return false;
	}
	gl_gobin_slice ftab = mds(&m, GL_MD_FTAB);
	gl_gobin_slice pcln = mds(&m, GL_MD_PCLNTABLE);
	if (ftab.va != pcln.va + rt->ftab_off || ftab.len != nfunc + 1 || ftab.len != ftab.cap || nfunc == 0)
		return false;
	if (rt->ftab_off + ftab.len * rt->ftab_entsize > pcln.len)
		return false;
	/* ftab[0] and ftab[nfunc] are minpc and maxpc. */
	gl_span ft = gl_gobin_va_span(g, ftab.va, ftab.len * rt->ftab_entsize);
	if (!ft.p)
		return false;
	uint64_t text = mdw(&m, GL_MD_TEXT);
	uint64_t e0, en;
	if (rt->func_entry_size == 4) {
		uint32_t a, b;
		gl_u32_at(ft, 0, &a);
		gl_u32_at(ft, nfunc * rt->ftab_entsize, &b);
		e0 = text + a;
		en = text + b;
	} else {
		e0 = rd64(ft, 0);
		en = rd64(ft, nfunc * rt->ftab_entsize);
	}
	if (mdw(&m, GL_MD_MINPC) != e0 || mdw(&m, GL_MD_MAXPC) != en || e0 < text || en > mdw(&m, GL_MD_ETEXT))
		return false;
	if (rt->pch_off[GL_PCH_TEXTSTART] != GL_RT_ABSENT) {
		uint64_t ts = pchw(g, rt, P, pch, GL_PCH_TEXTSTART);
		if (ts != 0 && ts != text)
			return false;
	}
	/* Each data range is ordered and ends by `end` (the ranges themselves
	 * come in a different order under external linking). */
	static const enum gl_md_field ranges[][2] = {{GL_MD_NOPTRDATA, GL_MD_ENOPTRDATA}, {GL_MD_DATA, GL_MD_EDATA},
						     {GL_MD_BSS, GL_MD_EBSS}, {GL_MD_NOPTRBSS, GL_MD_ENOPTRBSS}};
	for (size_t i = 0; i < GL_ARRAY_LEN(ranges); i++) {
		uint64_t lo = mdw(&m, ranges[i][0]), hi = mdw(&m, ranges[i][1]);
		if (lo > hi || hi > mdw(&m, GL_MD_END))
			return false;
	}
	if (mdw(&m, GL_MD_TYPES) > mdw(&m, GL_MD_ETYPES))
		return false;
	static const enum gl_md_field slices[] = {GL_MD_TEXTSECTMAP, GL_MD_TYPELINKS, GL_MD_ITABLINKS,
						  GL_MD_PTAB,        GL_MD_PKGHASHES, GL_MD_INITTASKS,
						  GL_MD_MODULEHASHES};
	for (size_t i = 0; i < GL_ARRAY_LEN(slices); i++) {
		if (rt->md_off[slices[i]] == GL_RT_ABSENT)
			continue;
		/* The pointer may be 0 in the file: plugins fill textsectmap by a
		 * symbol relocation at load time. */
		gl_gobin_slice s = mds(&m, slices[i]);
		if (s.len != s.cap || s.len > g->img.n)
			return false;
	}
	if (rt->md_off[GL_MD_EPCLNTAB] != GL_RT_ABSENT && mdw(&m, GL_MD_EPCLNTAB) < pcln.va + pcln.len)
		return false;
	if (rt->md_off[GL_MD_TYPEDESCLEN] != GL_RT_ABSENT) {
		uint64_t span = mdw(&m, GL_MD_ETYPES) - mdw(&m, GL_MD_TYPES);
		if (mdw(&m, GL_MD_TYPEDESCLEN) > span || mdw(&m, GL_MD_ITABOFFSET) > span ||
		    mdw(&m, GL_MD_ITABSIZE) > span - mdw(&m, GL_MD_ITABOFFSET))
			return false;
	}
	uint8_t hasmain = md.p[rt->md_off[GL_MD_HASMAIN]], bad = md.p[rt->md_off[GL_MD_BAD]];
	if (hasmain > 1 || bad != 0 || mdw(&m, GL_MD_NEXT) != 0 || mdw(&m, GL_MD_TYPEMAP) != 0)
		return false;
	return true;
}

/* ------------------------------------------------------- candidate search */

typedef GL_VEC(uint64_t) u64vec;

static bool vec_add_unique(u64vec *v, uint64_t x)
{
	for (size_t i = 0; i < v->len; i++)
		if (v->v[i] == x)
			return true;
	return GL_VEC_PUSH(v, x);
}

static bool pch_shape_ok(const uint8_t *p)
{
	return p[4] == 0 && p[5] == 0 && (p[6] == 1 || p[6] == 4) && p[7] == 8;
}

/* pcHeader candidates named by sections and symbols (cheap). */
static bool pcln_named(const gl_gobin *g, u64vec *out)
{
	gl_image *im = g->image;
	const gl_image_sec *s = gl_image_gosec(im, GL_GOSEC_PCLNTAB);
	if (s && s->addr && !vec_add_unique(out, s->addr))
		return false;
	static const char *const names[] = {"runtime.pcheader", "runtime.pclntab"};
	for (size_t i = 0; i < GL_ARRAY_LEN(names); i++) {
		const gl_image_sym *sym = gl_image_sym_find(im, names[i]);
		if (sym && sym->value && !vec_add_unique(out, sym->value))
			return false;
	}
	return true;
}

/* pcHeader candidates by their magic, in any loaded segment: pclntab is
 * read-only data, but RELRO (writable in the program headers) in older PIEs. */
static bool pcln_magic_scan(const gl_gobin *g, u64vec *out)
{
	const gl_image *im = g->image;
	for (size_t i = 0; i < im->nsegs; i++) {
		const gl_image_seg *sg = &im->segs[i];
		if (sg->filesz < 16)
			continue;
		const uint8_t *base = im->img.p + sg->off;
		for (uint64_t off = 0; off + 16 <= sg->filesz; off += 8) {
			uint32_t w;
			memcpy(&w, base + off, 4);
			if ((w & 0xfffffff0u) != 0xfffffff0u || !pch_shape_ok(base + off))
				continue;
			for (size_t k = 0; k < GL_ARRAY_LEN(pcln_magics); k++)
				if (w == pcln_magics[k] && !vec_add_unique(out, sg->vaddr + off))
					return false;
		}
	}
	return true;
}

static bool md_named(const gl_gobin *g, u64vec *out)
{
	static const char *const names[] = {"runtime.firstmoduledata", "local.moduledata", "go:link.moduledata"};
	for (size_t i = 0; i < GL_ARRAY_LEN(names); i++) {
		const gl_image_sym *sym = gl_image_sym_find(g->image, names[i]);
		if (sym && sym->value && !vec_add_unique(out, sym->value))
			return false;
	}
	return true;
}

/* Moduledata candidates: words in writable segments equal to one of the
 * pclntab candidates, or (when none is known: magic and sections gone)
 * every word that points at something shaped like a pcHeader. */
static bool md_scan(const gl_gobin *g, const u64vec *pcs, u64vec *out)
{
	const gl_image *im = g->image;
	for (size_t i = 0; i < im->nsegs; i++) {
		const gl_image_seg *sg = &im->segs[i];
		if (!(sg->flags & GL_IMG_W) || sg->filesz < 8)
			continue;
		const uint8_t *base = im->img.p + sg->off;
		uint64_t start = (8 - (sg->vaddr & 7)) & 7;
		for (uint64_t off = start; off + 8 <= sg->filesz; off += 8) {
			uint64_t w;
			memcpy(&w, base + off, 8);
			bool hit = false;
			if (pcs->len) {
				for (size_t k = 0; k < pcs->len && !hit; k++)
					hit = pcs->v[k] == w;
			} else if (w) {
				const uint8_t *p = gl_image_va(im, w, 16);
				hit = p && pch_shape_ok(p);
			}
			if (hit && !vec_add_unique(out, sg->vaddr + off))
				return false;
		}
	}
	return true;
}

/* Tables in the order to try: the version hint's first, then newest first. */
static size_t table_order(int hint, const struct gl_rttab **order)
{
	size_t n = 0;
	const struct gl_rttab *h = gl_rttab_for(hint);
	if (h)
		order[n++] = h;
	for (size_t i = gl_nrttabs; i-- > 0;)
		if (gl_rttabs[i] != h)
			order[n++] = gl_rttabs[i];
	return n;
}

/* Several tables share a layout and differ in FuncID numbering: keep the
 * one that names runtime.goexit's funcID "goexit". */
static const struct gl_rttab *refine_by_funcid(gl_gobin *g, const struct gl_rttab *rt);

/* The first candidate that validates under some layout (hint first). */
static bool try_candidates(gl_gobin *g, const u64vec *mds, int source)
{
	const struct gl_rttab *order[32];
	size_t norder = table_order(g->info.go_version[0] ? gl_go_minor(g->info.go_version) : -1, order);
	if (source == GL_MDSRC_SCAN)
		g->info.md_candidates += mds->len;
	for (size_t c = 0; c < mds->len; c++) {
		for (size_t t = 0; t < norder; t++) {
			if (md_validate(g, mds->v[c], order[t])) {
				g->rt = order[t];
				g->md_va = mds->v[c];
				g->info.md_source = source;
				return true;
			}
		}
	}
	return false;
}

/* Cheapest evidence first: a full scan touches every page of the file. */
static int choose_layout(gl_gobin *g, goload_err *err)
{
	u64vec pcs = {0}, mds = {0}, none = {0};
	int rc = 0;
	bool ok = pcln_named(g, &pcs) && md_named(g, &mds);
	if (ok && try_candidates(g, &mds, GL_MDSRC_SYMBOL))
		goto found;
	mds.len = 0;
	ok = ok && (!pcs.len || md_scan(g, &pcs, &mds));
	if (ok && try_candidates(g, &mds, GL_MDSRC_SCAN))
		goto found;
	mds.len = 0;
	size_t named = pcs.len;
	ok = ok && pcln_magic_scan(g, &pcs) && (pcs.len == named || md_scan(g, &pcs, &mds));
	if (ok && try_candidates(g, &mds, GL_MDSRC_SCAN))
		goto found;
	/* The pclntab header is unknown or points nowhere: the shape scan. */
	mds.len = 0;
	ok = ok && md_scan(g, &none, &mds);
	if (ok && try_candidates(g, &mds, GL_MDSRC_SCAN))
		goto found;
	uint64_t go12 = 0;
	for (size_t i = 0; ok && i < pcs.len && !go12; i++) {
		const uint8_t *p = gl_image_va(g->image, pcs.v[i], 4);
		uint32_t magic = 0;
		if (p)
			memcpy(&magic, p, 4);
		if (magic == pcln_magics[0])
			go12 = pcs.v[i];
	}
	if (!ok)
		rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory while scanning for moduledata", g->what);
	else if (go12)
		rc = gl_err(err, GOLOAD_E_UNSUPPORTED,
			    "%s: pclntab at 0x%llx has the Go 1.2 format (magic 0xfffffffb, written by Go 1.2-1.15%s%s) but no moduledata validates under the Go 1.15 layout; goload reads Go 1.%d..1.%d",
			    g->what, (unsigned long long)go12, g->info.go_version[0] ? ", this is " : "",
			    g->info.go_version, GL_GO_MINOR_MIN_EXE, GL_GO_MINOR_MAX);
	else if (!pcs.len && !g->info.md_candidates)
		rc = gl_err(err, GOLOAD_E_FORMAT,
			    "%s: not a Go image: no pclntab header (magic, .gopclntab or runtime.pcheader) and no moduledata",
			    g->what);
	else
		rc = gl_err(err, GOLOAD_E_UNSUPPORTED,
			    "%s: no moduledata candidate validates under a known runtime layout (%zu pclntab candidates, %zu moduledata candidates; goload reads Go 1.%d..1.%d)",
			    g->what, pcs.len, g->info.md_candidates, GL_GO_MINOR_MIN_EXE, GL_GO_MINOR_MAX);
	goto out;
found:
	g->md = gl_gobin_va_span(g, g->md_va, g->rt->md_size);
	if (!g->info.go_version[0])
		g->rt = refine_by_funcid(g, g->rt);
out:
	GL_VEC_FREE(&pcs);
	GL_VEC_FREE(&mds);
	return rc;
}

static int load_pclntab(gl_gobin *g, goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	md_view m = {rt, g->md};
	g->pch_va = mdw(&m, GL_MD_PCHEADER);
	g->pch = gl_gobin_va_span(g, g->pch_va, rt->pch_size);
	g->text = mdw(&m, GL_MD_TEXT);
	g->gofunc = mdw(&m, GL_MD_GOFUNC);
	g->textsectmap = mds(&m, GL_MD_TEXTSECTMAP);
	g->nfunc = pchw(g, rt, g->pch_va, g->pch, GL_PCH_NFUNC);
	struct {
		gl_span *dst;
		enum gl_md_field f;
		const char *name;
	} tabs[] = {
		{&g->funcnametab, GL_MD_FUNCNAMETAB, "funcnametab"}, {&g->cutab, GL_MD_CUTAB, "cutab"},
		{&g->filetab, GL_MD_FILETAB, "filetab"},             {&g->pctab, GL_MD_PCTAB, "pctab"},
		{&g->pclntable, GL_MD_PCLNTABLE, "pclntable"},
	};
	for (size_t i = 0; i < GL_ARRAY_LEN(tabs); i++) {
		gl_gobin_slice s = mds(&m, rt->md_off[tabs[i].f] == GL_RT_ABSENT ? GL_MD_PCLNTABLE : tabs[i].f);
		uint64_t bytes = tabs[i].f == GL_MD_CUTAB ? s.len * 4 : s.len;
		*tabs[i].dst = gl_gobin_va_span(g, s.va, bytes);
		if (!tabs[i].dst->p)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: moduledata.%s [0x%llx, +0x%llx) is outside the file",
				      g->what, tabs[i].name, (unsigned long long)s.va, (unsigned long long)bytes);
	}
	uint32_t magic;
	gl_u32_at(g->pch, 0, &magic);
	g->info.pcln_magic = magic;
	g->info.pcln_magic_ok = magic == rt->pcln_magic;
	for (size_t k = 0; k < GL_ARRAY_LEN(pcln_magics); k++)
		if (pcln_magics[k] == rt->pcln_magic)
			g->info.pcln_version = pcln_versions[k];
	g->info.nfuncs = (size_t)g->nfunc;
	/* The Go 1.2 file table counts itself: entry 0 holds nfiles+1. */
	g->info.nfiles = rt->pch_off[GL_PCH_NFILES] != GL_RT_ABSENT ? (size_t)pchw(g, rt, g->pch_va, g->pch, GL_PCH_NFILES)
	                 : g->cutab.n / 4 ? g->cutab.n / 4 - 1 : 0;
	g->info.pclntab_va = g->pch_va;
	g->info.pclntab_end = mdw(&m, GL_MD_EPCLNTAB);
	if (!g->info.pclntab_end) {
		const gl_image_sec *s = gl_image_gosec(g->image, GL_GOSEC_PCLNTAB);
		if (s && s->addr == g->pch_va)
			g->info.pclntab_end = s->addr + s->size;
	}
	g->info.md_va = g->md_va;
	g->info.rt = rt;
	g->info.minor = rt->minor_lo;
	int hint = gl_go_minor(g->info.go_version);
	if (hint >= rt->minor_lo && hint <= rt->minor_hi)
		g->info.minor = hint;
	return 0;
}

uint64_t gl_gobin_textaddr(const gl_gobin *g, uint32_t off)
{
	/* One text section (the common case): pc = text + off. With several
	 * (huge arm64 binaries) textsectmap maps offset ranges to addresses. */
	if (g->textsectmap.len > 1) {
		uint16_t sz = g->rt->textsect_size;
		for (uint64_t i = 0; i < g->textsectmap.len; i++) {
			uint64_t vaddr, end, base;
			uint64_t at = g->textsectmap.va + i * sz;
			if (!gl_gobin_u64(g, at, &vaddr) || !gl_gobin_u64(g, at + 8, &end) ||
			    !gl_gobin_u64(g, at + 16, &base))
				break;
			if (off >= vaddr && off < end)
				return base + (off - vaddr);
		}
	}
	return g->text + off;
}

bool gl_gobin_ftab(const gl_gobin *g, size_t i, uint64_t *entry, uint64_t *funcoff)
{
	const struct gl_rttab *rt = g->rt;
	uint64_t at = rt->ftab_off + (uint64_t)i * rt->ftab_entsize;
	if (rt->func_entry_size == 4) {
		uint32_t e, f;
		if (!gl_u32_at(g->pclntable, at, &e) || !gl_u32_at(g->pclntable, at + 4, &f))
			return false;
		*entry = gl_gobin_textaddr(g, e);
		*funcoff = f;
		return true;
	}
	return gl_u64_at(g->pclntable, at, entry) && gl_u64_at(g->pclntable, at + 8, funcoff);
}

static const struct gl_rttab *refine_by_funcid(gl_gobin *g, const struct gl_rttab *rt)
{
	/* Temporarily load the tables to look runtime.goexit up. */
	goload_err e;
	g->rt = rt;
	if (load_pclntab(g, &e) != 0)
		return rt;
	gl_gobin_func f;
	for (size_t i = 0; i < g->nfunc; i++) {
		if (gl_gobin_func_at(g, i, &f, &e) != 0 || strcmp(f.name, "runtime.goexit") != 0)
			continue;
		for (size_t k = 0; k < gl_nrttabs; k++) {
			const struct gl_rttab *o = gl_rttabs[k];
			if (o->md_size == rt->md_size && !memcmp(o->md_off, rt->md_off, sizeof o->md_off) &&
			    o->func_size == rt->func_size && f.funcid < o->nfuncid &&
			    !strcmp(o->funcid_names[f.funcid], "goexit"))
				return o;
		}
		break;
	}
	return rt;
}

/* --------------------------------------------------------------- classify */

static bool entry_in_go_text(const gl_gobin *g)
{
	gl_gobin_func f;
	goload_err e;
	return gl_gobin_func_for_pc(g, g->image->entry, &f, &e) == 0;
}

static void classify(gl_gobin *g)
{
	const gl_image *im = g->image;
	gl_gobin_info *in = &g->info;
	in->goarch = im->arch;
	in->format = im->format_name;
	in->goos = im->os;
	in->has_sections = im->nsecs > 0;
	in->stripped = im->nsymtab == 0;
	in->has_dwarf = gl_image_gosec(im, GL_GOSEC_DWARFINFO) != NULL;
	md_view m = {g->rt, g->md};
	bool hasmain = g->md.p[g->rt->md_off[GL_MD_HASMAIN]] != 0;
	gl_gobin_slice pp = mds(&m, GL_MD_PLUGINPATH);
	const char *bm = gl_gobin_build_setting(g, "-buildmode");
	if (bm && !strcmp(bm, "exe"))
		in->buildmode = GL_BUILDMODE_EXE;
	else if (bm && !strcmp(bm, "pie"))
		in->buildmode = GL_BUILDMODE_PIE;
	else if (bm && !strcmp(bm, "c-shared"))
		in->buildmode = GL_BUILDMODE_CSHARED;
	else if (bm && !strcmp(bm, "plugin"))
		in->buildmode = GL_BUILDMODE_PLUGIN;
	else if (bm && !strcmp(bm, "shared"))
		in->buildmode = GL_BUILDMODE_SHARED;
	else if (im->fixed)
		in->buildmode = GL_BUILDMODE_EXE;
	else if (pp.len)
		in->buildmode = GL_BUILDMODE_PLUGIN;
	else if (hasmain)
		in->buildmode = GL_BUILDMODE_PIE;
	else
		in->buildmode = GL_BUILDMODE_CSHARED;
	/* Go's linker starts a program at _rt0_<arch>_<os>, a Go (assembly)
	 * function in pclntab; the system linker starts it at crt1's _start.
	 * Shared objects have no meaningful entry: they always link externally. */
	if (in->buildmode == GL_BUILDMODE_CSHARED || in->buildmode == GL_BUILDMODE_PLUGIN ||
	    in->buildmode == GL_BUILDMODE_SHARED)
		in->external_link = true;
	else
		in->external_link = !entry_in_go_text(g);
}

/* ------------------------------------------------------------------- open */

int gl_gobin_open_span(gl_span img, const char *what, gl_gobin **out, goload_err *err)
{
	return gl_gobin_open_span_arch(img, what, NULL, out, err);
}

static int open_span_flags(gl_span img, const gl_file *file, const char *what, const char *arch, unsigned flags,
			   gl_gobin_image_hook *hook, void *ctx, gl_gobin **out, goload_err *err);

int gl_gobin_open_span_arch(gl_span img, const char *what, const char *arch, gl_gobin **out, goload_err *err)
{
	return open_span_flags(img, NULL, what, arch, 0, NULL, NULL, out, err);
}

/* file: the file img maps, if any (the hook is told). */
static int open_span_flags(gl_span img, const gl_file *file, const char *what, const char *arch, unsigned flags,
			   gl_gobin_image_hook *hook, void *ctx, gl_gobin **out, goload_err *err)
{
	*out = NULL;
	gl_gobin *g = calloc(1, sizeof *g);
	if (!g)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
	g->img = img;
	g->what = strdup(what ? what : "image");
	int rc = 0;
	if (!g->what) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", what);
		goto fail;
	}
	g->info.what = g->what;
	g->info.go_version = "";
	if ((rc = gl_image_open_flags(img, g->what, arch, flags, &g->image, err)) != 0)
		goto fail;
	if (hook)
		hook(g->image, file, ctx);
	g->img = g->image->img;
	if ((rc = gl_gobin_load_buildinfo(g, err)) != 0)
		goto fail;
	if (g->has_bi)
		g->info.go_version = g->bi.go_version;
	if ((rc = choose_layout(g, err)) != 0 || (rc = load_pclntab(g, err)) != 0)
		goto fail;
	classify(g);
	*out = g;
	return 0;
fail:
	gl_gobin_close(g);
	return rc;
}

int gl_gobin_open_path(const char *path, gl_gobin **out, goload_err *err)
{
	return gl_gobin_open_path_arch(path, NULL, out, err);
}

static int open_path_flags(const char *path, const char *arch, unsigned fflags, unsigned flags,
			   gl_gobin_image_hook *hook, void *ctx, gl_gobin **out, goload_err *err)
{
	gl_file *f;
	*out = NULL;
	int rc = gl_file_open_flags(path, fflags, &f, err);
	if (rc)
		return rc;
	/* The file's own private mapping: relocated words are written there. */
	if (f->maplen)
		flags |= GL_IMAGE_PRIVATE_MAP | (f->writable ? GL_IMAGE_WRITABLE_MAP : 0);
	if ((rc = open_span_flags(f->data, f, path, arch, flags, hook, ctx, out, err)) != 0) {
		gl_file_close(f);
		return rc;
	}
	(*out)->file = f;
	return 0;
}

int gl_gobin_open_path_arch(const char *path, const char *arch, gl_gobin **out, goload_err *err)
{
	return open_path_flags(path, arch, 0, 0, NULL, NULL, out, err);
}

static int first_phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	GL_UNUSED(size);
	*(uint64_t *)data = (uint64_t)info->dlpi_addr;
	return 1; /* the first object is the main program */
}

int gl_gobin_open_self(gl_gobin **out, goload_err *err) { return gl_gobin_open_self_hook(out, NULL, NULL, err); }

int gl_gobin_open_self_hook(gl_gobin **out, gl_gobin_image_hook *after_image, void *ctx, goload_err *err)
{
	/* Symbols read when the index is built: the host index cache may
	 * have it. The mapping is writable (the words of dynamic relocations
	 * are written there without mprotect) and read at random while the
	 * host is opened: gl_gobin_access. */
	int rc = open_path_flags("/proc/self/exe", NULL, GL_FILE_PRIVATE_RW | GL_FILE_RANDOM, GL_IMAGE_LAZY_SYMS,
				 after_image, ctx, out, err);
	if (rc)
		return rc;
	uint64_t bias = 0;
	dl_iterate_phdr(first_phdr_cb, &bias);
	(*out)->bias = bias;
	return 0;
}

void gl_gobin_access(const gl_gobin *g, bool random) { gl_file_access(g ? g->file : NULL, random); }

void gl_gobin_close(gl_gobin *g)
{
	if (!g)
		return;
	gl_gobin_free_syms(g);
	gl_gobin_free_buildinfo(g);
	gl_image_close(g->image);
	gl_file_close(g->file);
	free(g->what);
	free(g);
}

/* ------------------------------------------------------- moduledata access */

int gl_gobin_md_field_va(const gl_gobin *g, enum gl_md_field f, uint64_t *va, goload_err *err)
{
	if ((unsigned)f >= GL_MD__COUNT || g->rt->md_off[f] == GL_RT_ABSENT)
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: moduledata layout %s has no field %s", g->what,
			      g->rt->name, gl_md_field_name(f));
	*va = g->md_va + g->rt->md_off[f];
	return 0;
}

int gl_gobin_md_word(const gl_gobin *g, enum gl_md_field f, uint64_t *v, goload_err *err)
{
	uint64_t va;
	int rc = gl_gobin_md_field_va(g, f, &va, err);
	if (rc)
		return rc;
	if (gl_md_field_kind(f) == GL_MDK_BYTE) {
		*v = g->md.p[g->rt->md_off[f]];
		return 0;
	}
	*v = rd64(g->md, g->rt->md_off[f]);
	return 0;
}

int gl_gobin_md_slice(const gl_gobin *g, enum gl_md_field f, gl_gobin_slice *s, goload_err *err)
{
	uint64_t va;
	int rc = gl_gobin_md_field_va(g, f, &va, err);
	if (rc)
		return rc;
	md_view m = {g->rt, g->md};
	*s = mds(&m, f);
	return 0;
}
