/*
 * gobin API and robustness: bad input gives an error that says what and
 * where; a real Go binary (the newest installed `go`) answers consistently
 * through every entry point; truncated and corrupted copies of it never
 * crash or over-read (run under ASan in the sanitizer pass).
 */
#include "check.h"
#include "gotool.h"
#include "gobin/gobin.h"
#include "versions/versions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int open_bytes(const void *p, size_t n, goload_err *err)
{
	gl_gobin *g;
	int rc = gl_gobin_open_span(gl_span_make(p, n), "mem", &g, err);
	if (rc == 0)
		gl_gobin_close(g);
	return rc;
}

static void test_bad_input(void)
{
	goload_err err;
	static const uint8_t junk[100] = {1, 2, 3};
	CHECK(open_bytes(junk, 0, &err) == -GOLOAD_E_FORMAT);
	CHECK(open_bytes(junk, sizeof junk, &err) == -GOLOAD_E_FORMAT);
	CHECK_MSG(strstr(err.msg, "not an ELF") != NULL, "%s", err.msg);

	uint8_t h[64] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
	CHECK(open_bytes(h, sizeof h, &err) == -GOLOAD_E_UNSUPPORTED); /* 32-bit */
	h[4] = 2;
	h[5] = 2;
	CHECK(open_bytes(h, sizeof h, &err) == -GOLOAD_E_UNSUPPORTED); /* big-endian */
	h[5] = 1;
	h[18] = 40; /* EM_ARM */
	CHECK(open_bytes(h, sizeof h, &err) == -GOLOAD_E_UNSUPPORTED);
	CHECK_MSG(strstr(err.msg, "arm") != NULL, "%s", err.msg);

	/* A C program (this test) is an ELF file but not a Go image. */
	gl_gobin *g;
	int rc = gl_gobin_open_path("/proc/self/exe", &g, &err);
	CHECK_MSG(rc == -GOLOAD_E_FORMAT, "rc %d: %s", rc, err.msg);
	CHECK_MSG(strstr(err.msg, "not a Go image") != NULL, "%s", err.msg);
	rc = gl_gobin_open_self(&g, &err);
	CHECK(rc < 0);
	rc = gl_gobin_open_path("/nonexistent/goload-test", &g, &err);
	CHECK(rc == -GOLOAD_E_IO);
	CHECK(strstr(err.msg, "/nonexistent/goload-test") != NULL);
}

static bool count_type(void *ctx, const gl_gobin_type *t)
{
	(*(size_t *)ctx)++;
	return t->namelen > 0;
}

static bool count_itab(void *ctx, const gl_gobin_itab *it)
{
	(*(size_t *)ctx)++;
	return it->inter && it->type;
}

static void test_real(gl_gobin *g)
{
	goload_err err;
	const gl_gobin_info *in = gl_gobin_get_info(g);
	CHECK(in->nfuncs > 1000);
	CHECK(in->rt != NULL);
	CHECK_MSG(gl_go_minor(in->go_version) >= in->rt->minor_lo && gl_go_minor(in->go_version) <= in->rt->minor_hi,
		  "%s vs layout %s", in->go_version, in->rt->name);
	CHECK(gl_rttab_for(in->minor) == in->rt);

	/* Every function is found again by its entry and by a pc inside it. */
	size_t bad_lookup = 0, bad_line = 0, with_inline = 0;
	uint64_t prev_end = 0;
	for (size_t i = 0; i < gl_gobin_nfuncs(g); i++) {
		gl_gobin_func f, f2;
		if (gl_gobin_func_at(g, i, &f, &err) != 0) {
			CHECK_MSG(0, "func %zu: %s", i, err.msg);
			break;
		}
		uint64_t size;
		CHECK(gl_gobin_func_size(g, &f, &size, &err) == 0 && size <= f.end - f.entry);
		if (f.entry < prev_end)
			CHECK_MSG(0, "%s overlaps the previous function", f.name);
		prev_end = f.entry + size;
		if (gl_gobin_func_for_pc(g, f.entry + size / 2, &f2, &err) != 0 || f2.index != f.index)
			bad_lookup++;
		gl_gobin_frame fr[16];
		int n = gl_gobin_pc_frames(g, f.entry + size / 2, fr, 16, &err);
		if (n < 1 || strcmp(fr[n < 16 ? n - 1 : 15].func, f.name) != 0)
			bad_line++;
		if (n > 1)
			with_inline++;
	}
	CHECK_MSG(bad_lookup == 0, "%zu functions not found by pc", bad_lookup);
	CHECK_MSG(bad_line == 0, "%zu functions whose outermost frame is another function", bad_line);
	CHECK(with_inline > 100);

	/* The symbol index resolves functions by name, ABIInternal first. */
	uint64_t a = 0;
	CHECK(gl_gobin_sym_addr(g, "runtime.main", &a, &err) == 0);
	gl_gobin_func f;
	CHECK(gl_gobin_func_for_pc(g, a, &f, &err) == 0 && f.entry == a && !strcmp(f.name, "runtime.main"));
	gl_gobin_sym s;
	CHECK(gl_gobin_sym_lookup(g, "runtime.morestack", strlen("runtime.morestack"), &s) && s.kind == 'T');
	CHECK(gl_gobin_sym_addr(g, "no.such.symbol", &a, &err) == -GOLOAD_E_NOTFOUND);
	CHECK(gl_gobin_nsyms(g) >= gl_gobin_nfuncs(g) / 2);

	/* moduledata fields agree with the function table. */
	uint64_t minpc, text;
	CHECK(gl_gobin_md_word(g, GL_MD_MINPC, &minpc, &err) == 0);
	CHECK(gl_gobin_md_word(g, GL_MD_TEXT, &text, &err) == 0 && text <= minpc);
	CHECK(gl_gobin_func_at(g, 0, &f, &err) == 0 && f.entry == minpc);

	size_t nt = 0, ni = 0;
	CHECK(gl_gobin_types_walk(g, count_type, &nt, &err) == 0);
	CHECK(gl_gobin_itabs_walk(g, count_itab, &ni, &err) == 0);
	CHECK(nt > 100 && ni > 10);

	const gl_gobin_buildinfo *bi = gl_gobin_get_buildinfo(g);
	CHECK(bi && !strcmp(bi->path, "cmd/go"));

	/* The public API agrees with gobin. */
	goload_image *img;
	CHECK(goload_image_open(in->what, &img, &err) == 0);
	if (img) {
		goload_image_info ii;
		goload_image_get_info(img, &ii);
		CHECK(ii.nfuncs == in->nfuncs && ii.moduledata == in->md_va && ii.load_bias == 0);
		CHECK(!strcmp(ii.go_version, in->go_version) && !strcmp(ii.buildmode, gl_buildmode_name(in->buildmode)));
		goload_func pf;
		CHECK(goload_image_func(img, 0, &pf, &err) == 0 && pf.entry == minpc && pf.size > 0);
		goload_frame pfr[4];
		CHECK(goload_image_pc_frames(img, pf.entry, pfr, 4, &err) >= 1 && !strcmp(pfr[0].file, pf.file));
		uint64_t a2;
		CHECK(goload_image_symbol(img, "runtime.main", &a2, &err) == 0 && a2 == a);
		CHECK(goload_image_func(img, ii.nfuncs, &pf, &err) == -GOLOAD_E_INVAL);
		goload_image_close(img);
	}
	CHECK(gl_gobin_build_setting(g, "-compiler") && !strcmp(gl_gobin_build_setting(g, "-compiler"), "gc"));
}

/* Never crash: every error path of open and of the walks is taken by
 * truncating the image and by corrupting bytes inside pclntab. */
static bool walk_all_type(void *c, const gl_gobin_type *t)
{
	(void)c;
	(void)t;
	return true;
}
static bool walk_all_itab(void *c, const gl_gobin_itab *t)
{
	(void)c;
	(void)t;
	return true;
}

static void exercise(gl_gobin *g)
{
	goload_err err;
	size_t n = gl_gobin_nfuncs(g);
	for (size_t i = 0; i < n; i += 7) {
		gl_gobin_func f;
		if (gl_gobin_func_at(g, i, &f, &err) != 0)
			continue;
		uint64_t size;
		gl_gobin_func_size(g, &f, &size, &err);
		gl_gobin_frame fr[8];
		gl_gobin_pc_frames(g, f.entry + 1, fr, 8, &err);
	}
	gl_gobin_types_walk(g, walk_all_type, NULL, &err);
	gl_gobin_itabs_walk(g, walk_all_itab, NULL, &err);
	gl_gobin_nsyms(g);
}

static void test_damage(const gl_span img)
{
	goload_err err;
	uint8_t *copy = malloc(img.n);
	if (!copy)
		return;
	size_t opened = 0, tried = 0;
	/* Truncated at 24 points. */
	for (int k = 1; k <= 24; k++) {
		size_t n = img.n / 25 * (size_t)k;
		memcpy(copy, img.p, n);
		gl_gobin *g;
		tried++;
		if (gl_gobin_open_span(gl_span_make(copy, n), "truncated", &g, &err) == 0) {
			opened++;
			exercise(g);
			gl_gobin_close(g);
		} else {
			CHECK_MSG(err.msg[0] && strstr(err.msg, "truncated"), "error without a subject: %s", err.msg);
		}
	}
	/* Corrupted: 64 bytes of noise at 40 places spread over the pclntab. */
	gl_gobin *g0;
	if (gl_gobin_open_span(img, "orig", &g0, &err) == 0) {
		const gl_gobin_info *in = gl_gobin_get_info(g0);
		const uint8_t *pcl = gl_gobin_va(g0, in->pclntab_va, 1);
		size_t base = pcl ? (size_t)(pcl - img.p) : 0;
		size_t span = img.n - base;
		gl_gobin_close(g0);
		uint32_t seed = 12345;
		for (int k = 0; k < 40; k++) {
			memcpy(copy, img.p, img.n);
			size_t at = base + span / 40 * (size_t)k;
			for (int b = 0; b < 64 && at + (size_t)b < img.n; b++) {
				seed = seed * 1103515245u + 12345u;
				copy[at + (size_t)b] = (uint8_t)(seed >> 16);
			}
			gl_gobin *g;
			tried++;
			if (gl_gobin_open_span(gl_span_make(copy, img.n), "corrupt", &g, &err) == 0) {
				opened++;
				exercise(g);
				gl_gobin_close(g);
			}
		}
	}
	CHECK(tried == 64);
	printf("damage: %zu of %zu damaged images still opened; none crashed\n", opened, tried);
	free(copy);
}

/* The synthetic seeds (truth mini, truth mini12 for the Go 1.2 format): no
 * sections, no symbols; moduledata is found by scanning, also when the
 * pclntab magic is gone. */
static void test_mini(const char *name, bool magic_ok, const char *rt, const char *gover)
{
	char path[4096];
	const char *src = getenv("GOLOAD_SRC");
	snprintf(path, sizeof path, "%s/tests/fuzz/seeds/gobin/%s", src ? src : ".", name);
	gl_gobin *g;
	goload_err err;
	int rc = gl_gobin_open_path(path, &g, &err);
	CHECK_MSG(rc == 0, "%s", err.msg);
	if (rc)
		return;
	const gl_gobin_info *in = gl_gobin_get_info(g);
	CHECK(in->md_source == GL_MDSRC_SCAN && in->md_va == 0x401100);
	CHECK(in->pcln_magic_ok == magic_ok);
	CHECK_MSG(!strcmp(in->rt->name, rt), "%s: layout %s", name, in->rt->name);
	CHECK(gl_gobin_nfuncs(g) == 2);
	gl_gobin_frame fr[4];
	CHECK(gl_gobin_pc_frames(g, 0x400125, fr, 4, &err) == 1 && !strcmp(fr[0].func, "main.f") &&
	      !strcmp(fr[0].file, "/x/main.go") && fr[0].line == 10);
	CHECK(gl_gobin_pc_frames(g, 0x400140, fr, 4, &err) == -GOLOAD_E_NOTFOUND);
	uint64_t a;
	CHECK(gl_gobin_sym_addr(g, "main.main", &a, &err) == 0 && a == 0x400100);
	const gl_gobin_buildinfo *bi = gl_gobin_get_buildinfo(g);
	CHECK(bi && !strcmp(bi->path, "example.com/mini") && !strcmp(bi->go_version, gover));
	gl_gobin_close(g);
}

int main(void)
{
	test_bad_input();
	test_mini("mini.bin", true, "1.26", "go1.26.8");
	test_mini("mini-nomagic.bin", false, "1.26", "go1.26.8");
	test_mini("mini12.bin", true, "1.15", "go1.15.15");
	if (!find_go()) {
		CHECK_MSG(0, "no Go toolchain found by scripts/gotoolchains.sh");
		return CHECK_DONE();
	}
	gl_file *file;
	goload_err err;
	if (gl_file_open(go_path, &file, &err) != 0) {
		CHECK_MSG(0, "%s", err.msg);
		return CHECK_DONE();
	}
	gl_gobin *g;
	int rc = gl_gobin_open_span(file->data, go_path, &g, &err);
	CHECK_MSG(rc == 0, "%s", err.msg);
	if (rc == 0) {
		test_real(g);
		gl_gobin_close(g);
	}
	test_damage(file->data);
	gl_file_close(file);
	return CHECK_DONE();
}
