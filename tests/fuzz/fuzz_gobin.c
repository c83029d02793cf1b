/* libFuzzer harness: open any bytes as a Go image and use every reader of
 * gobin on it (functions, pc tables, inline chains, symbols, buildinfo,
 * types, itabs). Seeds: tests/fuzz/seeds/gobin/ (minimal synthetic images). */
#include "gobin/gobin.h"

#include <stdlib.h>
#include <string.h>

static bool on_type(void *ctx, const gl_gobin_type *t)
{
	const gl_gobin *g = ctx;
	goload_err err;
	for (size_t i = 0; i < t->mcount && i < 64; i++) {
		gl_gobin_method m;
		if (gl_gobin_type_method(g, t, i, &m, &err) != 0)
			break;
	}
	return true;
}

static bool on_itab(void *ctx, const gl_gobin_itab *it)
{
	const gl_gobin *g = ctx;
	goload_err err;
	for (size_t i = 0; i < it->nfun && i < 64; i++) {
		uint64_t pc;
		if (gl_gobin_itab_fun(g, it, i, &pc, &err) != 0)
			break;
	}
	return true;
}

static bool on_range(void *ctx, uint64_t lo, uint64_t hi, int32_t val)
{
	(void)ctx;
	(void)lo;
	(void)hi;
	(void)val;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy: the reader must not depend on the input's alignment. */
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	gl_gobin *g;
	goload_err err;
	if (gl_gobin_open_span(gl_span_make(copy, size), "fuzz", &g, &err) == 0) {
		size_t n = gl_gobin_nfuncs(g);
		for (size_t i = 0; i < n && i < 4096; i++) {
			gl_gobin_func f;
			if (gl_gobin_func_at(g, i, &f, &err) != 0)
				continue;
			uint64_t sz;
			gl_gobin_func_size(g, &f, &sz, &err);
			gl_gobin_frame fr[8];
			gl_gobin_pc_frames(g, f.entry, fr, 8, &err);
			gl_gobin_pc_frames(g, f.entry + sz / 2, fr, 8, &err);
			gl_gobin_inl_walk(g, &f, on_range, NULL, &err);
			gl_gobin_pcvalue_walk(g, &f, f.pcsp, on_range, NULL, &err);
		}
		gl_gobin_types_walk(g, on_type, g, &err);
		gl_gobin_itabs_walk(g, on_itab, g, &err);
		size_t ns = gl_gobin_nsyms(g);
		if (ns) {
			gl_gobin_sym s;
			uint64_t a;
			if (gl_gobin_sym_at(g, ns / 2, &s))
				gl_gobin_sym_addr(g, s.name, &a, &err);
		}
		gl_gobin_build_setting(g, "-buildmode");
		gl_gobin_close(g);
	}
	free(copy);
	return 0;
}
