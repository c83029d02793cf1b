#include "rt/rt.h"

#include "versions/rt_tables.h"

#include <stdlib.h>
#include <string.h>

enum {
	FUNCTAB_BUCKET = 4096, /* abi.FuncTabBucketSize */
	FUNCTAB_NSUB = 16,
	FINDFUNCBUCKET_SIZE = 4 + FUNCTAB_NSUB,
};

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* Appends NUL-terminated strings once each; offsets from the table start. */
typedef struct strtab {
	gl_buf *b;
	size_t base;
	gl_strmap seen;
} strtab;

static bool strtab_add(strtab *t, const char *s, uint32_t *off)
{
	uint64_t v;
	size_t n = strlen(s);
	if (gl_strmap_get(&t->seen, s, n, &v)) {
		*off = (uint32_t)v;
		return true;
	}
	*off = (uint32_t)(t->b->len - t->base);
	return gl_strmap_put(&t->seen, s, n, *off) && gl_buf_append(t->b, s, n + 1);
}

/* pc tables are deduplicated by content; offset 0 stays "no table". */
static bool pctab_add(strtab *t, gl_span tab, uint32_t *off)
{
	if (tab.n == 0) {
		*off = 0;
		return true;
	}
	uint64_t v;
	if (gl_strmap_get(&t->seen, (const char *)tab.p, tab.n, &v)) {
		*off = (uint32_t)v;
		return true;
	}
	*off = (uint32_t)(t->b->len - t->base);
	return gl_strmap_put(&t->seen, (const char *)tab.p, tab.n, *off) && gl_buf_append(t->b, tab.p, tab.n);
}

static void field32(const struct gl_rttab *rt, uint8_t *f, int which, uint32_t v)
{
	put32(f + rt->func_off[which], v);
}

int gl_rt_pcln_build(const struct gl_rttab *rt, const gl_rt_input *in, uint64_t addr, gl_rt_pcln *out,
		     goload_err *err)
{
	memset(out, 0, sizeof *out);
	out->addr = addr;
	gl_buf *b = &out->bytes;
	if (in->nfuncs == 0)
		return gl_err(err, GOLOAD_E_INVAL, "pclntab: no functions");
	for (size_t i = 0; i < in->nfuncs; i++) {
		const gl_rt_func *f = &in->funcs[i];
		if (f->entry < in->text || f->entry + f->size > in->etext || f->cu >= in->ncus ||
		    (i && f->entry < in->funcs[i - 1].entry + in->funcs[i - 1].size))
			return gl_err(err, GOLOAD_E_INTERNAL, "pclntab: function %zu (%s) at 0x%llx+%llu is outside text, overlaps or has a bad CU",
				      i, f->name, (unsigned long long)f->entry, (unsigned long long)f->size);
	}
	int rc = 0;
	strtab names = {b, 0, {0}}, files = {b, 0, {0}}, pcs = {b, 0, {0}};
	uint32_t *nameoff = calloc(in->nfuncs, sizeof *nameoff);
	uint32_t *cuoff = calloc(in->ncus ? in->ncus : 1, sizeof *cuoff);
	uint32_t(*pcoff)[3] = calloc(in->nfuncs, sizeof *pcoff);
	size_t npcdata_total = 0, ninl_total = 0;
	for (size_t i = 0; i < in->nfuncs; i++) {
		npcdata_total += in->funcs[i].npcdata;
		ninl_total += in->funcs[i].ninl;
	}
	uint32_t *pcdataoff = calloc(npcdata_total + 1, sizeof *pcdataoff);
	uint32_t *inlname = calloc(ninl_total + 1, sizeof *inlname);
	if (!nameoff || !cuoff || !pcoff || !pcdataoff || !inlname) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "pclntab: out of memory");
		goto done;
	}

	/* pcHeader, filled at the end when every offset is known. */
	gl_buf_zeros(b, rt->pch_size);
	gl_buf_align(b, 8);

	/* funcnametab: a NUL at 0 so that nameOff 0 reads as "". */
	out->funcnametab = names.base = b->len;
	gl_buf_u8(b, 0);
	for (size_t i = 0; i < in->nfuncs && !b->oom; i++)
		if (!strtab_add(&names, in->funcs[i].name, &nameoff[i]))
			b->oom = true;
	for (size_t i = 0, k = 0; i < in->nfuncs && !b->oom; i++)
		for (uint32_t j = 0; j < in->funcs[i].ninl; j++, k++)
			if (!strtab_add(&names, in->funcs[i].inl[j].func, &inlname[k]))
				b->oom = true;
	out->nfuncnametab = b->len - out->funcnametab;

	/* filetab first (cutab entries point into it), then cutab. */
	gl_buf_align(b, 4);
	gl_buf fileb = {0};
	files.b = &fileb;
	GL_VEC(uint32_t) cu = {0};
	for (size_t c = 0; c < in->ncus && !b->oom; c++) {
		cuoff[c] = (uint32_t)cu.len;
		for (uint32_t j = 0; j < in->cus[c].nfiles; j++) {
			uint32_t o = 0;
			if (!strtab_add(&files, in->cus[c].files[j], &o) || !GL_VEC_PUSH(&cu, o))
				b->oom = true;
		}
	}
	out->cutab = b->len;
	out->ncutab = cu.len;
	gl_buf_append(b, cu.v, cu.len * 4);
	out->filetab = b->len;
	out->nfiletab = fileb.len;
	gl_buf_append(b, fileb.p, fileb.len);
	if (fileb.oom)
		b->oom = true;
	GL_VEC_FREE(&cu);
	gl_buf_free(&fileb);
	gl_strmap_free(&files.seen);

	/* pctab: a pad byte at 0 so that offset 0 means "no table". */
	out->pctab = pcs.base = b->len;
	gl_buf_u8(b, 0);
	for (size_t i = 0, k = 0; i < in->nfuncs && !b->oom; i++) {
		const gl_rt_func *f = &in->funcs[i];
		if (!pctab_add(&pcs, f->pcsp, &pcoff[i][0]) || !pctab_add(&pcs, f->pcfile, &pcoff[i][1]) ||
		    !pctab_add(&pcs, f->pcline, &pcoff[i][2]))
			b->oom = true;
		for (uint32_t j = 0; j < f->npcdata; j++, k++)
			if (!pctab_add(&pcs, f->pcdata[j], &pcdataoff[k]))
				b->oom = true;
	}
	out->npctab = b->len - out->pctab;

	/* Inline trees go after the tables; their offsets from gofunc are
	 * needed in the _func records, so lay out pclntable first, then the
	 * trees, and fill the funcdata words once both are known. */
	gl_buf_align(b, 8);
	out->pclntable = out->ftab = b->len;
	out->nftab = in->nfuncs + 1;
	gl_buf_zeros(b, out->nftab * 8);
	size_t *funcat = calloc(in->nfuncs, sizeof *funcat);
	if (!funcat) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "pclntab: out of memory");
		goto done;
	}
	for (size_t i = 0; i < in->nfuncs && !b->oom; i++) {
		const gl_rt_func *f = &in->funcs[i];
		uint32_t nfd = f->nfuncdata;
		if (f->ninl && nfd <= rt->funcdata_inltree)
			nfd = rt->funcdata_inltree + 1u;
		gl_buf_align(b, 8);
		funcat[i] = b->len;
		gl_buf_zeros(b, rt->func_size + 4u * (f->npcdata + nfd));
	}
	out->npclntable = b->len - out->pclntable;

	out->minpc = in->funcs[0].entry;
	out->maxpc = in->funcs[in->nfuncs - 1].entry + in->funcs[in->nfuncs - 1].size;
	gl_buf_align(b, 4);
	out->findfunctab = b->len;
	size_t nbucket = (out->maxpc - out->minpc + FUNCTAB_BUCKET - 1) / FUNCTAB_BUCKET;
	out->nfindfunctab = nbucket * FINDFUNCBUCKET_SIZE;
	gl_buf_zeros(b, out->nfindfunctab);

	gl_buf_align(b, 4);
	size_t inlat = b->len;
	gl_buf_zeros(b, ninl_total * rt->inl_size);
	if (b->oom) {
		rc = gl_err(err, GOLOAD_E_NOMEM, "pclntab: out of memory");
		free(funcat);
		goto done;
	}

	uint8_t *p = b->p;
	/* ftab and _func records */
	for (size_t i = 0, k = 0, kinl = 0; i < in->nfuncs; i++) {
		const gl_rt_func *f = &in->funcs[i];
		put32(p + out->ftab + i * 8, (uint32_t)(f->entry - in->text));
		put32(p + out->ftab + i * 8 + 4, (uint32_t)(funcat[i] - out->pclntable));
		uint8_t *r = p + funcat[i];
		uint32_t nfd = f->nfuncdata;
		if (f->ninl && nfd <= rt->funcdata_inltree)
			nfd = rt->funcdata_inltree + 1u;
		field32(rt, r, GL_FN_ENTRYOFF, (uint32_t)(f->entry - in->text));
		field32(rt, r, GL_FN_NAMEOFF, nameoff[i]);
		field32(rt, r, GL_FN_ARGS, f->args);
		field32(rt, r, GL_FN_DEFERRETURN, f->deferreturn);
		field32(rt, r, GL_FN_PCSP, pcoff[i][0]);
		field32(rt, r, GL_FN_PCFILE, pcoff[i][1]);
		field32(rt, r, GL_FN_PCLN, pcoff[i][2]);
		field32(rt, r, GL_FN_NPCDATA, f->npcdata);
		field32(rt, r, GL_FN_CUOFFSET, cuoff[f->cu]);
		field32(rt, r, GL_FN_STARTLINE, (uint32_t)f->startline);
		r[rt->func_off[GL_FN_FUNCID]] = f->funcid;
		r[rt->func_off[GL_FN_FLAG]] = f->flag;
		r[rt->func_off[GL_FN_NFUNCDATA]] = (uint8_t)nfd;
		uint8_t *pd = r + rt->func_size;
		for (uint32_t j = 0; j < f->npcdata; j++, k++)
			put32(pd + 4 * j, pcdataoff[k]);
		uint8_t *fd = pd + 4 * f->npcdata;
		for (uint32_t j = 0; j < nfd; j++) {
			uint64_t a = j < f->nfuncdata ? f->funcdata[j] : 0;
			if (f->ninl && j == rt->funcdata_inltree)
				a = addr + inlat + kinl * rt->inl_size;
			if (a && (a < in->gofunc || a - in->gofunc > UINT32_MAX - 1)) {
				rc = gl_err(err, GOLOAD_E_INTERNAL, "pclntab: %s: funcdata %u at 0x%llx is not above gofunc 0x%llx",
					    f->name, j, (unsigned long long)a, (unsigned long long)in->gofunc);
				free(funcat);
				goto done;
			}
			put32(fd + 4 * j, a ? (uint32_t)(a - in->gofunc) : UINT32_MAX);
		}
		for (uint32_t j = 0; j < f->ninl; j++, kinl++) {
			uint8_t *n = p + inlat + kinl * rt->inl_size;
			n[rt->inl_funcid] = f->inl[j].funcid;
			put32(n + rt->inl_nameoff, inlname[kinl]);
			put32(n + rt->inl_parentpc, (uint32_t)f->inl[j].parentpc);
			put32(n + rt->inl_startline, (uint32_t)f->inl[j].startline);
		}
	}
	const gl_rt_func *last = &in->funcs[in->nfuncs - 1];
	put32(p + out->ftab + in->nfuncs * 8, (uint32_t)(last->entry + last->size - in->text));
	free(funcat);

	/* findfunctab: each bucket names the function covering its start, each
	 * 256-byte subbucket the distance from there to its own. */
	for (size_t bk = 0, fi = 0; bk < nbucket; bk++) {
		uint8_t *e = p + out->findfunctab + bk * FINDFUNCBUCKET_SIZE;
		uint32_t base = 0;
		for (int s = 0; s < FUNCTAB_NSUB; s++) {
			uint64_t pc = out->minpc + bk * FUNCTAB_BUCKET + (uint64_t)s * (FUNCTAB_BUCKET / FUNCTAB_NSUB);
			while (fi + 1 < in->nfuncs && in->funcs[fi + 1].entry <= pc)
				fi++;
			if (s == 0) {
				base = (uint32_t)fi;
				put32(e, base);
			}
			if (fi - base > 255) {
				rc = gl_err(err, GOLOAD_E_UNSUPPORTED, "pclntab: more than 256 functions in 4 KiB at 0x%llx",
					    (unsigned long long)pc);
				goto done;
			}
			e[4 + s] = (uint8_t)(fi - base);
		}
	}

	/* pcHeader */
	put32(p, rt->pcln_magic);
#if defined(__aarch64__)
	p[6] = 4; /* minLC: PCQuantum on arm64 */
#else
	p[6] = 1; /* minLC: PCQuantum on amd64 */
#endif
	p[7] = 8;
	put64(p + rt->pch_off[GL_PCH_NFUNC], in->nfuncs);
	put64(p + rt->pch_off[GL_PCH_NFILES], out->ncutab);
	if (rt->pch_off[GL_PCH_TEXTSTART] != GL_RT_ABSENT)
		put64(p + rt->pch_off[GL_PCH_TEXTSTART], in->text);
	put64(p + rt->pch_off[GL_PCH_FUNCNAMEOFF], out->funcnametab);
	put64(p + rt->pch_off[GL_PCH_CUOFF], out->cutab);
	put64(p + rt->pch_off[GL_PCH_FILETABOFF], out->filetab);
	put64(p + rt->pch_off[GL_PCH_PCTABOFF], out->pctab);
	put64(p + rt->pch_off[GL_PCH_PCLNOFF], out->pclntable);
done:
	gl_strmap_free(&names.seen);
	gl_strmap_free(&pcs.seen);
	free(nameoff);
	free(cuoff);
	free(pcoff);
	free(pcdataoff);
	free(inlname);
	if (rc < 0)
		gl_rt_pcln_free(out);
	return rc;
}

void gl_rt_pcln_free(gl_rt_pcln *p) { gl_buf_free(&p->bytes); }

void gl_rt_pcln_move(const struct gl_rttab *rt, gl_rt_pcln *p, uint64_t text, int64_t delta)
{
	/* Everything else is relative: entries to the text, funcdata to
	 * gofunc, the tables to the pclntab, buckets to minpc. */
	if (rt->pch_off[GL_PCH_TEXTSTART] != GL_RT_ABSENT)
		put64(p->bytes.p + rt->pch_off[GL_PCH_TEXTSTART], text);
	p->addr += (uint64_t)delta;
	p->minpc += (uint64_t)delta;
	p->maxpc += (uint64_t)delta;
}

static void md_word(const struct gl_rttab *rt, uint8_t *md, enum gl_md_field f, uint64_t v)
{
	if (rt->md_off[f] != GL_RT_ABSENT)
		put64(md + rt->md_off[f], v);
}

static void md_slice(const struct gl_rttab *rt, uint8_t *md, enum gl_md_field f, uint64_t ptr, uint64_t n)
{
	if (rt->md_off[f] == GL_RT_ABSENT)
		return;
	put64(md + rt->md_off[f], ptr);
	put64(md + rt->md_off[f] + 8, n);
	put64(md + rt->md_off[f] + 16, n);
}

static const uint8_t zero_mask[8];

int gl_rt_moduledata_build(const struct gl_rttab *rt, const gl_rt_pcln *pcln, const gl_rt_sections *sec,
			   uint8_t **md_out, goload_err *err)
{
	*md_out = NULL;
	if (!sec->modulename || !sec->modulename[0])
		return gl_err(err, GOLOAD_E_INVAL, "moduledata: empty module name");
	if ((sec->edata > sec->data && !sec->gcdatamask) || (sec->ebss > sec->bss && !sec->gcbssmask))
		return gl_err(err, GOLOAD_E_INTERNAL, "moduledata %s: data or bss without a pointer mask", sec->modulename);
	uint8_t *md = calloc(1, rt->md_size);
	if (!md)
		return gl_err(err, GOLOAD_E_NOMEM, "moduledata: out of memory");
	uint64_t a = pcln->addr;
	md_word(rt, md, GL_MD_PCHEADER, a);
	md_slice(rt, md, GL_MD_FUNCNAMETAB, a + pcln->funcnametab, pcln->nfuncnametab);
	md_slice(rt, md, GL_MD_CUTAB, a + pcln->cutab, pcln->ncutab);
	md_slice(rt, md, GL_MD_FILETAB, a + pcln->filetab, pcln->nfiletab);
	md_slice(rt, md, GL_MD_PCTAB, a + pcln->pctab, pcln->npctab);
	md_slice(rt, md, GL_MD_PCLNTABLE, a + pcln->pclntable, pcln->npclntable);
	md_slice(rt, md, GL_MD_FTAB, a + pcln->ftab, pcln->nftab);
	md_word(rt, md, GL_MD_FINDFUNCTAB, a + pcln->findfunctab);
	md_word(rt, md, GL_MD_MINPC, pcln->minpc);
	md_word(rt, md, GL_MD_MAXPC, pcln->maxpc);
	md_word(rt, md, GL_MD_TEXT, sec->text);
	md_word(rt, md, GL_MD_ETEXT, sec->etext);
	md_word(rt, md, GL_MD_NOPTRDATA, sec->noptrdata);
	md_word(rt, md, GL_MD_ENOPTRDATA, sec->enoptrdata);
	md_word(rt, md, GL_MD_DATA, sec->data);
	md_word(rt, md, GL_MD_EDATA, sec->edata);
	md_word(rt, md, GL_MD_BSS, sec->bss);
	md_word(rt, md, GL_MD_EBSS, sec->ebss);
	md_word(rt, md, GL_MD_NOPTRBSS, sec->noptrbss);
	md_word(rt, md, GL_MD_ENOPTRBSS, sec->enoptrbss);
	md_word(rt, md, GL_MD_COVCTRS, sec->enoptrbss);
	md_word(rt, md, GL_MD_ECOVCTRS, sec->enoptrbss);
	md_word(rt, md, GL_MD_END, sec->end);
	md_word(rt, md, GL_MD_TYPES, sec->types);
	md_word(rt, md, GL_MD_ETYPES, sec->etypes);
	md_word(rt, md, GL_MD_RODATA, sec->rodata);
	md_word(rt, md, GL_MD_GOFUNC, sec->gofunc);
	md_word(rt, md, GL_MD_EPCLNTAB, sec->epclntab);
	md_slice(rt, md, GL_MD_TYPELINKS, (uintptr_t)sec->typelinks, sec->ntypelinks);
	md_slice(rt, md, GL_MD_ITABLINKS, (uintptr_t)sec->itablinks, sec->nitablinks);
	/* runtime.moduleTypelinks walks from types+8; addModuleItabs runs only
	 * at startup, so an empty itab region at etypes hides nothing. */
	md_word(rt, md, GL_MD_TYPEDESCLEN, sec->typedesclen < 8 ? 8 : sec->typedesclen);
	md_word(rt, md, GL_MD_ITABOFFSET, sec->etypes - sec->types);
	md_word(rt, md, GL_MD_ITABSIZE, 0);
	md_slice(rt, md, GL_MD_INITTASKS, (uintptr_t)sec->inittasks, sec->ninittasks);
	size_t nlen = strlen(sec->modulename);
	md_word(rt, md, GL_MD_PLUGINPATH, (uintptr_t)sec->modulename);
	if (rt->md_off[GL_MD_PLUGINPATH] != GL_RT_ABSENT)
		put64(md + rt->md_off[GL_MD_PLUGINPATH] + 8, nlen);
	md_word(rt, md, GL_MD_MODULENAME, (uintptr_t)sec->modulename);
	if (rt->md_off[GL_MD_MODULENAME] != GL_RT_ABSENT)
		put64(md + rt->md_off[GL_MD_MODULENAME] + 8, nlen);
	/* Pre-filled pointer masks: modulesinit then leaves them alone (it
	 * would otherwise run gcdata/gcbss as GC programs). bytedata is never
	 * nil, so even an empty section's mask is not the zero bitvector. */
	if (rt->md_off[GL_MD_GCDATAMASK] != GL_RT_ABSENT) {
		put32(md + rt->md_off[GL_MD_GCDATAMASK], (uint32_t)((sec->edata - sec->data) / 8));
		put64(md + rt->md_off[GL_MD_GCDATAMASK] + 8,
		      (uintptr_t)(sec->gcdatamask ? sec->gcdatamask : zero_mask));
	}
	if (rt->md_off[GL_MD_GCBSSMASK] != GL_RT_ABSENT) {
		put32(md + rt->md_off[GL_MD_GCBSSMASK], (uint32_t)((sec->ebss - sec->bss) / 8));
		put64(md + rt->md_off[GL_MD_GCBSSMASK] + 8, (uintptr_t)(sec->gcbssmask ? sec->gcbssmask : zero_mask));
	}
	*md_out = md;
	return 0;
}
