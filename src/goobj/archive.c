/* Unix archives of Go objects, as cmd/internal/archive reads them. */
#include "goobj/goobj.h"

#include <stdio.h>
#include <stdlib.h>

struct gl_goobj_archive {
	char *name;
	gl_file *file; /* NULL when opened from a span */
	gl_span data;
	GL_VEC(gl_goobj_member) m;
};

static const char arch_magic[] = "!<arch>\n";
static const char goobj_magic[] = "go objec"; /* as long as the archive magic */

/* Decimal size field of a member header, right-padded with spaces. */
static bool parse_size(const uint8_t *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n == 0)
		return false;
	for (; i < n; i++) {
		if (p[i] < '0' || p[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return true;
}

static char *dup_trimmed(const uint8_t *p, size_t n)
{
	while (n > 0 && p[n - 1] == ' ')
		n--;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, p, n);
		s[n] = 0;
	}
	return s;
}

static int push_member(gl_goobj_archive *a, char *name, gl_goobj_mkind kind, uint64_t off, gl_span data,
		       goload_err *err)
{
	gl_goobj_member m = {name, kind, off, data};
	if (!name || !GL_VEC_PUSH(&a->m, m)) {
		free(name);
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory listing members", a->name);
	}
	return 0;
}

static int parse_members(gl_goobj_archive *a, goload_err *err)
{
	gl_span s = a->data;
	uint64_t off = 8;
	for (size_t idx = 0; off < s.n; idx++) {
		gl_span h = gl_span_sub(s, off, 60);
		if (!h.p)
			return gl_err(err, GOLOAD_E_FORMAT, "%s: archive member %zu: header at 0x%llx truncated",
				      a->name, idx, (unsigned long long)off);
		if (h.p[58] != '`' || h.p[59] != '\n')
			return gl_err(err, GOLOAD_E_FORMAT, "%s: archive member %zu: bad header magic at 0x%llx",
				      a->name, idx, (unsigned long long)off + 58);
		uint64_t size;
		if (!parse_size(h.p + 48, 10, &size))
			return gl_err(err, GOLOAD_E_FORMAT, "%s: archive member %zu: bad size field at 0x%llx",
				      a->name, idx, (unsigned long long)off + 48);
		uint64_t doff = off + 60;
		gl_span d = gl_span_sub(s, doff, size);
		if (!d.p && size)
			return gl_err(err, GOLOAD_E_FORMAT,
				      "%s: archive member %zu: %llu bytes at 0x%llx run past the end (0x%zx)", a->name,
				      idx, (unsigned long long)size, (unsigned long long)doff, s.n);
		if (!d.p)
			d = gl_span_make(s.p + doff, 0);
		char *name = dup_trimmed(h.p, 16);
		gl_goobj_mkind kind;
		if (name && !strcmp(name, "__.PKGDEF"))
			kind = GL_GOOBJ_M_PKGDEF;
		else if (name && size == 0 && (!strcmp(name, "preferlinkext") || !strcmp(name, "dynimportfail")))
			kind = GL_GOOBJ_M_SENTINEL;
		else if (d.n >= 8 && !memcmp(d.p, goobj_magic, 8))
			kind = GL_GOOBJ_M_GO;
		else
			kind = GL_GOOBJ_M_NATIVE;
		int rc = push_member(a, name, kind, doff, d, err);
		if (rc)
			return rc;
		off = doff + size + (size & 1);
	}
	return 0;
}

int gl_goobj_archive_open_span(gl_span data, const char *name, gl_goobj_archive **out, goload_err *err)
{
	*out = NULL;
	gl_goobj_archive *a = calloc(1, sizeof *a);
	if (!a || !(a->name = strdup(name ? name : "?"))) {
		free(a);
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", name ? name : "?");
	}
	a->data = data;
	int rc;
	if (data.n >= 8 && !memcmp(data.p, arch_magic, 8)) {
		rc = parse_members(a, err);
	} else if (data.n >= 8 && !memcmp(data.p, goobj_magic, 8)) {
		rc = push_member(a, strdup(a->name), GL_GOOBJ_M_GO, 0, data, err);
	} else {
		rc = gl_err(err, GOLOAD_E_FORMAT, "%s: not a Go archive or object file (no \"!<arch>\" or \"go object\")",
			    a->name);
	}
	if (rc) {
		gl_goobj_archive_close(a);
		return rc;
	}
	*out = a;
	return 0;
}

int gl_goobj_archive_open_path(const char *path, gl_goobj_archive **out, goload_err *err)
{
	gl_file *f = NULL;
	*out = NULL;
	int rc = gl_file_open(path, &f, err);
	if (rc)
		return rc;
	rc = gl_goobj_archive_open_span(f->data, path, out, err);
	if (rc) {
		gl_file_close(f);
		return rc;
	}
	(*out)->file = f;
	return 0;
}

void gl_goobj_archive_close(gl_goobj_archive *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->m.len; i++)
		free((char *)a->m.v[i].name);
	GL_VEC_FREE(&a->m);
	gl_file_close(a->file);
	free(a->name);
	free(a);
}

const char *gl_goobj_archive_name(const gl_goobj_archive *a) { return a->name; }
size_t gl_goobj_archive_nmembers(const gl_goobj_archive *a) { return a->m.len; }

const gl_goobj_member *gl_goobj_archive_member(const gl_goobj_archive *a, size_t i)
{
	return i < a->m.len ? &a->m.v[i] : NULL;
}

int gl_goobj_archive_open_member(const gl_goobj_archive *a, size_t i, gl_goobj **out, goload_err *err)
{
	*out = NULL;
	const gl_goobj_member *m = gl_goobj_archive_member(a, i);
	if (!m || m->kind != GL_GOOBJ_M_GO)
		return gl_err(err, GOLOAD_E_INVAL, "%s: member %zu is not a Go object", a->name, i);
	bool bare = a->m.len == 1 && m->off == 0;
	size_t n = strlen(a->name) + strlen(m->name) + 3;
	char *label = malloc(n);
	if (!label)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", a->name);
	if (bare)
		snprintf(label, n, "%s", a->name);
	else
		snprintf(label, n, "%s(%s)", a->name, m->name);
	int rc = gl_goobj_open(m->data, label, out, err);
	free(label);
	return rc;
}
