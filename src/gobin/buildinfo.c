/*
 * Build information: the "\xff Go buildinf:" blob the linker puts at the
 * start of the data segment (debug/buildinfo and runtime/debug are the
 * reference readers). Since Go 1.18 the version and module strings are
 * inline varint-prefixed strings; before, two pointers to string headers.
 */
#include "gobin/gobin_int.h"

#include <stdlib.h>
#include <string.h>

static const char bi_magic[14] = "\xff Go buildinf:";

static bool find_blob(const gl_gobin *g, gl_span *blob, uint64_t *va)
{
	const gl_image *im = g->image;
	const gl_image_sec *s = gl_image_gosec(im, GL_GOSEC_BUILDINFO);
	if (s) {
		gl_span d = gl_image_sec_data(im, s);
		if (d.n >= 32 && !memcmp(d.p, bi_magic, sizeof bi_magic)) {
			*blob = d;
			*va = s->addr;
			return true;
		}
	}
	/* Without its section: the blob is 16-byte aligned in a writable
	 * segment (ELF and Mach-O data, PE .data). */
	for (size_t i = 0; i < im->nsegs; i++) {
		const gl_image_seg *sg = &im->segs[i];
		if (!(sg->flags & GL_IMG_W))
			continue;
		gl_span d = gl_span_sub(im->img, sg->off, sg->filesz);
		uint64_t start = (16 - (sg->vaddr & 15)) & 15;
		for (uint64_t off = start; off + 32 <= d.n; off += 16) {
			if (memcmp(d.p + off, bi_magic, sizeof bi_magic) == 0) {
				*blob = gl_span_sub(d, off, d.n - off);
				*va = sg->vaddr + off;
				return true;
			}
		}
	}
	return false;
}

/* A Go string header {ptr, len} at va, resolved to its bytes. */
static gl_span go_string_at(const gl_gobin *g, uint64_t va)
{
	uint64_t p, n;
	if (!gl_gobin_u64(g, va, &p) || !gl_gobin_u64(g, va + 8, &n))
		return gl_span_make(NULL, 0);
	return gl_gobin_va_span(g, p, n);
}

static bool push_dep(gl_gobin *g, gl_gobin_module m) { return GL_VEC_PUSH(&g->deps, m); }

/* Split s at tabs in place; returns the number of fields (at most max). */
static size_t split_tabs(char *s, char **f, size_t max)
{
	size_t n = 0;
	while (n < max) {
		f[n++] = s;
		char *t = strchr(s, '\t');
		if (!t)
			break;
		*t = 0;
		s = t + 1;
	}
	return n;
}

/* n hex digits at p as a number; false when one is not. */
static bool bi_hex(const char *p, int n, uint32_t *v)
{
	*v = 0;
	for (int k = 0; k < n; k++) {
		char c = p[k];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		*v = *v << 4 | (uint32_t)d;
	}
	return true;
}

/* r as UTF-8 at w; its length (0: not a code point). */
static size_t bi_utf8(char *w, uint32_t r)
{
	if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff))
		return 0;
	if (r < 0x80) {
		w[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		w[0] = (char)(0xc0 | r >> 6);
		w[1] = (char)(0x80 | (r & 0x3f));
		return 2;
	}
	if (r < 0x10000) {
		w[0] = (char)(0xe0 | r >> 12);
		w[1] = (char)(0x80 | (r >> 6 & 0x3f));
		w[2] = (char)(0x80 | (r & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | r >> 18);
	w[1] = (char)(0x80 | (r >> 12 & 0x3f));
	w[2] = (char)(0x80 | (r >> 6 & 0x3f));
	w[3] = (char)(0x80 | (r & 0x3f));
	return 4;
}

/* strconv.Unquote of a "..." string, as Go's BuildInfo.String writes
 * (strconv.Quote): \a \b \f \n \r \t \v \\ \" \' \xNN \NNN (octal) \uNNNN
 * \UNNNNNNNN. In place (no escape is shorter than what it stands for);
 * false when malformed. */
static bool unquote(char *s)
{
	size_t n = strlen(s);
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return false;
	char *w = s;
	for (size_t i = 1; i < n - 1; i++) {
		char c = s[i];
		if (c == '"')
			return false; /* an unescaped quote inside */
		if (c != '\\') {
			*w++ = c;
			continue;
		}
		if (++i >= n - 1)
			return false;
		uint32_t v;
		size_t left = n - 1 - i - 1; /* characters after the escape's letter */
		switch (s[i]) {
		case 'a': *w++ = '\a'; break;
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'v': *w++ = '\v'; break;
		case '"': *w++ = '"'; break;
		case '\'': *w++ = '\''; break;
		case '\\': *w++ = '\\'; break;
		case 'x':
			if (left < 2 || !bi_hex(s + i + 1, 2, &v))
				return false;
			*w++ = (char)v;
			i += 2;
			break;
		case 'u':
		case 'U': {
			int nd = s[i] == 'u' ? 4 : 8;
			size_t k;
			if (left < (size_t)nd || !bi_hex(s + i + 1, nd, &v) || !(k = bi_utf8(w, v)))
				return false;
			w += k;
			i += (size_t)nd;
			break;
		}
		default:
			if (s[i] < '0' || s[i] > '7' || left < 2 || s[i + 1] < '0' || s[i + 1] > '7' || s[i + 2] < '0' ||
			    s[i + 2] > '7')
				return false;
			v = (uint32_t)(s[i] - '0') << 6 | (uint32_t)(s[i + 1] - '0') << 3 | (uint32_t)(s[i + 2] - '0');
			if (v > 255)
				return false;
			*w++ = (char)v;
			i += 2;
			break;
		}
	}
	*w = 0;
	return true;
}

static int parse_modinfo(gl_gobin *g, goload_err *err)
{
	char *s = g->bi_text;
	gl_gobin_module *last = NULL;
	size_t lineno = 0;
	while (s && *s) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = 0;
		lineno++;
		char *f[4] = {0};
		size_t n = split_tabs(s, f, 4);
		if (!strcmp(f[0], "path") && n >= 2) {
			g->bi.path = f[1];
		} else if ((!strcmp(f[0], "mod") || !strcmp(f[0], "dep")) && n >= 3) {
			gl_gobin_module m = {f[1], f[2], n >= 4 ? f[3] : "", NULL, NULL, NULL};
			if (f[0][0] == 'm') {
				g->bi.main = m;
				g->bi.has_main = true;
				last = &g->bi.main;
			} else {
				if (!push_dep(g, m))
					return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", g->what);
				last = NULL; /* the vector may move: re-take below */
			}
		} else if (!strcmp(f[0], "=>") && n >= 2) {
			gl_gobin_module *t = last ? last : (g->deps.len ? &g->deps.v[g->deps.len - 1] : NULL);
			if (!t)
				return gl_err(err, GOLOAD_E_FORMAT, "%s: buildinfo line %zu: replacement without a module",
					      g->what, lineno);
			t->rep_path = f[1];
			t->rep_version = n >= 3 ? f[2] : "";
			t->rep_sum = n >= 4 ? f[3] : "";
		} else if (!strcmp(f[0], "build") && n >= 2) {
			char *kv = f[1];
			char *eq;
			if (kv[0] == '"') {
				/* a quoted key: find its closing quote first */
				char *q = kv + 1;
				while (*q && !(*q == '"' && q[-1] != '\\'))
					q++;
				eq = *q ? strchr(q, '=') : NULL;
			} else {
				eq = strchr(kv, '=');
			}
			if (!eq)
				return gl_err(err, GOLOAD_E_FORMAT, "%s: buildinfo line %zu: build setting without '='",
					      g->what, lineno);
			*eq = 0;
			char *val = eq + 1;
			if (kv[0] == '"' && !unquote(kv))
				return gl_err(err, GOLOAD_E_FORMAT, "%s: buildinfo line %zu: bad quoted key", g->what,
					      lineno);
			if (val[0] == '"' && !unquote(val))
				return gl_err(err, GOLOAD_E_FORMAT, "%s: buildinfo line %zu: bad quoted value", g->what,
					      lineno);
			gl_gobin_setting st = {kv, val};
			if (!GL_VEC_PUSH(&g->settings, st))
				return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", g->what);
		}
		/* Unknown line kinds are skipped: later Go versions may add some. */
		s = nl ? nl + 1 : NULL;
	}
	return 0;
}

int gl_gobin_load_buildinfo(gl_gobin *g, goload_err *err)
{
	gl_span blob;
	uint64_t va;
	if (!find_blob(g, &blob, &va))
		return 0; /* not an error: old or non-main images lack it */
	uint8_t ptrsize = blob.p[14], flags = blob.p[15];
	gl_span ver, mod;
	if (flags & 2) {
		gl_rd r = gl_rd_make(blob, 32);
		uint64_t n = gl_rd_uvarint(&r);
		const uint8_t *p = gl_rd_bytes(&r, n);
		ver = gl_span_make(p, p ? n : 0);
		n = gl_rd_uvarint(&r);
		p = gl_rd_bytes(&r, n);
		mod = gl_span_make(p, p ? n : 0);
		if (!gl_rd_ok(&r))
			return gl_err(err, GOLOAD_E_FORMAT, "%s: buildinfo at 0x%llx: strings run past the segment (at +0x%zx)",
				      g->what, (unsigned long long)va, r.fail_at);
	} else {
		if (ptrsize != 8)
			return gl_err(err, GOLOAD_E_UNSUPPORTED, "%s: buildinfo at 0x%llx has pointer size %u", g->what,
				      (unsigned long long)va, ptrsize);
		uint64_t pv, pm;
		gl_u64_at(blob, 16, &pv);
		gl_u64_at(blob, 24, &pm);
		ver = go_string_at(g, pv);
		mod = go_string_at(g, pm);
	}
	if (mod.n >= 33 && mod.p[mod.n - 17] == '\n')
		mod = gl_span_make(mod.p + 16, mod.n - 32);
	g->bi_text = malloc(ver.n + 1 + mod.n + 1);
	if (!g->bi_text)
		return gl_err(err, GOLOAD_E_NOMEM, "%s: out of memory", g->what);
	memcpy(g->bi_text, ver.p ? (const char *)ver.p : "", ver.n);
	g->bi_text[ver.n] = 0;
	/* A NUL inside the version would hide the rest: cut it there. */
	g->bi.go_version = g->bi_text;
	char *modtext = g->bi_text + ver.n + 1;
	if (mod.n)
		memcpy(modtext, mod.p, mod.n);
	modtext[mod.n] = 0;
	g->bi.path = "";
	g->has_bi = true;
	char *save = g->bi_text;
	g->bi_text = modtext;
	int rc = parse_modinfo(g, err);
	g->bi_text = save;
	g->bi.deps = g->deps.v;
	g->bi.ndeps = g->deps.len;
	g->bi.settings = g->settings.v;
	g->bi.nsettings = g->settings.len;
	return rc;
}

void gl_gobin_free_buildinfo(gl_gobin *g)
{
	GL_VEC_FREE(&g->deps);
	GL_VEC_FREE(&g->settings);
	free(g->bi_text);
	g->bi_text = NULL;
}

const gl_gobin_buildinfo *gl_gobin_get_buildinfo(const gl_gobin *g) { return g->has_bi ? &g->bi : NULL; }

const char *gl_gobin_build_setting(const gl_gobin *g, const char *key)
{
	for (size_t i = 0; i < g->settings.len; i++)
		if (!strcmp(g->settings.v[i].key, key))
			return g->settings.v[i].value;
	return NULL;
}
