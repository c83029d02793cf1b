/* Objects of every installed toolchain (1.21, 1.22, 1.23 ... and the
 * machine's Go) parse, and carry that toolchain's version; an object from
 * a version goload has no table for, one with another object magic, and
 * every truncation of a real object are clean errors naming the file.
 * Truth: `go env GOVERSION` and `go list -export` of each toolchain. */
#define _GNU_SOURCE
#include "check.h"
#include "goobj/goobj.h"
#include "toolchains.h"

#include <stdio.h>
#include <stdlib.h>

static bool run_line(const char *cmd, char *out, size_t cap)
{
	FILE *p = popen(cmd, "r");
	bool ok = p && fgets(out, (int)cap, p);
	if (p)
		pclose(p);
	if (ok)
		out[strcspn(out, "\n")] = 0;
	return ok && *out;
}

/* The first Go member of an archive, copied so the test can damage it. */
static uint8_t *first_object(const char *path, size_t *n)
{
	gl_goobj_archive *a = NULL;
	goload_err err = {0};
	uint8_t *copy = NULL;
	if (gl_goobj_archive_open_path(path, &a, &err))
		return NULL;
	for (size_t m = 0; m < gl_goobj_archive_nmembers(a) && !copy; m++) {
		const gl_goobj_member *mem = gl_goobj_archive_member(a, m);
		if (mem->kind == GL_GOOBJ_M_GO && (copy = malloc(mem->data.n))) {
			memcpy(copy, mem->data.p, mem->data.n);
			*n = mem->data.n;
		}
	}
	gl_goobj_archive_close(a);
	return copy;
}

static void damaged(const uint8_t *obj, size_t n, const char *ver)
{
	goload_err err = {0};
	gl_goobj *o = NULL;
	uint8_t *c = malloc(n);
	memcpy(c, obj, n);
	/* Same-length version string the tables do not know: go1.21.13 -> go1.99.13. */
	char *v = memmem(c, n < 200 ? n : 200, ver, strlen(ver));
	CHECK(v != NULL);
	if (v) {
		v[4] = '9';
		v[5] = '9';
		CHECK(gl_goobj_open(gl_span_make(c, n), "future.o", &o, &err) == -GOLOAD_E_VERSION);
		CHECK_MSG(strstr(err.msg, "future.o") && strstr(err.msg, "1.99"), "%s", err.msg);
		memcpy(v, ver, strlen(ver));
	}
	/* Another object format generation. */
	uint8_t *mg = memmem(c, n, "\x00go120ld", 8);
	CHECK(mg != NULL);
	if (mg) {
		memcpy(mg, "\x00go119ld", 8);
		CHECK(gl_goobj_open(gl_span_make(c, n), "old.o", &o, &err) == -GOLOAD_E_VERSION);
		CHECK_MSG(strstr(err.msg, "old.o") && strstr(err.msg, "different version"), "%s", err.msg);
		memcpy(mg, "\x00go120ld", 8);
	}
	/* Every truncation fails cleanly (the last block, RefNames, may be
	 * cut without harm only at its very end: n itself opens). */
	int opened = 0, failed = 0;
	size_t step = n / 4000 + 1;
	for (size_t cut = 0; cut < n; cut += step) {
		if (gl_goobj_open(gl_span_make(c, cut), "cut.o", &o, &err) == 0) {
			opened++;
			gl_goobj_close(o);
		} else {
			failed++;
			CHECK_MSG(strstr(err.msg, "cut.o") != NULL, "%s", err.msg);
		}
	}
	CHECK_MSG(opened == 0 && failed > 0, "%d truncations opened", opened);
	free(c);
}

int main(void)
{
	char cmd[8192];
	toolchain tc[16];
	int n = toolchains(tc, 16), versions = 0;
	for (int i = 0; i < n; i++) {
		const char *ver = tc[i].version;
		char path[4096];
		snprintf(cmd, sizeof cmd, "GOTOOLCHAIN=local GOFLAGS= '%s' list -export -f '{{.Export}}' strconv", tc[i].go);
		CHECK_MSG(run_line(cmd, path, sizeof path), "%s: go list -export strconv", ver);
		size_t len = 0;
		uint8_t *obj = first_object(path, &len);
		CHECK_MSG(obj != NULL, "%s: no Go object in %s", ver, path);
		if (!obj)
			continue;
		gl_goobj *o = NULL;
		goload_err err = {0};
		CHECK_MSG(gl_goobj_open(gl_span_make(obj, len), ver, &o, &err) == 0, "%s", err.msg);
		if (o) {
			const gl_goobj_hdr *h = gl_goobj_header(o);
			CHECK_STR(h->go_version, ver);
			CHECK(h->minor == tc[i].minor);
			CHECK(gl_goobj_tab(o) == gl_objtab_for(tc[i].minor) && !strcmp(gl_goobj_tab(o)->version, ver));
			CHECK(gl_goobj_ndefs(o) > 0 && gl_goobj_nautolib(o) > 0);
			printf("%s: %s parses: %u defs, %u refs, header \"%.*s\"\n", ver, path, gl_goobj_ndefs(o),
			       gl_goobj_ncount(o, GL_GOOBJ_SC_NONPKGREF), (int)h->line.n, (const char *)h->line.p);
			gl_goobj_close(o);
		}
		damaged(obj, len, ver);
		free(obj);
		versions++;
	}
	CHECK(versions >= (test_quick() ? 1 : 4));
	for (int m = GL_GO_MINOR_MIN_OBJ; m <= GL_GO_MINOR_MAX; m++)
		CHECK_MSG(gl_objtab_for(m) != NULL, "no object table for Go 1.%d", m);
	CHECK(gl_objtab_for(GL_GO_MINOR_MIN_OBJ - 1) == NULL && gl_objtab_for(GL_GO_MINOR_MAX + 1) == NULL);
	return CHECK_DONE();
}
