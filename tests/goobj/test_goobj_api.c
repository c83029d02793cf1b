/* The library API over the machine's own std archives (from `go list
 * -export`): every member classifies, every symbol, relocation, aux entry
 * and inline-tree function resolves to a name — package references that
 * RefName leaves out through the dependencies `go list -export -deps`
 * lists, fingerprints checked — and what the toolchain's own nm shows as
 * defined text is what we see as GL_SK_TEXT. A dependency whose
 * fingerprint differs is a GOLOAD_E_MISMATCH naming both packages. */
#define _GNU_SOURCE
#include "check.h"
#include "goobj/goobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char *export_path(const char *pkg)
{
	char cmd[256], line[4096];
	snprintf(cmd, sizeof cmd, "go list -export -f '{{.Export}}' %s 2>/dev/null", pkg);
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	char *res = NULL;
	if (fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = 0;
		res = strdup(line);
	}
	pclose(p);
	return res;
}

/* An importcfg of pkg's dependencies, written under $GOLOAD_TESTTMP. */
static gl_goobj_deps *deps_of(const char *pkg)
{
	char cfg[4096], cmd[8400];
	const char *tmp = getenv("GOLOAD_TESTTMP");
	snprintf(cfg, sizeof cfg, "%s/importcfg.%d", tmp ? tmp : "/tmp", (int)getpid());
	snprintf(cmd, sizeof cmd,
		 "mkdir -p \"$(dirname '%s')\" && go list -export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' %s > '%s'",
		 cfg, pkg, cfg);
	gl_goobj_deps *d = NULL;
	goload_err err = {0};
	CHECK_MSG(system(cmd) == 0, "%s", cmd);
	CHECK(gl_goobj_deps_new(&d, &err) == 0);
	CHECK_MSG(gl_goobj_deps_importcfg(d, cfg, &err) == 0, "%s", err.msg);
	unlink(cfg);
	return d;
}

/* Counts the text symbols `go tool nm` lists for one archive member. */
static long nm_text_count(const char *path, const char *member)
{
	char cmd[4200], line[8192], tag[300];
	snprintf(tag, sizeof tag, "(%s):", member);
	snprintf(cmd, sizeof cmd, "go tool nm %s", path);
	FILE *p = popen(cmd, "r");
	long n = 0;
	if (!p)
		return -1;
	while (fgets(line, sizeof line, p))
		/* Members are named only when the archive has several entries. */
		if (strstr(line, " T ") && (strstr(line, tag) || strncmp(line, path, strlen(path))))
			n++;
	pclose(p);
	return n;
}

static long crosschecked;

static long resolve(const gl_goobj *o, gl_goobj_ref r, const gl_goobj_resolver *res, const char *what)
{
	gl_goobj_symname nm;
	goload_err err = {0};
	if (gl_goobj_ref_is_nil(r))
		return 1;
	/* Where the compiler wrote a RefName, the dependency's own SymbolDefs
	 * entry at that index must carry the same name. */
	if (r.pkg > 0 && r.pkg < GL_GOOBJ_PKG_SELF && gl_goobj_ref_name(o, r, NULL, &nm, &err) == 0) {
		const gl_goobj *dep = gl_goobj_deps_get(res->ctx, nm.pkg, nm.pkglen, &err);
		CHECK_MSG(dep != NULL, "%s", err.msg);
		if (dep && r.idx < gl_goobj_ncount(dep, GL_GOOBJ_SC_DEF)) {
			gl_goobj_sym s = gl_goobj_sym_at(dep, r.idx);
			CHECK_MSG(s.namelen == nm.namelen && !memcmp(s.name, nm.name, s.namelen),
				  "%s {%u,%u}: RefName %.*s, dependency has %.*s", what, r.pkg, r.idx, (int)nm.namelen,
				  nm.name, (int)s.namelen, s.name);
			crosschecked++;
		}
	}
	/* Content-addressed aux data (pcdata, funcinfo) is unnamed; a symbol
	 * of another package never is. */
	if (gl_goobj_ref_name(o, r, res, &nm, &err) == 0 && (nm.namelen || r.pkg >= GL_GOOBJ_PKG_SELF))
		return 1;
	fprintf(stderr, "%s {%u,%u}: %s\n", what, r.pkg, r.idx, err.msg);
	return 0;
}

/* fmt's object with "errors" mapped to strconv's archive: the inline tree
 * of fmt.Errorf names errors.New, which must now fail the fingerprint check. */
static void mismatch(void)
{
	char *fmt = export_path("fmt"), *strconv = export_path("strconv");
	gl_goobj_deps *d = NULL, *self = NULL;
	goload_err err = {0};
	CHECK(fmt && strconv && gl_goobj_deps_new(&d, &err) == 0 && gl_goobj_deps_new(&self, &err) == 0);
	if (!d || !self || !fmt || !strconv)
		goto out;
	CHECK(gl_goobj_deps_add(d, "errors", 6, strconv, &err) == 0);
	CHECK(gl_goobj_deps_add(self, "fmt", 3, fmt, &err) == 0);
	const gl_goobj *o = gl_goobj_deps_get(self, "fmt", 3, &err);
	CHECK_MSG(o != NULL, "%s", err.msg);
	gl_goobj_resolver res = gl_goobj_deps_resolver(d);
	int seen = 0;
	for (uint32_t i = 0; o && i < gl_goobj_ndefs(o) && !seen; i++) {
		gl_goobj_funcinfo fi;
		if (gl_goobj_funcinfo_get(o, i, &fi, &err) < 0)
			continue;
		for (uint32_t k = 0; k < fi.ninl && !seen; k++) {
			gl_goobj_inl n = gl_goobj_funcinfo_inl_at(&fi, k);
			gl_span pkg = n.func.pkg < gl_goobj_npkg(o) ? gl_goobj_pkg_at(o, n.func.pkg) : gl_span_make("", 0);
			if (pkg.n != 6 || memcmp(pkg.p, "errors", 6))
				continue;
			gl_goobj_symname nm;
			CHECK(gl_goobj_ref_name(o, n.func, &res, &nm, &err) == -GOLOAD_E_MISMATCH);
			CHECK_MSG(strstr(err.msg, "fmt (") && strstr(err.msg, "errors") && strstr(err.msg, "fingerprint"),
				  "%s", err.msg);
			printf("mismatch: %s\n", err.msg);
			seen = 1;
		}
	}
	CHECK_MSG(seen, "no inline tree entry of fmt names package errors");
out:
	gl_goobj_deps_close(d);
	gl_goobj_deps_close(self);
	free(fmt);
	free(strconv);
}

int main(void)
{
	const char *pkgs[] = {"fmt", "runtime/cgo", "sync/atomic", "encoding/json"};
	for (size_t k = 0; k < GL_ARRAY_LEN(pkgs); k++) {
		char *path = export_path(pkgs[k]);
		CHECK_MSG(path && *path, "go list -export %s", pkgs[k]);
		if (!path || !*path) {
			free(path);
			continue;
		}
		goload_err err = {0};
		gl_goobj_archive *a = NULL;
		CHECK_MSG(gl_goobj_archive_open_path(path, &a, &err) == 0, "%s", err.msg);
		if (!a) {
			free(path);
			continue;
		}
		gl_goobj_deps *deps = deps_of(pkgs[k]);
		gl_goobj_resolver res = gl_goobj_deps_resolver(deps);
		long text = 0, want = 0, refs = 0, named = 0, relocs = 0, funcinfos = 0, inls = 0;
		size_t gos = 0, natives = 0;
		for (size_t m = 0; m < gl_goobj_archive_nmembers(a); m++) {
			const gl_goobj_member *mem = gl_goobj_archive_member(a, m);
			natives += mem->kind == GL_GOOBJ_M_NATIVE;
			if (mem->kind != GL_GOOBJ_M_GO)
				continue;
			gos++;
			gl_goobj *o = NULL;
			CHECK_MSG(gl_goobj_open(mem->data, mem->name, &o, &err) == 0, "%s", err.msg);
			if (!o)
				continue;
			CHECK(gl_goobj_header(o)->minor >= GL_GO_MINOR_MIN_OBJ);
			for (uint32_t i = 0; i < gl_goobj_ndefs(o); i++) {
				gl_goobj_sym s = gl_goobj_sym_at(o, i);
				if (s.kind == GL_SK_TEXT && s.namelen && s.abi != GL_GOOBJ_ABI_STATIC)
					text++;
				uint32_t first, n = gl_goobj_relocs(o, i, &first);
				for (uint32_t j = 0; j < n; j++, refs++, relocs++)
					named += resolve(o, gl_goobj_reloc_at(o, first + j).sym, &res, "reloc");
				n = gl_goobj_auxs(o, i, &first);
				for (uint32_t j = 0; j < n; j++, refs++)
					named += resolve(o, gl_goobj_aux_at(o, first + j).sym, &res, "aux");
				gl_goobj_funcinfo fi;
				if (s.kind == GL_SK_TEXT && gl_goobj_funcinfo_get(o, i, &fi, &err) == 0) {
					funcinfos++;
					for (uint32_t j = 0; j < fi.ninl; j++, refs++, inls++)
						named += resolve(o, gl_goobj_funcinfo_inl_at(&fi, j).func, &res, "inl");
				}
			}
			want += nm_text_count(path, mem->name);
			gl_goobj_close(o);
		}
		gl_goobj_deps_close(deps);
		CHECK(gos >= 1);
		CHECK(strcmp(pkgs[k], "runtime/cgo") || natives > 0);
		CHECK_MSG(relocs > 0 && named == refs, "%s: %ld of %ld references named", pkgs[k], named, refs);
		CHECK(funcinfos > 0);
		CHECK_MSG(text == want, "%s: %ld text symbols in Go members, go tool nm shows %ld", pkgs[k], text, want);
		printf("%s: %zu Go + %zu native members, %ld text symbols, %ld relocations, %ld funcinfo, %ld inline "
		       "nodes: %ld of %ld references named\n",
		       pkgs[k], gos, natives, text, relocs, funcinfos, inls, named, refs);
		gl_goobj_archive_close(a);
		free(path);
	}
	printf("%ld RefNames equal the name at that index in the dependency's own object\n", crosschecked);
	CHECK(crosschecked > 1000);
	mismatch();
	return CHECK_DONE();
}
