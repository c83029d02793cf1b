/* The library API over the machine's own std archives (from `go list
 * -export`): every member classifies, every symbol, relocation and aux entry
 * decodes, every relocation target resolves to a name, and what the
 * toolchain's own nm shows as defined text is what we see as GL_SK_TEXT. */
#define _GNU_SOURCE
#include "check.h"
#include "goobj/goobj.h"

#include <stdio.h>
#include <stdlib.h>

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

/* The dependency resolver: a package's _go_.o from its export archive. */
struct deps {
	gl_goobj_archive *a[64];
	gl_goobj *o[64];
	char *pkg[64];
	int n;
};

static const gl_goobj *dep_open(void *ctx, const char *pkg, size_t len, goload_err *err)
{
	struct deps *d = ctx;
	for (int i = 0; i < d->n; i++)
		if (strlen(d->pkg[i]) == len && !memcmp(d->pkg[i], pkg, len))
			return d->o[i];
	if (d->n == 64) {
		gl_err(err, GOLOAD_E_NOMEM, "too many dependencies");
		return NULL;
	}
	char *name = strndup(pkg, len), *path = export_path(name);
	gl_goobj_archive *a = NULL;
	gl_goobj *o = NULL;
	if (path && gl_goobj_archive_open_path(path, &a, err) == 0) {
		for (size_t m = 0; m < gl_goobj_archive_nmembers(a) && !o; m++) {
			const gl_goobj_member *mem = gl_goobj_archive_member(a, m);
			if (mem->kind == GL_GOOBJ_M_GO && !strcmp(mem->name, "_go_.o"))
				gl_goobj_open(mem->data, mem->name, &o, err);
		}
	}
	free(path);
	if (!o) {
		gl_goobj_archive_close(a);
		free(name);
		if (!err->code)
			gl_err(err, GOLOAD_E_NOTFOUND, "no object for %.*s", (int)len, pkg);
		return NULL;
	}
	d->a[d->n] = a;
	d->o[d->n] = o;
	d->pkg[d->n++] = name;
	return o;
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

int main(void)
{
	const char *pkgs[] = {"fmt", "runtime/cgo", "sync/atomic"};
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
		struct deps deps = {0};
		gl_goobj_resolver res = {dep_open, &deps};
		long text = 0, want = 0, relocs = 0, resolved = 0, auxs = 0, funcinfos = 0;
		size_t gos = 0;
		for (size_t m = 0; m < gl_goobj_archive_nmembers(a); m++) {
			const gl_goobj_member *mem = gl_goobj_archive_member(a, m);
			if (mem->kind != GL_GOOBJ_M_GO)
				continue;
			gos++;
			gl_goobj *o = NULL;
			CHECK_MSG(gl_goobj_open(mem->data, mem->name, &o, &err) == 0, "%s", err.msg);
			if (!o)
				continue;
			CHECK(gl_goobj_header(o)->minor >= GL_GO_MINOR_MIN_OBJ);
			CHECK(gl_goobj_tab(o) != NULL);
			for (uint32_t i = 0; i < gl_goobj_ndefs(o); i++) {
				gl_goobj_sym s = gl_goobj_sym_at(o, i);
				if (s.kind == GL_SK_TEXT && s.namelen && s.abi != GL_GOOBJ_ABI_STATIC)
					text++;
				uint32_t first, n = gl_goobj_relocs(o, i, &first);
				for (uint32_t j = 0; j < n; j++) {
					gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
					relocs++;
					if (gl_goobj_ref_is_nil(r.sym)) {
						resolved++;
						continue;
					}
					gl_goobj_symname nm;
					if (gl_goobj_ref_name(o, r.sym, &res, &nm, &err) == 0)
						resolved++;
					else
						fprintf(stderr, "%s\n", err.msg);
				}
				n = gl_goobj_auxs(o, i, &first);
				auxs += n;
				gl_goobj_funcinfo fi;
				if (s.kind == GL_SK_TEXT && gl_goobj_funcinfo_get(o, i, &fi, &err) == 0)
					funcinfos++;
			}
			want += nm_text_count(path, mem->name);
			gl_goobj_close(o);
		}
		for (int i = 0; i < deps.n; i++) {
			gl_goobj_close(deps.o[i]);
			gl_goobj_archive_close(deps.a[i]);
			free(deps.pkg[i]);
		}
		CHECK(gos >= 1);
		CHECK_MSG(relocs > 0 && resolved == relocs, "%s: %ld of %ld relocation targets resolved", pkgs[k],
			  resolved, relocs);
		CHECK(auxs > 0 && funcinfos > 0);
		CHECK_MSG(text == want, "%s: %ld text symbols in Go members, go tool nm shows %ld", pkgs[k], text, want);
		printf("%s: %zu Go objects, %ld text symbols, %ld relocations, %ld aux, %ld funcinfo\n", pkgs[k], gos,
		       text, relocs, auxs, funcinfos);
		gl_goobj_archive_close(a);
		free(path);
	}
	return CHECK_DONE();
}
