/* Relocations of `goload objdump --relocs` against the toolchain's own view.
 *
 * Truth: `go tool objdump ARCHIVE` of the same toolchain. It disassembles
 * the archive's first object with cmd/internal/goobj's reader and appends
 * to each instruction every relocation that starts before the instruction
 * ends, as "[start:end]TYPE:target+add" relative to the instruction
 * (cmd/internal/objfile.goobjReloc.String, names as objfile resolves
 * them). For every text symbol we rebuild that suffix from goload's lines
 * (symbol, offset, size, type name, target, addend) and compare strings;
 * every relocation of every text symbol must be consumed.
 *
 * The same listing names each instruction's "file:line", which objfile
 * reads from the symbol's pcfile/pcline aux tables and the Files block:
 * gl_goobj_pcline must give the same for every instruction.
 *
 * Toolchains: all installed: 24 std packages for the machine's Go, the
 * first 6 (runtime excluded: the slowest to disassemble) for the others.
 * GOLOAD_QUICK=1: the machine's Go, 6 packages.
 */
#define _GNU_SOURCE
#include "check.h"
#include "goobj/goobj.h"
#include "toolchains.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const pkgs[] = {
	"fmt", "strconv", "sort", "bytes", "strings", "errors", "io", "bufio", "unicode/utf8", "math",
	"sync", "time", "os", "reflect", "encoding/json", "encoding/binary", "net/url", "path/filepath",
	"regexp", "compress/flate", "hash/crc32", "crypto/sha256", "text/template", "runtime",
};

typedef struct rel {
	long off, siz, add;
	char *type, *target;
} rel;

typedef struct fsym {
	char *name;
	uint32_t idx; /* local index in the object */
	uint64_t start; /* data offset: the first instruction's pc in go tool objdump */
	rel *r;
	size_t n, cap;
} fsym;

typedef struct syms {
	fsym *v;
	size_t n, cap;
} syms;

static char *xstrdup(const char *s) { return strdup(s); }

/* By name and start: a name can be defined twice (ABI0 and ABIInternal). */
static fsym *sym_find(syms *s, const char *name, uint64_t start)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].start == start && !strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static void syms_free(syms *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->v[i].n; k++) {
			free(s->v[i].r[k].type);
			free(s->v[i].r[k].target);
		}
		free(s->v[i].r);
		free(s->v[i].name);
	}
	free(s->v);
}

/* goload objdump --syms --relocs: "  IDX CLASS KIND NAME abi=.. data=0xOFF+N" and
 * "    reloc OFF SIZ TYPE TARGET(+|-)ADD", for the first Go member. */
static bool read_goload(const char *bin, const char *archive, syms *out)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' objdump --syms --relocs '%s'", bin, archive);
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	char *line = NULL;
	size_t cap = 0;
	int gomembers = 0;
	fsym *cur = NULL;
	while (getline(&line, &cap, p) > 0) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] != ' ') {
			if (strstr(line, "): go, "))
				gomembers++;
			cur = NULL;
			continue;
		}
		if (gomembers != 1)
			continue;
		if (!strncmp(line, "    reloc ", 10) && cur) {
			char *s = line + 10, *sp1 = strchr(s, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL,
			     *sp3 = sp2 ? strchr(sp2 + 1, ' ') : NULL;
			if (!sp3)
				continue;
			rel r = {0};
			r.off = strtol(s, NULL, 10);
			r.siz = strtol(sp1 + 1, NULL, 10);
			r.type = strndup(sp2 + 1, (size_t)(sp3 - sp2 - 1));
			char *t = sp3 + 1, *sign = t + strlen(t);
			while (sign > t && sign[-1] >= '0' && sign[-1] <= '9')
				sign--;
			sign--; /* the '+' or '-' of the addend */
			r.add = strtol(sign, NULL, 10);
			r.target = strndup(t, (size_t)(sign - t));
			if (cur->n == cur->cap) {
				cur->cap = cur->cap ? 2 * cur->cap : 8;
				cur->r = realloc(cur->r, cur->cap * sizeof *cur->r);
			}
			cur->r[cur->n++] = r;
		} else if (line[2] != ' ') {
			/* The name lies between the third field and the last " abi=". */
			char *s = line + 2, *abi = NULL, *data = strstr(line, " data=0x");
			for (int f = 0; f < 3 && s; f++)
				s = strchr(s, ' ') ? strchr(s, ' ') + 1 : NULL;
			for (char *q = s; q && (q = strstr(q, " abi=")); q++)
				abi = q;
			if (!s || !abi)
				continue;
			*abi = 0;
			if (out->n == out->cap) {
				out->cap = out->cap ? 2 * out->cap : 64;
				out->v = realloc(out->v, out->cap * sizeof *out->v);
			}
			fsym z = {xstrdup(s), (uint32_t)strtoul(line + 2, NULL, 10), data ? strtoull(data + 8, NULL, 16) : UINT64_MAX, NULL, 0, 0};
			out->v[out->n] = z;
			cur = &out->v[out->n++];
		}
	}
	free(line);
	return pclose(p) == 0;
}

/* What objfile.goobjReloc.String prints for a relocation at `delta` from
 * the instruction start. */
static void go_reloc_string(char *buf, size_t cap, const rel *r, long delta)
{
	int n = snprintf(buf, cap, "[%ld:%ld]%s", delta, delta + r->siz, r->type);
	if (*r->target) {
		if (r->add)
			snprintf(buf + n, cap - (size_t)n, ":%s+%ld", r->target, r->add);
		else
			snprintf(buf + n, cap - (size_t)n, ":%s", r->target);
	} else if (r->add) {
		snprintf(buf + n, cap - (size_t)n, ":%ld", r->add);
	}
}

static char *trim(char *s)
{
	while (*s == '\t' || *s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = 0;
	return s;
}

static long lines_compared;

/* "print.go:147" as disasm.go prints base(file):line. */
static void go_fileline(char *buf, size_t cap, gl_span file, int32_t line)
{
	size_t b = file.n;
	while (b > 0 && file.p[b - 1] != '/' && file.p[b - 1] != '\\')
		b--;
	snprintf(buf, cap, "%.*s:%d", (int)(file.n - b), (const char *)file.p + b, line);
}

/* Walks go tool objdump's listing; returns relocations compared. */
static long compare(const char *gobin, const char *archive, syms *ours, const char *label)
{
	gl_goobj_archive *a = NULL;
	gl_goobj *o = NULL;
	goload_err err = {0};
	CHECK_MSG(gl_goobj_archive_open_path(archive, &a, &err) == 0, "%s", err.msg);
	for (size_t m = 0; a && m < gl_goobj_archive_nmembers(a) && !o; m++) {
		const gl_goobj_member *mem = gl_goobj_archive_member(a, m);
		if (mem->kind == GL_GOOBJ_M_GO)
			CHECK_MSG(gl_goobj_open(mem->data, mem->name, &o, &err) == 0, "%s", err.msg);
	}
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "GOTOOLCHAIN=local '%s' tool objdump '%s'", gobin, archive);
	FILE *p = popen(cmd, "r");
	if (!p)
		return 0;
	char *line = NULL, expect[1 << 16], one[8192];
	size_t cap = 0, k = 0;
	long compared = 0, mism = 0, textsyms = 0;
	fsym *cur = NULL;
	uint64_t start = 0;
	bool pending = false;
	static char textname[1 << 16];
	while (getline(&line, &cap, p) > 0) {
		if (!strncmp(line, "TEXT ", 5)) {
			if (cur && k != cur->n) {
				mism++;
				CHECK_MSG(k == cur->n, "%s: %s: go tool objdump showed %zu of goload's %zu relocations",
					  label, cur->name, k, cur->n);
			}
			char *sb = strstr(line, "(SB)");
			for (char *q; sb && (q = strstr(sb + 4, "(SB)"));)
				sb = q;
			cur = NULL;
			if (sb) {
				*sb = 0;
				snprintf(textname, sizeof textname, "%s", line + 5);
				pending = true;
			}
			k = 0;
			textsyms++;
			continue;
		}
		if ((!cur && !pending) || line[0] != ' ')
			continue;
		/* Cells: [file:line] 0xPC HEX ASM [RELOCS], separated by tab runs. */
		char *cells[8];
		int nc = 0;
		for (char *tok = strtok(line, "\t"); tok && nc < 8; tok = strtok(NULL, "\t")) {
			tok = trim(tok);
			if (*tok)
				cells[nc++] = tok;
		}
		int pci = -1;
		for (int c = 0; c < nc && pci < 0; c++)
			if (!strncmp(cells[c], "0x", 2))
				pci = c;
		if (pci < 0 || pci + 2 >= nc)
			continue;
		uint64_t pc = strtoull(cells[pci], NULL, 16);
		if (pending) {
			start = pc;
			pending = false;
			cur = sym_find(ours, textname, start);
			CHECK_MSG(cur != NULL, "%s: text symbol %s at 0x%" PRIx64 " not in goload objdump", label, textname, start);
			if (!cur)
				continue;
		}
		long size = (long)strlen(cells[pci + 1]) / 2, ioff = (long)(pc - start);
		if (o && cur->idx < gl_goobj_ndefs(o)) {
			gl_span file;
			int32_t ln = 0;
			char fl[4096] = "";
			if (gl_goobj_pcline(o, cur->idx, (uint64_t)ioff, &file, &ln) && file.n)
				go_fileline(fl, sizeof fl, file, ln);
			const char *gfl = pci == 1 ? cells[0] : "";
			if (strcmp(fl, gfl)) {
				mism++;
				if (mism < 10)
					CHECK_MSG(0, "%s: %s at +%ld: go tool objdump at %s, goload at %s", label, cur->name,
						  ioff, gfl, fl);
			}
			lines_compared++;
		}
		const char *got = pci + 3 < nc ? cells[pci + 3] : "";
		expect[0] = 0;
		size_t el = 0;
		while (k < cur->n && cur->r[k].off < ioff + size) {
			go_reloc_string(one, sizeof one, &cur->r[k], cur->r[k].off - ioff);
			el += (size_t)snprintf(expect + el, sizeof expect - el, "%s%s", el ? " " : "", one);
			k++;
			compared++;
		}
		if (strcmp(expect, got)) {
			mism++;
			if (mism < 10)
				CHECK_MSG(0, "%s: %s at +%ld: go tool objdump \"%s\", goload \"%s\"", label, cur->name, ioff,
					  got, expect);
		}
	}
	if (cur && k != cur->n)
		mism++;
	free(line);
	gl_goobj_close(o);
	gl_goobj_archive_close(a);
	int rc = pclose(p);
	CHECK_MSG(rc == 0, "%s: go tool objdump failed", label);
	CHECK_MSG(mism == 0, "%s: %ld mismatches", label, mism);
	CHECK_MSG(textsyms > 0 && compared > 0, "%s: nothing compared", label);
	return compared;
}

int main(void)
{
	const char *bin = getenv("GOLOAD_BIN"), *src = getenv("GOLOAD_SRC");
	if (!bin || !src) {
		CHECK_MSG(0, "GOLOAD_BIN and GOLOAD_SRC must be set");
		return CHECK_DONE();
	}
	char cmd[8192];
	toolchain tc[16];
	int nversions = toolchains(tc, 16);
	long total = 0, npk = 0;
	for (int v = 0; v < nversions; v++) {
		const char *ver = tc[v].version, *gobin = tc[v].go;
		size_t npkgs = test_quick() || !tc[v].mine ? 6 : sizeof pkgs / sizeof pkgs[0];
		int n = snprintf(cmd, sizeof cmd, "GOTOOLCHAIN=local GOFLAGS= '%s' list -export -f '{{.ImportPath}} {{.Export}}'",
				 gobin);
		for (size_t i = 0; i < npkgs; i++)
			n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %s", pkgs[i]);
		FILE *l = popen(cmd, "r");
		char pl[8192];
		long vtotal = 0, vpk = 0;
		while (l && fgets(pl, sizeof pl, l)) {
			pl[strcspn(pl, "\n")] = 0;
			char *sp = strchr(pl, ' ');
			if (!sp || !sp[1])
				continue;
			*sp = 0;
			char label[8400];
			snprintf(label, sizeof label, "%s %s", ver, pl);
			syms ours = {0};
			CHECK_MSG(read_goload(bin, sp + 1, &ours), "%s: goload objdump failed", label);
			vtotal += compare(gobin, sp + 1, &ours, label);
			vpk++;
			syms_free(&ours);
		}
		if (l)
			pclose(l);
		CHECK_MSG(vpk == (long)npkgs, "%s: %ld of %zu packages listed", ver, vpk, npkgs);
		printf("%s: %ld relocations of text symbols in %ld std packages equal go tool objdump's\n", ver, vtotal,
		       vpk);
		total += vtotal;
		npk += vpk;
	}
	CHECK(nversions > 0);
	printf("relocations: %ld compared over %ld archives of %d toolchains\n", total, npk, nversions);
	printf("pcfile/pcline: %ld instructions' file:line equal go tool objdump's\n", lines_compared);
	CHECK(lines_compared > 0);
	return CHECK_DONE();
}
