/*
 * Inlined copies of a patch target: the entry jump reaches only the
 * out-of-line body, so a target the compiler copied into callers would
 * keep running its old code there. The callers' pclntab inline trees name
 * every copy.
 *
 * The index is built in one pass: for each function, its pcinline ranges
 * are read once into an array, and each range's chain of inline nodes is
 * followed to the outer function through the nodes' parent PCs, looked up
 * in that array (a binary search, not a new decode of the table). Each
 * (name, caller) pair is kept once, with the call site of its first
 * occurrence.
 *
 * Sorted by the names' addresses in funcnametab (the linker writes a
 * function's name once per symbol, so pairs of one name mostly share an
 * address), then the distinct addresses by the names' text: a question
 * finds every address spelling its name, and gathers their pairs in
 * caller order, as one sort by (name, caller) would, for a fraction of
 * the string comparisons.
 */
#include "patch/inline.h"

#include <stdlib.h>

typedef struct inl_site {
	const char *name; /* pclntab's spelling of the inlined function */
	uint32_t fidx;    /* the caller, by ftab index */
	int32_t parent_pc; /* offset from the caller's entry: the call site */
} inl_site;

typedef struct inl_group {
	const char *name; /* one funcnametab address */
	uint32_t first, n; /* its pairs, sites[first, first+n) */
} inl_group;

/* Frozen: names as offsets in the image's bytes (funcnametab is there),
 * so that the index can be kept in the host index cache. */
typedef struct inl_fsite {
	uint32_t name, fidx;
	int32_t parent_pc;
} inl_fsite;

typedef struct inl_fgroup {
	uint32_t name, first, n;
} inl_fgroup;

struct gl_patch_inl_index {
	const inl_fsite *sites; /* by name address, then caller */
	const inl_fgroup *groups; /* by name text */
	uint64_t nsites, ngroups;
	gl_span base;
	void *own;
};

/* Building: pointers into the image. */
typedef struct inl_build {
	GL_VEC(inl_site) sites;
	GL_VEC(inl_group) groups;
} inl_build;

typedef struct inl_range {
	uint64_t lo, hi;
	int32_t ix;
} inl_range;

typedef struct collect {
	GL_VEC(inl_range) r;
	bool oom;
} collect;

static bool on_range(void *ctx, uint64_t lo, uint64_t hi, int32_t ix)
{
	collect *c = ctx;
	inl_range r = {lo, hi, ix};
	if (ix >= 0 && !GL_VEC_PUSH(&c->r, r)) {
		c->oom = true;
		return false;
	}
	return true;
}

/* The inline index at pc: the range holding it, -1 when pc runs the
 * function's own code. */
static int32_t index_at(const collect *c, uint64_t pc)
{
	size_t lo = 0, hi = c->r.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->r.v[mid].hi <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->r.len && c->r.v[lo].lo <= pc && pc < c->r.v[lo].hi)
		return c->r.v[lo].ix;
	return -1;
}

static int cmp_site(const void *a, const void *b)
{
	const inl_site *x = a, *y = b;
	if (x->name != y->name)
		return (uintptr_t)x->name < (uintptr_t)y->name ? -1 : 1;
	return x->fidx < y->fidx ? -1 : x->fidx > y->fidx;
}

static int cmp_group(const void *a, const void *b)
{
	const inl_group *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (uintptr_t)x->name < (uintptr_t)y->name ? -1 : (uintptr_t)x->name > (uintptr_t)y->name;
}

static int cmp_fidx(const void *a, const void *b)
{
	const inl_fsite *x = *(const inl_fsite *const *)a, *y = *(const inl_fsite *const *)b;
	return x->fidx < y->fidx ? -1 : x->fidx > y->fidx;
}

void gl_patch_inl_index_free(gl_patch_inl_index *x)
{
	if (!x)
		return;
	free(x->own);
	free(x);
}

static void inl_build_free(inl_build *x)
{
	GL_VEC_FREE(&x->sites);
	GL_VEC_FREE(&x->groups);
}

/* A name of the index: NULL unless it lies, NUL-terminated, in the base. */
static const char *inl_name(const gl_patch_inl_index *x, uint32_t off)
{
	if (off >= x->base.n || !memchr(x->base.p + off, 0, x->base.n - off))
		return NULL;
	return (const char *)x->base.p + off;
}

static int inl_freeze(inl_build *b, const gl_gobin *g, gl_patch_inl_index **out, goload_err *err)
{
	gl_span base = gl_gobin_image(g)->img;
	gl_patch_inl_index *x = calloc(1, sizeof *x);
	size_t sz = b->sites.len * sizeof(inl_fsite) + b->groups.len * sizeof(inl_fgroup);
	void *own = x ? malloc(sz ? sz : 1) : NULL;
	if (!own) {
		free(x);
		inl_build_free(b);
		return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
	}
	inl_fsite *fs = own;
	inl_fgroup *fg = (inl_fgroup *)(fs + b->sites.len);
	int rc = 0;
	for (size_t i = 0; i < b->sites.len + b->groups.len && !rc; i++) {
		const char *nm = i < b->sites.len ? b->sites.v[i].name : b->groups.v[i - b->sites.len].name;
		uint64_t off = (uint64_t)((const uint8_t *)nm - base.p);
		if ((const uint8_t *)nm < base.p || off >= base.n || off > UINT32_MAX) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "patch: inline tree name %s lies outside the executable's bytes", nm);
			break;
		}
		if (i < b->sites.len)
			fs[i] = (inl_fsite){(uint32_t)off, b->sites.v[i].fidx, b->sites.v[i].parent_pc};
		else
			fg[i - b->sites.len] = (inl_fgroup){(uint32_t)off, b->groups.v[i - b->sites.len].first,
							    b->groups.v[i - b->sites.len].n};
	}
	*x = (gl_patch_inl_index){fs, fg, b->sites.len, b->groups.len, base, own};
	inl_build_free(b);
	if (rc) {
		gl_patch_inl_index_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

bool gl_patch_inl_index_write(const gl_patch_inl_index *x, gl_buf *out)
{
	gl_buf_u64(out, x->nsites);
	gl_buf_u64(out, x->ngroups);
	gl_buf_append(out, x->sites, x->nsites * sizeof *x->sites);
	gl_buf_append(out, x->groups, x->ngroups * sizeof *x->groups);
	return !out->oom;
}

gl_patch_inl_index *gl_patch_inl_index_read(gl_span bytes, const gl_gobin *g)
{
	uint64_t ns, ng;
	if (((uintptr_t)bytes.p & 7) || !gl_u64_at(bytes, 0, &ns) || !gl_u64_at(bytes, 8, &ng) ||
	    ns > bytes.n / sizeof(inl_fsite) || ng > bytes.n / sizeof(inl_fgroup) ||
	    !gl_span_has(bytes, 16, ns * sizeof(inl_fsite) + ng * sizeof(inl_fgroup)))
		return NULL;
	gl_patch_inl_index *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->sites = (const inl_fsite *)(bytes.p + 16);
	x->groups = (const inl_fgroup *)(bytes.p + 16 + ns * sizeof(inl_fsite));
	x->nsites = ns;
	x->ngroups = ng;
	x->base = gl_gobin_image(g)->img;
	return x;
}

int gl_patch_inl_index_build(const gl_gobin *g, gl_patch_inl_index **out, goload_err *err)
{
	*out = NULL;
	inl_build xb = {0}, *x = &xb;
	collect c = {0};
	int rc = 0;
	size_t nf = gl_gobin_nfuncs(g);
	for (size_t i = 0; i < nf && !rc; i++) {
		gl_gobin_func f;
		if ((rc = gl_gobin_func_at(g, i, &f, err)) < 0)
			break;
		c.r.len = 0;
		if ((rc = gl_gobin_inl_walk(g, &f, on_range, &c, err)) < 0)
			break;
		if (c.oom) {
			rc = gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
			break;
		}
		size_t first = x->sites.len; /* this function's pairs start here */
		for (size_t k = 0; k < c.r.len && !rc; k++) {
			int32_t ix = c.r.v[k].ix;
			/* A corrupt tree could loop: no real chain is this deep. */
			for (int depth = 0; ix >= 0 && depth < 4096; depth++) {
				gl_gobin_inl node;
				if ((rc = gl_gobin_inl_node(g, &f, ix, &node, err)) < 0)
					break;
				bool seen = false;
				for (size_t s = first; s < x->sites.len && !seen; s++)
					seen = x->sites.v[s].name == node.name || !strcmp(x->sites.v[s].name, node.name);
				inl_site st = {node.name, (uint32_t)i, node.parent_pc};
				if (!seen && !GL_VEC_PUSH(&x->sites, st)) {
					rc = gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
					break;
				}
				uint64_t pc = f.entry + (uint64_t)(int64_t)node.parent_pc;
				if (pc < f.entry || pc >= f.end) {
					rc = gl_err(err, GOLOAD_E_FORMAT, "%s: inline node %d parent pc 0x%llx is outside the function",
						    f.name, ix, (unsigned long long)pc);
					break;
				}
				ix = index_at(&c, pc);
			}
		}
	}
	GL_VEC_FREE(&c.r);
	if (rc < 0) {
		inl_build_free(x);
		return rc;
	}
	if (x->sites.len)
		qsort(x->sites.v, x->sites.len, sizeof x->sites.v[0], cmp_site);
	for (size_t i = 0; i < x->sites.len;) {
		size_t j = i;
		while (j < x->sites.len && x->sites.v[j].name == x->sites.v[i].name)
			j++;
		inl_group gr = {x->sites.v[i].name, (uint32_t)i, (uint32_t)(j - i)};
		if (!GL_VEC_PUSH(&x->groups, gr)) {
			inl_build_free(x);
			return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
		}
		i = j;
	}
	if (x->groups.len)
		qsort(x->groups.v, x->groups.len, sizeof x->groups.v[0], cmp_group);
	return inl_freeze(x, g, out, err);
}

/* pclntab writes a generic instantiation's type arguments as "[...]". */
static void pcln_spelling(const char *name, char *buf, size_t cap)
{
	const char *lb = strchr(name, '[');
	const char *rb = lb ? strrchr(lb, ']') : NULL;
	if (!lb || !rb)
		snprintf(buf, cap, "%s", name);
	else
		snprintf(buf, cap, "%.*s[...]%s", (int)(lb - name), name, rb + 1);
}

int gl_patch_inl_index_callers(const gl_patch_inl_index *x, const gl_gobin *g, const char *name, gl_buf *out,
			       size_t *n, goload_err *err)
{
	char spelled[1024];
	pcln_spelling(name, spelled, sizeof spelled);
	*n = 0;
	size_t lo = 0, hi = x->ngroups;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *gn = inl_name(x, x->groups[mid].name);
		if (gn && strcmp(gn, spelled) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Every address spelling the name, their pairs in caller order. */
	GL_VEC(const inl_fsite *) hits = {0};
	for (size_t gi = lo; gi < x->ngroups; gi++) {
		const char *gn = inl_name(x, x->groups[gi].name);
		if (!gn || strcmp(gn, spelled))
			break;
		const inl_fgroup *gr = &x->groups[gi];
		for (uint32_t k = 0; k < gr->n && gr->first <= x->nsites && k < x->nsites - gr->first; k++)
			if (!GL_VEC_PUSH(&hits, &x->sites[gr->first + k])) {
				GL_VEC_FREE(&hits);
				return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
			}
	}
	if (hits.len > 1)
		qsort(hits.v, hits.len, sizeof hits.v[0], cmp_fidx);
	for (size_t i = 0; i < hits.len; i++) {
		const inl_fsite *s = hits.v[i];
		gl_gobin_func f;
		int rc = gl_gobin_func_at(g, s->fidx, &f, err);
		const char *file = NULL;
		int32_t line = 0;
		if (rc == 0)
			rc = gl_gobin_func_line(g, &f, f.entry + (uint64_t)(int64_t)s->parent_pc, &file, &line, err);
		if (rc < 0) {
			GL_VEC_FREE(&hits);
			return rc;
		}
		gl_buf_printf(out, "%s%s (%s:%d)", *n ? ", " : "", f.name, file ? file : "?", line);
		(*n)++;
	}
	GL_VEC_FREE(&hits);
	if (out->oom)
		return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
	gl_buf_u8(out, 0);
	return 0;
}

int gl_patch_inlined_callers(const gl_gobin *g, const char *name, gl_buf *out, size_t *n, goload_err *err)
{
	gl_patch_inl_index *x;
	int rc = gl_patch_inl_index_build(g, &x, err);
	if (rc < 0)
		return rc;
	rc = gl_patch_inl_index_callers(x, g, name, out, n, err);
	gl_patch_inl_index_free(x);
	return rc;
}
