/*
 * Inlined copies of a patch target: the entry jump reaches only the
 * out-of-line body, so a target the compiler copied into callers would
 * keep running its old code there. The callers' pclntab inline trees name
 * every copy.
 */
#include "gobin/gobin.h"

#include <stdlib.h>

typedef struct walk {
	const gl_gobin *g;
	const gl_gobin_func *f;
	const char *name;    /* pclntab's spelling of the target */
	gl_buf *out;
	size_t n;
	bool found_in_f;
	goload_err *err;
	int rc;
} walk;

static bool on_range(void *ctx, uint64_t lo, uint64_t hi, int32_t ix)
{
	walk *w = ctx;
	GL_UNUSED(hi);
	if (ix < 0 || w->found_in_f)
		return true;
	gl_gobin_frame fr[64];
	int n = gl_gobin_pc_frames(w->g, lo, fr, GL_ARRAY_LEN(fr), w->err);
	if (n < 0) {
		w->rc = n;
		return false;
	}
	if ((size_t)n > GL_ARRAY_LEN(fr))
		n = (int)GL_ARRAY_LEN(fr);
	/* fr[n-1] is the caller itself; fr[i+1] holds the call site of fr[i]. */
	for (int i = 0; i + 1 < n; i++) {
		if (fr[i].inlined && !strcmp(fr[i].func, w->name)) {
			gl_buf_printf(w->out, "%s%s (%s:%d)", w->n ? ", " : "", w->f->name, fr[i + 1].file ? fr[i + 1].file : "?",
				      fr[i + 1].line);
			w->n++;
			w->found_in_f = true;
			break;
		}
	}
	return true;
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

int gl_patch_inlined_callers(const gl_gobin *g, const char *name, gl_buf *out, size_t *n, goload_err *err)
{
	char spelled[1024];
	pcln_spelling(name, spelled, sizeof spelled);
	walk w = {g, NULL, spelled, out, 0, false, err, 0};
	size_t nf = gl_gobin_nfuncs(g);
	for (size_t i = 0; i < nf && !w.rc; i++) {
		gl_gobin_func f;
		int rc = gl_gobin_func_at(g, i, &f, err);
		if (rc < 0)
			return rc;
		w.f = &f;
		w.found_in_f = false;
		rc = gl_gobin_inl_walk(g, &f, on_range, &w, err);
		if (rc < 0)
			return rc;
	}
	if (w.rc < 0)
		return w.rc;
	if (out->oom)
		return gl_err(err, GOLOAD_E_NOMEM, "patch: out of memory");
	gl_buf_u8(out, 0);
	*n = w.n;
	return 0;
}
