/* Dependency objects for package-indexed references that RefName leaves
 * unnamed (inline trees, gotypes): a package path -> archive map, filled
 * from an importcfg, whose objects open on first use. */
#include "goobj/goobj.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct dep_entry {
	char *pkg, *file;
	gl_goobj_archive *a;
	gl_goobj *o;
	char *oname; /* "pkg (file)" so errors name the package */
} dep_entry;

struct gl_goobj_deps {
	GL_VEC(dep_entry) v;
	gl_strmap byname; /* pkg -> index into v (keys are the dep's own pkg copy) */
};

int gl_goobj_deps_new(gl_goobj_deps **out, goload_err *err)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : gl_err(err, GOLOAD_E_NOMEM, "out of memory");
}

int gl_goobj_deps_add(gl_goobj_deps *d, const char *pkg, size_t pkglen, const char *file, goload_err *err)
{
	dep_entry x = {strndup(pkg, pkglen), strdup(file), NULL, NULL, NULL};
	if (!x.pkg || !x.file || !GL_VEC_PUSH(&d->v, x)) {
		free(x.pkg);
		free(x.file);
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory adding %.*s", (int)pkglen, pkg);
	}
	/* The key is the heap copy of pkg, which stays put when the vector grows. */
	if (!gl_strmap_put(&d->byname, x.pkg, pkglen, d->v.len - 1))
		return gl_err(err, GOLOAD_E_NOMEM, "out of memory adding %.*s", (int)pkglen, pkg);
	return 0;
}

int gl_goobj_deps_importcfg(gl_goobj_deps *d, const char *path, goload_err *err)
{
	gl_buf b = {0};
	int rc = gl_read_all(path, &b, err);
	if (rc)
		return rc;
	size_t pos = 0, lineno = 0;
	while (pos < b.len && !rc) {
		const char *l = (const char *)b.p + pos;
		const char *nl = memchr(l, '\n', b.len - pos);
		size_t n = nl ? (size_t)(nl - l) : b.len - pos;
		pos += n + 1;
		lineno++;
		static const char kw[] = "packagefile ";
		if (n < sizeof kw || memcmp(l, kw, sizeof kw - 1))
			continue; /* importmap, modinfo, comments: not ours */
		const char *k = l + sizeof kw - 1, *eq = memchr(k, '=', n - (sizeof kw - 1));
		if (!eq || eq == k) {
			rc = gl_err(err, GOLOAD_E_FORMAT, "%s:%zu: packagefile line without \"path=file\"", path, lineno);
			break;
		}
		char *file = strndup(eq + 1, (size_t)(l + n - eq - 1));
		rc = file ? gl_goobj_deps_add(d, k, (size_t)(eq - k), file, err)
			  : gl_err(err, GOLOAD_E_NOMEM, "out of memory");
		free(file);
	}
	gl_buf_free(&b);
	return rc;
}

void gl_goobj_deps_close(gl_goobj_deps *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->v.len; i++) {
		gl_goobj_close(d->v.v[i].o);
		gl_goobj_archive_close(d->v.v[i].a);
		free(d->v.v[i].pkg);
		free(d->v.v[i].file);
		free(d->v.v[i].oname);
	}
	GL_VEC_FREE(&d->v);
	gl_strmap_free(&d->byname);
	free(d);
}

const gl_goobj *gl_goobj_deps_get(gl_goobj_deps *d, const char *pkg, size_t len, goload_err *err)
{
	uint64_t i;
	if (!gl_strmap_get(&d->byname, pkg, len, &i)) {
		gl_err(err, GOLOAD_E_NOTFOUND, "package %.*s is not in the dependency list", (int)len, pkg);
		return NULL;
	}
	dep_entry *x = &d->v.v[i];
	if (x->o)
		return x->o;
	if (x->a)
		goto fail; /* opened before and had no Go object */
	if (gl_goobj_archive_open_path(x->file, &x->a, err) < 0)
		return NULL;
	/* The package's compiled Go code: _go_.o, else the first Go member. */
	const gl_goobj_member *m = NULL;
	for (size_t k = 0; k < gl_goobj_archive_nmembers(x->a); k++) {
		const gl_goobj_member *c = gl_goobj_archive_member(x->a, k);
		if (c->kind != GL_GOOBJ_M_GO)
			continue;
		if (!m)
			m = c;
		if (!strcmp(c->name, "_go_.o")) {
			m = c;
			break;
		}
	}
	if (!m)
		goto fail;
	size_t nl = strlen(x->pkg) + strlen(x->file) + 4;
	if (!(x->oname = malloc(nl))) {
		gl_err(err, GOLOAD_E_NOMEM, "out of memory");
		return NULL;
	}
	snprintf(x->oname, nl, "%s (%s)", x->pkg, x->file);
	if (gl_goobj_open(m->data, x->oname, &x->o, err) < 0)
		return NULL;
	return x->o;
fail:
	gl_err(err, GOLOAD_E_NOTFOUND, "%s: archive of %s has no Go object", x->file, x->pkg);
	return NULL;
}

static const gl_goobj *dep_fn(void *ctx, const char *pkg, size_t len, goload_err *err)
{
	return gl_goobj_deps_get(ctx, pkg, len, err);
}

gl_goobj_resolver gl_goobj_deps_resolver(gl_goobj_deps *d)
{
	gl_goobj_resolver r = {d ? dep_fn : NULL, d};
	return r;
}
