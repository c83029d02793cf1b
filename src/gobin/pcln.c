/*
 * Functions, pc-value tables, file:line and inline trees from pclntab
 * (runtime/symtab.go and runtime/symtabinl.go are the reference readers).
 */
#include "gobin/gobin_int.h"

#include <string.h>

size_t gl_gobin_nfuncs(const gl_gobin *g) { return (size_t)g->nfunc; }

const char *gl_gobin_funcid_name(const gl_gobin *g, uint8_t id)
{
	const char *n = gl_rttab_funcid_name(g->rt, id);
	return n ? n : "unknown";
}

static uint32_t fld32(gl_span s, uint64_t base, uint16_t off)
{
	uint32_t v = 0;
	if (off != GL_RT_ABSENT)
		gl_u32_at(s, base + off, &v);
	return v;
}

static uint8_t fld8(gl_span s, uint64_t base, uint16_t off)
{
	uint8_t v = 0;
	if (off != GL_RT_ABSENT)
		gl_u8_at(s, base + off, &v);
	return v;
}

int gl_gobin_func_at(const gl_gobin *g, size_t i, gl_gobin_func *f, goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	uint64_t entry, foff, end, foff2;
	if (i >= g->nfunc)
		return gl_err(err, GOLOAD_E_INVAL, "%s: function index %zu out of range (%llu functions)", g->what, i,
			      (unsigned long long)g->nfunc);
	if (!gl_gobin_ftab(g, i, &entry, &foff) || !gl_gobin_ftab(g, i + 1, &end, &foff2))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: ftab row %zu is outside pclntable (size 0x%zx)", g->what, i,
			      g->pclntable.n);
	if (!gl_span_has(g->pclntable, foff, rt->func_size))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: _func %zu at pclntable+0x%llx is out of range (size 0x%zx)",
			      g->what, i, (unsigned long long)foff, g->pclntable.n);
	memset(f, 0, sizeof *f);
	f->index = (uint32_t)i;
	f->off = (uint32_t)foff;
	f->entry = entry;
	f->end = end;
	const uint16_t *o = rt->func_off;
	uint32_t nameoff = fld32(g->pclntable, foff, o[GL_FN_NAMEOFF]);
	f->name = gl_cstr_at(g->funcnametab, nameoff, NULL);
	if (!f->name)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: _func %zu: name offset 0x%x is outside funcnametab (size 0x%zx)",
			      g->what, i, nameoff, g->funcnametab.n);
	f->args = (int32_t)fld32(g->pclntable, foff, o[GL_FN_ARGS]);
	f->deferreturn = fld32(g->pclntable, foff, o[GL_FN_DEFERRETURN]);
	f->pcsp = fld32(g->pclntable, foff, o[GL_FN_PCSP]);
	f->pcfile = fld32(g->pclntable, foff, o[GL_FN_PCFILE]);
	f->pcln = fld32(g->pclntable, foff, o[GL_FN_PCLN]);
	f->npcdata = fld32(g->pclntable, foff, o[GL_FN_NPCDATA]);
	f->cuoff = fld32(g->pclntable, foff, o[GL_FN_CUOFFSET]);
	f->start_line = (int32_t)fld32(g->pclntable, foff, o[GL_FN_STARTLINE]);
	f->funcid = fld8(g->pclntable, foff, o[GL_FN_FUNCID]);
	f->flag = fld8(g->pclntable, foff, o[GL_FN_FLAG]);
	f->nfuncdata = fld8(g->pclntable, foff, o[GL_FN_NFUNCDATA]);
	return 0;
}

int gl_gobin_func_for_pc(const gl_gobin *g, uint64_t pc, gl_gobin_func *f, goload_err *err)
{
	uint64_t lo_e, hi_e, x;
	if (!g->nfunc || !gl_gobin_ftab(g, 0, &lo_e, &x) || !gl_gobin_ftab(g, g->nfunc, &hi_e, &x) || pc < lo_e ||
	    pc >= hi_e)
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: pc 0x%llx is outside Go text", g->what,
			      (unsigned long long)pc);
	size_t lo = 0, hi = (size_t)g->nfunc; /* ftab[lo].entry <= pc < ftab[hi].entry */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t e;
		if (!gl_gobin_ftab(g, mid, &e, &x))
			return gl_err(err, GOLOAD_E_FORMAT, "%s: ftab row %zu unreadable", g->what, mid);
		if (e <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return gl_gobin_func_at(g, lo, f, err);
}

size_t gl_gobin_func_pkg(const char *name, char *buf, size_t cap)
{
	/* Type arguments may hold slashes and dots: look before the '['. */
	size_t n = strcspn(name, "[");
	size_t slash = 0;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/')
			slash = i + 1;
	const char *dot = memchr(name + slash, '.', n - slash);
	size_t len = dot ? (size_t)(dot - name) : 0;
	if (cap) {
		size_t c = len < cap - 1 ? len : cap - 1;
		memcpy(buf, name, c);
		buf[c] = 0;
	}
	return len;
}

/* --------------------------------------------------------- pc-value tables */

/* Decoder state of one pc-value table (runtime.step). */
typedef struct pcv {
	gl_rd r;
	uint64_t pc;
	int32_t val;
	bool first;
	uint8_t quantum;
} pcv;

/* Advances to the next (pc, val) pair: on return [old pc, r->pc) has r->val.
 * False at the end of the table or on a decoding error (r.failed). */
static bool pcv_step(pcv *s)
{
	uint64_t uv = gl_rd_uvarint(&s->r);
	if (!gl_rd_ok(&s->r) || (uv == 0 && !s->first))
		return false;
	s->first = false;
	int32_t d = (uv & 1) ? (int32_t) ~(uint32_t)(uv >> 1) : (int32_t)(uint32_t)(uv >> 1);
	s->val += d;
	uint64_t pcd = gl_rd_uvarint(&s->r);
	if (!gl_rd_ok(&s->r))
		return false;
	s->pc += pcd * s->quantum;
	return true;
}

static int pcv_init(const gl_gobin *g, const gl_gobin_func *f, uint32_t off, pcv *s, goload_err *err)
{
	if (off >= g->pctab.n)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: pc-value table offset 0x%x is outside pctab (size 0x%zx)",
			      g->what, f->name, off, g->pctab.n);
	s->r = gl_rd_make(g->pctab, off);
	s->pc = f->entry;
	s->val = -1;
	s->first = true;
	s->quantum = g->pch.p[6];
	return 0;
}

int gl_gobin_pcvalue(const gl_gobin *g, const gl_gobin_func *f, uint32_t off, uint64_t pc, int32_t *val,
		     goload_err *err)
{
	pcv s;
	if (off == 0)
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: %s has no such pc-value table", g->what, f->name);
	int rc = pcv_init(g, f, off, &s, err);
	if (rc)
		return rc;
	while (pcv_step(&s)) {
		if (pc < s.pc) {
			*val = s.val;
			return 0;
		}
	}
	if (s.r.failed)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: pc-value table at pctab+0x%x is truncated at 0x%zx",
			      g->what, f->name, off, s.r.fail_at);
	return gl_err(err, GOLOAD_E_NOTFOUND, "%s: pc 0x%llx is past the pc-value table of %s", g->what,
		      (unsigned long long)pc, f->name);
}

int gl_gobin_pcvalue_walk(const gl_gobin *g, const gl_gobin_func *f, uint32_t off, gl_gobin_pcv_cb cb,
			  void *ctx, goload_err *err)
{
	pcv s = {0};
	if (off == 0)
		return 0;
	int rc = pcv_init(g, f, off, &s, err);
	if (rc)
		return rc;
	uint64_t lo = s.pc;
	while (pcv_step(&s)) {
		if (!cb(ctx, lo, s.pc, s.val))
			return 0;
		lo = s.pc;
	}
	if (s.r.failed)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: pc-value table at pctab+0x%x is truncated at 0x%zx",
			      g->what, f->name, off, s.r.fail_at);
	return 0;
}

int gl_gobin_func_size(const gl_gobin *g, const gl_gobin_func *f, uint64_t *size, goload_err *err)
{
	/* The linker encodes pcsp over exactly the function's bytes (its
	 * symbol size); end-entry would include the alignment padding. */
	pcv s;
	uint32_t off = f->pcsp ? f->pcsp : f->pcln;
	*size = f->end - f->entry;
	if (!off)
		return 0;
	int rc = pcv_init(g, f, off, &s, err);
	if (rc)
		return rc;
	while (pcv_step(&s))
		;
	if (s.r.failed)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: pc-value table at pctab+0x%x is truncated at 0x%zx",
			      g->what, f->name, off, s.r.fail_at);
	*size = s.pc - f->entry;
	return 0;
}

int gl_gobin_func_pcdata(const gl_gobin *g, const gl_gobin_func *f, uint32_t idx, uint32_t *off,
			 goload_err *err)
{
	*off = 0;
	if (idx >= f->npcdata)
		return 0;
	if (!gl_u32_at(g->pclntable, (uint64_t)f->off + g->rt->func_size + 4ull * idx, off))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: pcdata[%u] is outside pclntable", g->what, f->name, idx);
	return 0;
}

int gl_gobin_func_funcdata(const gl_gobin *g, const gl_gobin_func *f, uint32_t idx, uint64_t *va,
			   goload_err *err)
{
	*va = 0;
	if (idx >= f->nfuncdata)
		return 0;
	uint64_t at = (uint64_t)f->off + g->rt->func_size + 4ull * f->npcdata;
	if (g->rt->funcdata_is_off) {
		uint32_t o;
		if (!gl_u32_at(g->pclntable, at + 4ull * idx, &o))
			return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: funcdata[%u] is outside pclntable", g->what,
				      f->name, idx);
		*va = o == UINT32_MAX ? 0 : g->gofunc + o;
		return 0;
	}
	at = (at + 7) & ~7ull;
	if (!gl_u64_at(g->pclntable, at + 8ull * idx, va))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: funcdata[%u] is outside pclntable", g->what, f->name, idx);
	return 0;
}

int gl_gobin_file(const gl_gobin *g, const gl_gobin_func *f, int32_t fileno, const char **file, goload_err *err)
{
	uint32_t off;
	*file = "?";
	if (fileno < 0)
		return 0;
	if (!gl_u32_at(g->cutab, 4ull * ((uint64_t)f->cuoff + (uint32_t)fileno), &off))
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: file %d of CU %u is outside cutab (%zu entries)", g->what,
			      f->name, fileno, f->cuoff, g->cutab.n / 4);
	if (off == UINT32_MAX)
		return 0;
	const char *s = gl_cstr_at(g->filetab, off, NULL);
	if (!s)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: file name offset 0x%x is outside filetab (size 0x%zx)",
			      g->what, f->name, off, g->filetab.n);
	*file = s;
	return 0;
}

int gl_gobin_func_line(const gl_gobin *g, const gl_gobin_func *f, uint64_t pc, const char **file, int32_t *line,
		       goload_err *err)
{
	/* Marker symbols (go:textfipsstart...) have no tables: "?":0, like the runtime. */
	int32_t fileno = -1;
	int rc = 0;
	*line = 0;
	if (f->pcfile)
		rc = gl_gobin_pcvalue(g, f, f->pcfile, pc, &fileno, err);
	if (!rc)
		rc = gl_gobin_file(g, f, fileno, file, err);
	if (!rc && f->pcln)
		rc = gl_gobin_pcvalue(g, f, f->pcln, pc, line, err);
	return rc;
}

/* ------------------------------------------------------------ inline trees */

int gl_gobin_inl_node(const gl_gobin *g, const gl_gobin_func *f, int32_t index, gl_gobin_inl *node,
		      goload_err *err)
{
	const struct gl_rttab *rt = g->rt;
	uint64_t tree;
	int rc = gl_gobin_func_funcdata(g, f, rt->funcdata_inltree, &tree, err);
	if (rc)
		return rc;
	if (!tree || index < 0)
		return gl_err(err, GOLOAD_E_NOTFOUND, "%s: %s has no inline tree node %d", g->what, f->name, index);
	gl_span s = gl_gobin_va_span(g, tree + (uint64_t)index * rt->inl_size, rt->inl_size);
	if (!s.p)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: inline tree node %d at 0x%llx is outside the file", g->what,
			      f->name, index, (unsigned long long)(tree + (uint64_t)index * rt->inl_size));
	uint32_t nameoff = 0, ppc = 0, sl = 0;
	gl_u32_at(s, rt->inl_nameoff, &nameoff);
	gl_u32_at(s, rt->inl_parentpc, &ppc);
	if (rt->inl_startline != GL_RT_ABSENT)
		gl_u32_at(s, rt->inl_startline, &sl);
	node->index = index;
	node->funcid = s.p[rt->inl_funcid];
	node->parent_pc = (int32_t)ppc;
	node->start_line = (int32_t)sl;
	node->name = gl_cstr_at(g->funcnametab, nameoff, NULL);
	if (!node->name)
		return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: inline node %d name offset 0x%x is outside funcnametab",
			      g->what, f->name, index, nameoff);
	return 0;
}

int gl_gobin_inl_walk(const gl_gobin *g, const gl_gobin_func *f, gl_gobin_pcv_cb cb, void *ctx, goload_err *err)
{
	uint32_t off;
	int rc = gl_gobin_func_pcdata(g, f, g->rt->pcdata_inltreeindex, &off, err);
	if (rc || !off)
		return rc;
	return gl_gobin_pcvalue_walk(g, f, off, cb, ctx, err);
}

/* Inline index at pc, -1 when pc runs the function's own code. */
static int inl_index(const gl_gobin *g, const gl_gobin_func *f, uint64_t pc, int32_t *ix, goload_err *err)
{
	uint32_t off;
	*ix = -1;
	int rc = gl_gobin_func_pcdata(g, f, g->rt->pcdata_inltreeindex, &off, err);
	if (rc || !off)
		return rc;
	rc = gl_gobin_pcvalue(g, f, off, pc, ix, err);
	if (rc == -GOLOAD_E_NOTFOUND) {
		*ix = -1;
		return 0;
	}
	return rc;
}

int gl_gobin_pc_frames(const gl_gobin *g, uint64_t pc, gl_gobin_frame *frames, size_t max, goload_err *err)
{
	gl_gobin_func f;
	int rc = gl_gobin_func_for_pc(g, pc, &f, err);
	if (rc)
		return rc;
	size_t n = 0;
	int32_t ix;
	if ((rc = inl_index(g, &f, pc, &ix, err)) != 0)
		return rc;
	/* A corrupt tree could loop: the depth is bounded by the tree's size,
	 * and no real inline chain is deeper than this. */
	for (int depth = 0; depth < 4096; depth++) {
		gl_gobin_frame fr = {0};
		if ((rc = gl_gobin_func_line(g, &f, pc, &fr.file, &fr.line, err)) != 0)
			return rc;
		if (ix < 0) {
			fr.func = f.name;
			fr.start_line = f.start_line;
			fr.funcid = f.funcid;
			fr.entry = f.entry;
			if (n < max)
				frames[n] = fr;
			return (int)(n + 1);
		}
		gl_gobin_inl node;
		if ((rc = gl_gobin_inl_node(g, &f, ix, &node, err)) != 0)
			return rc;
		fr.func = node.name;
		fr.start_line = node.start_line;
		fr.funcid = node.funcid;
		fr.inlined = true;
		if (n < max)
			frames[n] = fr;
		n++;
		pc = f.entry + (uint64_t)(int64_t)node.parent_pc;
		if (pc < f.entry || pc >= f.end)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: inline node %d parent pc 0x%llx is outside the function",
				      g->what, f.name, ix, (unsigned long long)pc);
		if ((rc = inl_index(g, &f, pc, &ix, err)) != 0)
			return rc;
	}
	return gl_err(err, GOLOAD_E_FORMAT, "%s: %s: inline chain at 0x%llx does not end", g->what, f.name,
		      (unsigned long long)pc);
}
