/* Symbols, funcinfo and relocations of an object against what the compiler
 * says it wrote into it.
 *
 * Truth: `go tool compile -S` of tests/goobj/testdata/fi.go with each
 * installed toolchain (GOLOAD_QUICK=1: the machine's Go). -S prints, for
 * every symbol it writes (cmd/internal/obj.writeSymDebugNamed):
 *   NAME KIND [static] [dupok] [nosplit] [topframe] [asm] size=N
 *        [args=A locals=L funcid=F align=X [leaf]]        (text symbols)
 *   \trel OFF+SIZ t=TYPE TARGET+ADD                        (each relocation)
 * (Go 1.21 prints the relocation type as a number: t=%d) and the object it
 * writes is the one goload reads here. Each such symbol
 * must be a definition with the same name, kind, size, flags and funcinfo,
 * and the same multiset of relocations (targets named through RefName or
 * the dependencies' own objects).
 */
#define _GNU_SOURCE
#include "check.h"
#include "goobj/goobj.h"
#include "toolchains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef GL_VEC(char *) strvec;

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void strvec_free(strvec *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->v[i]);
	GL_VEC_FREE(v);
}

typedef struct ssym {
	char *name, *kind;
	unsigned flags; /* bit 0 static, 1 dupok, 2 nosplit, 3 topframe, 4 asm, 5 leaf */
	long size, args, locals, funcid;
	bool text;
	strvec rels;
} ssym;

static const char *const flagwords[] = {"static", "dupok", "nosplit", "topframe", "asm", "leaf"};

/* Parses a symbol header line; false when the line is not one. */
static bool parse_header(char *line, ssym *s)
{
	char *sz = strstr(line, " size=");
	if (!sz || line[0] == '\t')
		return false;
	memset(s, 0, sizeof *s);
	s->size = strtol(sz + 6, NULL, 10);
	char *a = strstr(sz, " args=");
	if (a) {
		s->text = true;
		sscanf(a, " args=%li locals=%li funcid=%li", &s->args, &s->locals, &s->funcid);
		if (strstr(a, " leaf"))
			s->flags |= 1u << 5;
	}
	*sz = 0;
	/* Strip trailing flag words, then the kind; the rest is the name. */
	for (;;) {
		char *sp = strrchr(line, ' ');
		if (!sp)
			return false;
		bool flag = false;
		for (unsigned k = 0; k < 5; k++)
			if (!strcmp(sp + 1, flagwords[k])) {
				s->flags |= 1u << k;
				flag = true;
			}
		if (!flag) {
			s->kind = strdup(sp + 1);
			*sp = 0;
			s->name = strdup(line);
			return s->kind[0] == 'S';
		}
		*sp = 0;
	}
}

static char *rel_string(long off, long siz, const char *type, const char *target, size_t tlen, long long add)
{
	char *s = NULL;
	if (asprintf(&s, "%ld+%ld t=%s %.*s+%lld", off, siz, type, (int)tlen, target, add) < 0)
		return NULL;
	return s;
}

static bool numeric_types; /* this toolchain's -S prints t=%d */

static void compare_sym(const gl_goobj *o, uint32_t i, ssym *s, gl_goobj_resolver *res, const char *label,
			long *rels)
{
	gl_goobj_sym g = gl_goobj_sym_at(o, i);
	unsigned f = 0;
	f |= g.abi == GL_GOOBJ_ABI_STATIC ? 1u : 0;
	f |= g.flags & GL_SF_DUPOK ? 2u : 0;
	f |= g.flags & GL_SF_NOSPLIT ? 4u : 0;
	f |= s->text && (g.flags & GL_SF_LEAF) ? 32u : 0;
	gl_goobj_funcinfo fi;
	goload_err err = {0};
	if (s->text) {
		CHECK_MSG(gl_goobj_funcinfo_get(o, i, &fi, &err) == 0, "%s: %s: %s", label, s->name, err.msg);
		if (!err.code) {
			f |= fi.funcflag & GL_FUNCFLAG_TOPFRAME ? 8u : 0;
			f |= fi.funcflag & GL_FUNCFLAG_ASM ? 16u : 0;
			CHECK_MSG(fi.args == (uint32_t)s->args && fi.locals == (uint32_t)s->locals &&
					  fi.funcid_raw == (uint8_t)s->funcid,
				  "%s: %s: args/locals/funcid %u/%u/%u, compile -S says %ld/%ld/%ld", label, s->name,
				  fi.args, fi.locals, fi.funcid_raw, s->args, s->locals, s->funcid);
			CHECK_MSG(fi.funcid >= 0, "%s: %s: FuncID %u unknown to the table", label, s->name, fi.funcid_raw);
		}
	}
	CHECK_MSG(f == s->flags, "%s: %s: flags 0x%x, compile -S says 0x%x", label, s->name, f, s->flags);
	strvec ours = {0};
	uint32_t first, n = gl_goobj_relocs(o, i, &first);
	char tb[40];
	for (uint32_t k = 0; k < n; k++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + k);
		gl_goobj_symname nm = {0};
		const char *t = "";
		size_t tl = 0;
		if (gl_goobj_ref_is_nil(r.sym)) {
			if (r.type == GL_R_TLS_LE)
				t = "TLS", tl = 3;
		} else if (gl_goobj_ref_name(o, r.sym, res, &nm, &err) == 0) {
			t = nm.name, tl = nm.namelen;
		} else {
			CHECK_MSG(0, "%s: %s: reloc target {%u,%u}: %s", label, s->name, r.sym.pkg, r.sym.idx, err.msg);
		}
		if (numeric_types)
			snprintf(tb, sizeof tb, "%d", (int)(int16_t)r.type_raw);
		else
			gl_objtab_reloc_name(gl_goobj_tab(o), r.type_raw, tb, sizeof tb);
		GL_VEC_PUSH(&ours, rel_string(r.off, r.siz, tb, t, tl, (long long)r.add));
	}
	if (ours.len)
		qsort(ours.v, ours.len, sizeof *ours.v, cmpstr);
	if (s->rels.len)
		qsort(s->rels.v, s->rels.len, sizeof *s->rels.v, cmpstr);
	bool same = ours.len == s->rels.len;
	for (size_t k = 0; same && k < ours.len; k++)
		same = !strcmp(ours.v[k], s->rels.v[k]);
	CHECK_MSG(same, "%s: %s: %zu relocations, compile -S lists %zu (first: \"%s\" vs \"%s\")", label, s->name,
		  ours.len, s->rels.len, ours.len ? ours.v[0] : "", s->rels.len ? s->rels.v[0] : "");
	*rels += (long)ours.len;
	strvec_free(&ours);
}

static void one(const char *ver, const char *gobin, const char *src, const char *tmp)
{
	char dir[4096], cmd[32768];
	snprintf(dir, sizeof dir, "%s/compile_%s", tmp, ver);
	snprintf(cmd, sizeof cmd,
		 "rm -rf '%s' && mkdir -p '%s' && cd '%s' && export GOTOOLCHAIN=local GOFLAGS= && "
		 "'%s' list -export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' errors fmt strconv strings sync > cfg && "
		 "'%s' tool compile -S -p fi -importcfg cfg -o fi.a '%s/tests/goobj/testdata/fi.go' > s.txt",
		 dir, dir, dir, gobin, gobin, src);
	CHECK_MSG(system(cmd) == 0, "%s: %s", ver, cmd);
	char path[4200];
	snprintf(path, sizeof path, "%s/s.txt", dir);
	FILE *f = fopen(path, "r");
	GL_VEC(ssym) syms = {0};
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = 0;
		ssym s;
		if (parse_header(line, &s)) {
			GL_VEC_PUSH(&syms, s);
		} else if (!strncmp(line, "\trel ", 5) && syms.len) {
			char *t = strstr(line, " t=");
			numeric_types = t && t[3] >= '0' && t[3] <= '9';
			GL_VEC_PUSH(&syms.v[syms.len - 1].rels, strdup(line + 5));
		}
	}
	free(line);
	if (f)
		fclose(f);
	CHECK_MSG(syms.len > 50, "%s: compile -S listed %zu symbols", ver, syms.len);

	gl_goobj_archive *a = NULL;
	gl_goobj *o = NULL;
	gl_goobj_deps *deps = NULL;
	goload_err err = {0};
	snprintf(path, sizeof path, "%s/fi.a", dir);
	CHECK_MSG(gl_goobj_archive_open_path(path, &a, &err) == 0, "%s", err.msg);
	for (size_t m = 0; a && m < gl_goobj_archive_nmembers(a) && !o; m++)
		if (gl_goobj_archive_member(a, m)->kind == GL_GOOBJ_M_GO)
			CHECK_MSG(gl_goobj_open(gl_goobj_archive_member(a, m)->data, "fi.a", &o, &err) == 0, "%s", err.msg);
	snprintf(path, sizeof path, "%s/cfg", dir);
	CHECK(gl_goobj_deps_new(&deps, &err) == 0 && gl_goobj_deps_importcfg(deps, path, &err) == 0);
	gl_goobj_resolver res = gl_goobj_deps_resolver(deps);
	long matched = 0, rels = 0, texts = 0, unnamed = 0;
	bool *used = o ? calloc(gl_goobj_ndefs(o) + 1, 1) : NULL;
	for (size_t k = 0; o && used && k < syms.len; k++) {
		ssym *s = &syms.v[k];
		uint32_t hit = UINT32_MAX;
		/* Unnamed symbols (a global's DWARF entry) cannot be told apart. */
		if (!*s->name) {
			unnamed++;
			continue;
		}
		for (uint32_t i = 0; i < gl_goobj_ndefs(o) && hit == UINT32_MAX; i++) {
			gl_goobj_sym g = gl_goobj_sym_at(o, i);
			if (!used[i] && g.size == (uint32_t)s->size && g.namelen == strlen(s->name) &&
			    !memcmp(g.name, s->name, g.namelen) && !strcmp(gl_sk_names[g.kind], s->kind))
				hit = i;
		}
		CHECK_MSG(hit != UINT32_MAX, "%s: %s %s size=%ld: no such definition", ver, s->name, s->kind, s->size);
		if (hit == UINT32_MAX)
			continue;
		used[hit] = true;
		matched++;
		texts += s->text;
		compare_sym(o, hit, s, &res, ver, &rels);
	}
	printf("%s: %ld symbols of compile -S (%ld text with funcinfo) and %ld relocations equal goload's (%ld unnamed "
	       "skipped)\n", ver, matched, texts, rels, unnamed);
	free(used);
	for (size_t k = 0; k < syms.len; k++) {
		free(syms.v[k].name);
		free(syms.v[k].kind);
		strvec_free(&syms.v[k].rels);
	}
	GL_VEC_FREE(&syms);
	gl_goobj_deps_close(deps);
	gl_goobj_close(o);
	gl_goobj_archive_close(a);
}

int main(void)
{
	const char *src = getenv("GOLOAD_SRC"), *tmp = getenv("GOLOAD_TESTTMP");
	if (!src || !tmp) {
		CHECK_MSG(0, "GOLOAD_SRC and GOLOAD_TESTTMP must be set");
		return CHECK_DONE();
	}
	toolchain tc[16];
	int n = toolchains(tc, 16);
	for (int i = 0; i < n; i++)
		one(tc[i].version, tc[i].go, src, tmp);
	CHECK(n > 0);
	return CHECK_DONE();
}
