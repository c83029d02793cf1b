/* recover: data symbols of a stripped host against the unstripped twin.
 *
 * For each toolchain (GOLOAD_QUICK=1: the machine's Go only) the test
 * program is built twice, plain and with -ldflags='-s -w'. Their
 * functions must sit at the same addresses (pclntab of both), so the plain
 * build's .symtab is the ground truth for the stripped one. The twin is
 * built with -ldflags='-w -w': buildinfo records the ldflags in the data
 * segment, so a twin without ldflags would move every variable by the
 * string's length; same length keeps the layout (checked below), and -w
 * alone keeps .symtab: every address
 * recovered from the stripped host must equal the symtab's, and the
 * runtime data the loader needs must be among them. */
#include "check.h"
#include "goobj/toolchains.h"
#include "gobin/gobin.h"
#include "goobj/goobj.h"
#include "recover/recover.h"

#include <stdlib.h>
#include <sys/stat.h>

static const char *const must[] = {
	"runtime.firstmoduledata", "runtime.lastmoduledatap", "runtime.itabLock", "runtime.writeBarrier",
	"runtime.zerobase",        "runtime.modulesSlice",    "main.counter",     "main.table",
	"main.names",              "main.mu",                 "main.hook",
};

static bool run(const char *cmd)
{
	int rc = system(cmd);
	CHECK_MSG(rc == 0, "%s", cmd);
	return rc == 0;
}

static bool is_data(const gl_elf_sym *s)
{
	return s->type == GL_STT_OBJECT && s->name[0] && s->size;
}

/* Names of data that code of the host's functions refers to at all, from
 * the objects alone (independent of the matching): the upper bound. */
static void referenced(const char *importcfg, gl_gobin *plain, gl_strmap *out)
{
	gl_goobj_deps *deps = NULL;
	goload_err err = {0};
	CHECK(gl_goobj_deps_new(&deps, &err) == 0 && gl_goobj_deps_importcfg(deps, importcfg, &err) == 0);
	gl_goobj_resolver res = gl_goobj_deps_resolver(deps);
	FILE *f = fopen(importcfg, "r");
	char line[8192];
	while (f && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *eq = strchr(line, '=');
		if (strncmp(line, "packagefile ", 12) || !eq)
			continue;
		gl_goobj_archive *a;
		if (gl_goobj_archive_open_path(eq + 1, &a, &err))
			continue;
		for (size_t m = 0; m < gl_goobj_archive_nmembers(a); m++) {
			gl_goobj *o;
			if (gl_goobj_archive_member(a, m)->kind != GL_GOOBJ_M_GO || gl_goobj_archive_open_member(a, m, &o, &err))
				continue;
			for (uint32_t i = 0; i < gl_goobj_ndefs(o); i++) {
				gl_goobj_sym s = gl_goobj_sym_at(o, i);
				gl_gobin_sym hs;
				if (s.kind != GL_SK_TEXT || !gl_gobin_sym_lookup(plain, s.name, s.namelen, &hs) ||
				    (hs.kind != 'T' && hs.kind != 't'))
					continue;
				uint32_t first, n = gl_goobj_relocs(o, i, &first);
				for (uint32_t k = 0; k < n; k++) {
					gl_goobj_reloc rl = gl_goobj_reloc_at(o, first + k);
					gl_goobj_symname nm;
					uint32_t local;
					if ((rl.type != GL_R_PCREL && rl.type != GL_R_ADDR) ||
					    gl_goobj_ref_name(o, rl.sym, &res, &nm, &err))
						continue;
					/* File-local (asm "<>") names are not unique: out of scope. */
					if (gl_goobj_ref_local(o, rl.sym, &local) && local < gl_goobj_ndefs(o) &&
					    gl_goobj_sym_at(o, local).abi == GL_GOOBJ_ABI_STATIC)
						continue;
					bool existed;
					char *name = strndup(nm.name, nm.namelen);
					if (name && gl_strmap_add(out, name, nm.namelen, 0, &existed) && !existed)
						continue; /* the map keeps the copy */
					free(name);
				}
			}
			gl_goobj_close(o);
		}
		gl_goobj_archive_close(a);
	}
	if (f)
		fclose(f);
	gl_goobj_deps_close(deps);
}

static void free_keys(gl_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->t[i].key)
			free((char *)m->t[i].key);
	gl_strmap_free(m);
}

/* Host variants: how the loader's hosts are built. */
typedef struct variant {
	const char *name, *env, *flags, *ldflags;
} variant;

static const variant variants[] = {
	{"exe", "CGO_ENABLED=0", "", ""},
	{"pie", "CGO_ENABLED=0", "-buildmode=pie", ""},
	{"external", "CGO_ENABLED=1", "", " -linkmode=external"},
	{"external-pie", "CGO_ENABLED=1", "-buildmode=pie", " -linkmode=external"},
};

/* `go list -export -deps` of `what` in dir, with the variant's settings,
 * as an importcfg into dir/out. */
static bool golist(const toolchain *tc, const variant *va, const char *dir, const char *what, const char *out)
{
	gl_buf cmd = {0};
	gl_buf_printf(&cmd,
		      "cd '%s' && export GOTOOLCHAIN=local GOFLAGS=-mod=mod %s && '%s' list %s -ldflags='-s -w%s' "
		      "-export -deps -f '{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}' %s > %s",
		      dir, va->env, tc->go, va->flags, va->ldflags, what, out);
	gl_buf_u8(&cmd, 0);
	bool ok = !cmd.oom && run((const char *)cmd.p);
	gl_buf_free(&cmd);
	return ok;
}

/* Without the host's build: packages named by pclntab, listed with the
 * same toolchain. Everything but what only main uses must come back. */
static void from_pclntab(const toolchain *tc, const variant *va, const char *dir, const char *lb, gl_gobin *strip,
			 gl_gobin *plain, const gl_recover *full)
{
	gl_buf pk = {0};
	size_t npk = 0;
	goload_err err = {0};
	CHECK(gl_recover_packages(strip, &pk, &npk, &err) == 0 && npk > 10);
	for (size_t i = 0; i < pk.len; i++)
		if (pk.p[i] == '\n')
			pk.p[i] = ' ';
	gl_buf_u8(&pk, 0);
	CHECK_MSG(!strstr((const char *)pk.p, "main ") && strstr((const char *)pk.p, "runtime "), "%s: packages %s", lb,
		  (const char *)pk.p);
	bool ok = !pk.oom && golist(tc, va, dir, (const char *)pk.p, "importcfg.pclntab");
	gl_buf_free(&pk);
	if (!ok)
		return;
	char cfg[4500];
	snprintf(cfg, sizeof cfg, "%s/importcfg.pclntab", dir);
	gl_recover *r = NULL;
	if (gl_recover_new(&r, &err) || gl_recover_importcfg(r, cfg, &err) || gl_recover_run(r, strip, &err)) {
		CHECK_MSG(0, "%s: %s", lb, err.msg);
		gl_recover_close(r);
		return;
	}
	size_t same = 0, wrong = 0, lost = 0;
	for (size_t i = 0; i < gl_recover_nsyms(full); i++) {
		const gl_recover_sym *f = gl_recover_sym_at(full, i);
		const gl_recover_sym *s = gl_recover_lookup(r, f->name, strlen(f->name));
		if (f->conflict)
			continue;
		if (s && !s->conflict && s->addr == f->addr)
			same++;
		else if (s)
			wrong++;
		/* Only main's code names main's variables and the strings,
		 * types, itabs and GC masks it alone uses. */
		else if (strncmp(f->name, "main.", 5) && strncmp(f->name, "go:", 3) && strncmp(f->name, "type:", 5) &&
			 strncmp(f->name, "runtime.gcbits.", 15) && ++lost <= 5)
			fprintf(stderr, "%s: lost without main's object: %s\n", lb, f->name);
	}
	for (size_t i = 0; i < 6; i++) {
		const gl_recover_sym *s = gl_recover_lookup(r, must[i], strlen(must[i]));
		uint64_t want = 0;
		CHECK_MSG(s && !s->conflict && gl_gobin_sym_addr(plain, must[i], &want, &err) == 0 && want == s->addr,
			  "%s: %s not recovered from pclntab's packages", lb, must[i]);
	}
	CHECK_MSG(wrong == 0 && lost == 0, "%s: from pclntab's packages: %zu wrong, %zu lost", lb, wrong, lost);
	printf("%s: from pclntab's %zu packages (no importcfg of the build): %zu of the same symbols, %zu used only by main lost\n",
	       lb, npk, same, gl_recover_nsyms(full) - same - wrong - lost);
	gl_recover_close(r);
}

static void one(const toolchain *tc, const variant *va, const char *tmp)
{
	char dir[4400], lb[128];
	gl_buf cmd = {0};
	snprintf(lb, sizeof lb, "%s/%s", tc->version, va->name);
	snprintf(dir, sizeof dir, "%s/recover/go1.%d-%s", tmp, tc->minor, va->name);
	gl_buf_printf(&cmd,
		 "mkdir -p '%s' && cp '%s/tests/recover/prog/main.go' '%s/tests/recover/prog/go.mod' '%s' && cd '%s' && "
		 "export GOTOOLCHAIN=local GOFLAGS=-mod=mod %s && "
		 "'%s' build %s -ldflags='-s -w%s' -o stripped . && '%s' build %s -ldflags='-w -w%s' -o plain .",
		 dir, getenv("GOLOAD_SRC"), getenv("GOLOAD_SRC"), dir, dir, va->env, tc->go, va->flags, va->ldflags,
		 tc->go, va->flags, va->ldflags);
	gl_buf_u8(&cmd, 0);
	bool built = !cmd.oom && run((const char *)cmd.p) && golist(tc, va, dir, ".", "importcfg");
	gl_buf_free(&cmd);
	if (!built)
		return;
	char pp[4500], sp[4500], cfg[4500];
	snprintf(pp, sizeof pp, "%s/plain", dir);
	snprintf(sp, sizeof sp, "%s/stripped", dir);
	snprintf(cfg, sizeof cfg, "%s/importcfg", dir);
	goload_err err = {0};
	gl_gobin *plain = NULL, *strip = NULL;
	gl_recover *r = NULL;
	if (gl_gobin_open_path(pp, &plain, &err) || gl_gobin_open_path(sp, &strip, &err)) {
		CHECK_MSG(0, "%s: %s", lb, err.msg);
		goto out;
	}
	CHECK(gl_gobin_get_info(strip)->stripped && !gl_gobin_get_info(plain)->stripped);

	/* -s -w must not move code: the same functions at the same entries. */
	size_t nf = gl_gobin_nfuncs(plain), moved = 0;
	CHECK_MSG(nf == gl_gobin_nfuncs(strip), "%s: %zu vs %zu functions", lb, nf, gl_gobin_nfuncs(strip));
	for (size_t i = 0; i < nf && nf == gl_gobin_nfuncs(strip); i++) {
		gl_gobin_func a, b;
		if (gl_gobin_func_at(plain, i, &a, &err) || gl_gobin_func_at(strip, i, &b, &err) ||
		    a.entry != b.entry || strcmp(a.name, b.name))
			moved++;
	}
	CHECK_MSG(moved == 0, "%s: %zu functions differ between plain and stripped", lb, moved);
	const gl_elf *pe = gl_gobin_elf(plain), *se = gl_gobin_elf(strip);
	bool same = pe->nsegs == se->nsegs && gl_gobin_get_info(plain)->md_va == gl_gobin_get_info(strip)->md_va;
	for (size_t i = 0; same && i < pe->nsegs; i++)
		same = pe->segs[i].vaddr == se->segs[i].vaddr;
	CHECK_MSG(same, "%s: plain and stripped segments or moduledata differ", lb);

	if (gl_recover_new(&r, &err) || gl_recover_importcfg(r, cfg, &err) || gl_recover_run(r, strip, &err)) {
		CHECK_MSG(0, "%s: %s", lb, err.msg);
		goto out;
	}
	const gl_recover_stats *st = gl_recover_get_stats(r);
	CHECK_MSG(st->text_bad == 0, "%s: %zu function targets disagree with pclntab", lb, st->text_bad);
	CHECK_MSG(st->text_ok > 5000, "%s: only %zu function targets checked", lb, st->text_ok);

	/* Every recovered address against the symtab. */
	size_t wrong = 0, absent = 0, insym = 0;
	for (size_t i = 0; i < gl_recover_nsyms(r); i++) {
		const gl_recover_sym *s = gl_recover_sym_at(r, i);
		gl_gobin_sym tv;
		const gl_gobin_sym *t = gl_gobin_sym_lookup(plain, s->name, strlen(s->name), &tv) ? &tv : NULL;
		if (!t || t->source != GL_SYMSRC_SYMTAB) {
			absent++; /* go:string.* and other symbols the symtab folds */
			continue;
		}
		if (s->conflict)
			continue;
		insym++;
		if (t->addr != s->addr) {
			wrong++;
			if (wrong <= 10)
				fprintf(stderr, "%s: %s recovered 0x%llx (%u votes), symtab 0x%llx\n", lb, s->name,
					(unsigned long long)s->addr, s->votes, (unsigned long long)t->addr);
		}
	}
	CHECK_MSG(wrong == 0, "%s: %zu wrong addresses", lb, wrong);
	CHECK_MSG(st->content_bad == 0 && st->content_ok > 1000, "%s: content at the address: %zu equal, %zu differ",
		  lb, st->content_ok, st->content_bad);
	for (size_t i = 0; i < gl_recover_nsyms(r); i++) {
		const gl_recover_sym *s = gl_recover_sym_at(r, i);
		if (s->content_differs)
			fprintf(stderr, "%s: content differs %s\n", lb, s->name);
		if (s->conflict)
			fprintf(stderr, "%s: conflict %s: 0x%llx vs 0x%llx\n", lb, s->name,
				(unsigned long long)s->addr, (unsigned long long)s->other);
	}
	for (size_t i = 0; i < GL_ARRAY_LEN(must); i++) {
		const gl_recover_sym *s = gl_recover_lookup(r, must[i], strlen(must[i]));
		uint64_t want = 0;
		CHECK_MSG(s && !s->conflict && gl_gobin_sym_addr(plain, must[i], &want, &err) == 0 && want == s->addr,
			  "%s: %s not recovered right", lb, must[i]);
	}

	/* runtime.g's %fs offset, computed from the twin as the loader does
	 * for unstripped hosts (link/host.c): runtime.tlsg against PT_TLS,
	 * Go's fixed -8 when the internal linker made no tlsg. */
	int32_t tls = 0, want_tls = -8;
	gl_gobin_sym tlsgv;
	const gl_gobin_sym *tlsg = gl_gobin_sym_lookup(plain, "runtime.tlsg", 12, &tlsgv) ? &tlsgv : NULL;
	for (size_t i = 0; tlsg && i < gl_gobin_elf(plain)->nsegs; i++) {
		const gl_elf_seg *sg = &gl_gobin_elf(plain)->segs[i];
		uint64_t al = sg->align ? sg->align : 1;
		if (sg->type == 7 /* PT_TLS */)
			want_tls = (int32_t)((int64_t)tlsg->addr - (int64_t)((sg->memsz + al - 1) / al * al));
	}
	CHECK_MSG(gl_recover_tls_g(r, &tls, &err) == 0 && tls == want_tls, "%s: tls_g %d, want %d (%s)", lb, tls,
		  want_tls, err.msg);
	printf("%s: runtime.g at %%fs:%d\n", lb, tls);

	/* The synthetic symtab for the loader lists both kinds. */
	gl_elf_sym *syms = NULL;
	size_t nsyms = 0;
	CHECK(gl_recover_host_syms(r, strip, &syms, &nsyms, &err) == 0 && nsyms == nf + st->recovered);
	free(syms);

	/* Figures: symtab data symbols, referenced from host code, recovered. */
	gl_strmap refs = {0};
	referenced(cfg, plain, &refs);
	size_t total = 0, ref = 0, got = 0, ref_missed = 0;
	for (size_t i = 0; i < pe->nsyms; i++) {
		const gl_elf_sym *s = &pe->syms[i];
		if (!is_data(s))
			continue;
		total++;
		uint64_t v;
		bool isref = gl_strmap_get(&refs, s->name, strlen(s->name), &v);
		const gl_recover_sym *rs = gl_recover_lookup(r, s->name, strlen(s->name));
		ref += isref;
		got += rs && !rs->conflict;
		if (isref && !(rs && !rs->conflict) && ++ref_missed <= 5)
			fprintf(stderr, "%s: referenced but not recovered: %s\n", lb, s->name);
	}
	free_keys(&refs);
	printf("%s: %zu functions, %zu matched (%zu mismatched, %zu without object), %zu sites (%zu text checked, %zu from data)\n",
	       lb, st->host_funcs, st->matched, st->byte_mismatch, st->no_def, st->sites, st->text_ok,
	       st->from_data);
	printf("%s: data symbols recovered %zu of %zu in .symtab (%zu referenced from code; %zu referenced ones missed), "
	       "%zu conflicts, %zu recovered names not in .symtab (%zu with content, equal at the address), %.3f s\n",
	       lb, got, total, ref, ref_missed, st->conflicts, absent, st->content_ok, st->seconds);
	CHECK_MSG(got * 100 >= ref * 95, "%s: recovered %zu of %zu referenced", lb, got, ref);
	CHECK(got > 0 && insym >= got);
	from_pclntab(tc, va, dir, lb, strip, plain, r);
out:
	gl_recover_close(r);
	gl_gobin_close(plain);
	gl_gobin_close(strip);
}

int main(void)
{
	const char *tmp = getenv("GOLOAD_TESTTMP");
	if (!tmp || !getenv("GOLOAD_SRC")) {
		fprintf(stderr, "GOLOAD_TESTTMP and GOLOAD_SRC must be set\n");
		return 1;
	}
	toolchain tc[16];
	int n = toolchains(tc, 16), ran = 0;
	for (int i = 0; i < n; i++) {
		/* The machine's Go and Debian's 1.23 (the loader's test matrix). */
		if (!tc[i].mine && tc[i].minor != 23 && !getenv("GOLOAD_GO_VERSIONS"))
			continue;
		for (size_t v = 0; v < GL_ARRAY_LEN(variants); v++)
			one(&tc[i], &variants[v], tmp);
		ran++;
	}
	CHECK_MSG(ran > 0, "no Go toolchain");
	return CHECK_DONE();
}
