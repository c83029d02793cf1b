/* goload fix / goload ps: hot-fix a running Go service from a source change.
 *
 * fix rebuilds the packages with the running binary's own build settings
 * (its build info), compares each function of the new objects with the
 * running binary's code modulo relocations (every relocated target named,
 * or compared by content), refuses what cannot be applied safely, and asks
 * the service's agent (package github.com/goload/goload/agent) to load
 * the changed functions and apply them in one transaction. See docs/fix.md. */
#define _GNU_SOURCE
#include "cmds.h"
#include "gobin/gobin.h"
#include "goobj/goobj.h"
#include "patch/inline.h"

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ the agent */

static void agent_path(int pid, char *buf, size_t n)
{
	const char *dir = getenv("GOLOAD_AGENT_DIR");
	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(buf, n, "%s/goload-agent.%d.sock", dir, pid);
}

/* Sends req to the agent at path; *resp gets the answer (malloc'd).
 * Returns 0 when the last line is "ok", 1 on "error ..." (printed), -1 when
 * the agent cannot be reached. */
static int agent_call(const char *path, const char *req, char **resp, const char *cmd)
{
	*resp = NULL;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (fd < 0 || strlen(path) >= sizeof sa.sun_path) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		if (cmd)
			fprintf(stderr, "goload %s: no agent at %s: %s (does the program call agent.Listen?)\n", cmd, path,
				strerror(errno));
		close(fd);
		return -1;
	}
	size_t n = strlen(req);
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, req + off, n - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	gl_buf b = {0};
	char tmp[4096];
	ssize_t r;
	while ((r = read(fd, tmp, sizeof tmp)) > 0)
		gl_buf_append(&b, tmp, (size_t)r);
	close(fd);
	gl_buf_u8(&b, 0);
	if (b.oom) {
		gl_buf_free(&b);
		return -1;
	}
	*resp = (char *)b.p;
	/* the last non-empty line */
	char *end = *resp + strlen(*resp);
	while (end > *resp && end[-1] == '\n')
		*--end = 0;
	char *last = strrchr(*resp, '\n');
	last = last ? last + 1 : *resp;
	if (!strcmp(last, "ok")) {
		*last = 0;
		return 0;
	}
	if (cmd)
		fprintf(stderr, "goload %s: %s\n", cmd, !strncmp(last, "error ", 6) ? last + 6 : "the agent closed the connection");
	*last = 0;
	return 1;
}

/* The value of line "key value" in an agent answer ("" when absent). */
static void resp_field(const char *resp, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key);
	out[0] = 0;
	for (const char *l = resp; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t ll = nl ? (size_t)(nl - l) : strlen(l);
		if (ll > kl && !strncmp(l, key, kl) && l[kl] == ' ') {
			snprintf(out, n, "%.*s", (int)(ll - kl - 1), l + kl + 1);
			return;
		}
		l = nl ? nl + 1 : NULL;
	}
}

int cmd_ps(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: goload ps\n  lists the Go processes running a goload agent: pid, executable, Go version, fixes applied\n");
		return 2;
	}
	char pat[4096];
	agent_path(0, pat, sizeof pat);
	char *star = strstr(pat, ".0.sock");
	if (!star)
		return 1;
	strcpy(star, ".*.sock");
	glob_t g;
	if (glob(pat, 0, NULL, &g) != 0) {
		printf("%-8s %-6s %-10s %s\n", "PID", "FIXES", "GO", "EXECUTABLE");
		return 0;
	}
	printf("%-8s %-6s %-10s %s\n", "PID", "FIXES", "GO", "EXECUTABLE");
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *p = g.gl_pathv[i], *d = strstr(p, "goload-agent.");
		int pid = d ? atoi(d + 13) : 0;
		if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
			continue; /* left by a process that is gone */
		char *resp;
		if (agent_call(p, "status\n", &resp, NULL) != 0) {
			free(resp);
			continue;
		}
		char exe[2048], gv[64], nf[32];
		resp_field(resp, "exe", exe, sizeof exe);
		resp_field(resp, "go", gv, sizeof gv);
		resp_field(resp, "fixes", nf, sizeof nf);
		printf("%-8d %-6s %-10s %s\n", pid, nf, gv, exe);
		free(resp);
	}
	globfree(&g);
	return 0;
}

/* ------------------------------------------------------ running the go command */

/* Runs argv with extra environment entries ("K=V"; "K=" unsets... sets
 * empty); stdout into *out, stderr into *errout (both malloc'd). Returns
 * the exit status, -1 when it could not run. */
static int run(char *const argv[], char *const env[], char **out, char **errout)
{
	int po[2], pe[2];
	*out = *errout = NULL;
	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	FILE *ef = tmpfile();
	if (!ef) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	(void)pe;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(fileno(ef), 2);
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	gl_buf b = {0};
	char tmp[8192];
	ssize_t r;
	while (pid > 0 && (r = read(po[0], tmp, sizeof tmp)) > 0)
		gl_buf_append(&b, tmp, (size_t)r);
	close(po[0]);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		fclose(ef);
		gl_buf_free(&b);
		return -1;
	}
	gl_buf_u8(&b, 0);
	*out = (char *)b.p;
	gl_buf e = {0};
	rewind(ef);
	size_t k;
	while ((k = fread(tmp, 1, sizeof tmp, ef)) > 0)
		gl_buf_append(&e, tmp, k);
	gl_buf_u8(&e, 0);
	fclose(ef);
	*errout = (char *)e.p;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ------------------------------------------------------------- the diff */

typedef struct hostsym {
	uint64_t addr;
	const char *name;
} hostsym;

typedef struct pkginfo {
	char *path, *name, *archive, *prefix; /* prefix: symbol prefix ("main" for package main) */
	bool target;                          /* named on the command line (not only a dependency) */
	bool inhost;
} pkginfo;

typedef struct fixer {
	const char *cmd;
	gl_gobin *g;
	GL_VEC(hostsym) byaddr; /* .symtab, sorted */
	gl_goobj_deps *deps;
	gl_patch_inl_index *inl;
	gl_strmap hostpkgs;     /* symbol prefixes of the host's functions */
	GL_VEC(pkginfo) pkgs;
	GL_VEC(char *) changed; /* function names */
	GL_VEC(char *) fresh;   /* functions the host lacks */
	gl_strmap rebuilt;      /* prefixes of the rebuilt packages */
	gl_strmap layouts;      /* types refused for their layout */
	GL_VEC(hostsym) pending; /* variables' addresses seen in the function being compared */
	GL_VEC(hostsym) vars;    /* ... in the unchanged functions: sent to the agent */
	gl_buf refusals;
	size_t nrefused, ncompared;
	bool verbose;
	int depth; /* of same_data */
} fixer;

static int cmp_hostsym(const void *a, const void *b)
{
	const hostsym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static const char *data_name_at(fixer *f, uint64_t addr)
{
	size_t lo = 0, hi = f->byaddr.len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->byaddr.v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->byaddr.len && f->byaddr.v[lo].addr == addr ? f->byaddr.v[lo].name : NULL;
}

static void refuse(fixer *f, const char *fmt, ...) GL_PRINTF(2, 3);
static void refuse(fixer *f, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	gl_buf_printf(&f->refusals, "  %s\n", msg);
	f->nrefused++;
}

/* A host name equals an object name: the host's .symtab spells ABI0
 * symbols "name.abi0". */
static bool same_name(const char *host, const char *obj, size_t n)
{
	size_t hl = strlen(host);
	if (hl == n + 5 && !strcmp(host + n, ".abi0"))
		hl = n;
	return hl == n && !memcmp(host, obj, n);
}

/* Whether a relocation target is a package-level variable (named, not
 * content-addressed, not a type or linker-made symbol). */
static bool name_is_var(const gl_goobj *o, gl_goobj_ref ref, const gl_goobj_symname *nm)
{
	if ((nm->namelen > 5 && !memcmp(nm->name, "type:", 5)) || (nm->namelen > 3 && !memcmp(nm->name, "go:", 3)) ||
	    memchr(nm->name, '.', nm->namelen) == NULL)
		return false;
	for (uint32_t k = 0; k + 7 <= nm->namelen; k++)
		if (!memcmp(nm->name + k, "..stmp_", 7))
			return false;
	uint32_t local;
	size_t hl;
	if (gl_goobj_ref_local(o, ref, &local) && local < gl_goobj_ndefs(o)) {
		gl_goobj_sym s = gl_goobj_sym_at(o, local);
		return !gl_goobj_hash(o, local, &hl) && s.abi <= 1 &&
		       (s.kind == GL_SK_DATA || s.kind == GL_SK_NOPTRDATA || s.kind == GL_SK_BSS || s.kind == GL_SK_NOPTRBSS);
	}
	return true; /* another package's: decided by the link */
}

static bool is_pcrel(int t) { return t == GL_R_CALL || t == GL_R_PCREL || t == GL_R_GOTPCREL; }

static bool same_target(fixer *f, const gl_goobj *o, const gl_goobj_reloc *r, uint64_t site, char *why, size_t wn,
			bool types_only);

/* Whether the host's bytes at addr hold definition i of object o: equal
 * outside its relocations, each relocation reaching the same target. */
static bool same_data(fixer *f, const gl_goobj *o, uint32_t i, uint64_t addr, char *why, size_t wn)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	gl_span d = gl_goobj_data(o, i);
	const uint8_t *hp = s.size ? gl_gobin_va(f->g, addr, s.size) : (const uint8_t *)"";
	if (!hp)
		return false;
	uint8_t *mask = calloc(s.size ? s.size : 1, 1);
	if (!mask)
		return false;
	uint32_t first, nr = gl_goobj_relocs(o, i, &first);
	bool same = true;
	for (uint32_t j = 0; same && j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > s.size)
			continue;
		memset(mask + r.off, 1, r.siz);
		same = same_target(f, o, &r, addr + (uint64_t)r.off, why, wn, false);
	}
	for (uint32_t k = 0; same && k < s.size; k++)
		if (!mask[k] && (k < d.n ? d.p[k] : 0) != hp[k])
			same = false;
	free(mask);
	return same;
}

/* Whether relocation r of object o, at host address site (holding the
 * linked value), reaches the same target: by name, or for content-
 * addressed data (string literals, constants) by its bytes. why gets the
 * difference. */
static bool same_target(fixer *f, const gl_goobj *o, const gl_goobj_reloc *r, uint64_t site, char *why, size_t wn,
			bool types_only)
{
	uint64_t target;
	const uint8_t *p = gl_gobin_va(f->g, site, r->siz);
	if (!p)
		return false;
	if (is_pcrel(r->type) && r->siz == 4) {
		int32_t d;
		memcpy(&d, p, 4);
		if (r->type == GL_R_GOTPCREL) {
			const uint8_t *op = gl_gobin_va(f->g, site - 2, 1);
			if (!op || *op != 0x8d)
				return true; /* through a GOT slot: not decoded, masked */
		}
		target = site + 4 + (uint64_t)(int64_t)d - (uint64_t)r->add;
	} else if (r->type == GL_R_ADDR && r->siz == 8) {
		memcpy(&target, p, 8);
		target -= (uint64_t)r->add;
	} else
		return true; /* TLS offsets, markers: masked */
	gl_goobj_symname nm;
	goload_err e = {0};
	gl_goobj_resolver res = gl_goobj_deps_resolver(f->deps);
	if (gl_goobj_ref_name(o, r->sym, &res, &nm, &e) < 0) {
		snprintf(why, wn, "a relocation target cannot be named: %s", e.msg);
		return false;
	}
	bool is_type = nm.namelen > 5 && !memcmp(nm.name, "type:", 5);
	if (types_only && !is_type)
		return true;
	uint32_t local;
	/* A type of the rebuilt package: the running program's descriptor
	 * keeps its layout (size, pointer bytes), so it must not change. */
	if (nm.namelen > 5 && !memcmp(nm.name, "type:", 5) && gl_goobj_ref_local(o, r->sym, &local) &&
	    local < gl_goobj_ndefs(o)) {
		gl_span d = gl_goobj_data(o, local);
		const uint8_t *hp = gl_gobin_va(f->g, target, 16);
		uint64_t ms[2], hs[2];
		if (d.n >= 16 && hp) {
			memcpy(ms, d.p, 16);
			memcpy(hs, hp, 16);
			if (ms[0] != hs[0] || ms[1] != hs[1]) {
				char key[1100];
				snprintf(key, sizeof key, "%.*s", (int)nm.namelen, nm.name);
				if (!gl_strmap_get(&f->layouts, key, strlen(key), NULL)) {
					bool existed;
					gl_strmap_add(&f->layouts, strdup(key), strlen(key), 1, &existed);
					refuse(f, "%s: changed layout of an existing type: %" PRIu64 " bytes (%" PRIu64
						  " with pointers), the running program's %" PRIu64 " (%" PRIu64 ")",
					       key + 5, ms[0], ms[1], hs[0], hs[1]);
				}
			}
		}
		return true;
	}
	/* Data private to the object (content-addressed: string literals,
	 * constants; static temporaries such as a string boxed for an
	 * interface) is compared by content, its own relocations followed. */
	if (gl_goobj_ref_local(o, r->sym, &local) && local < gl_goobj_ndefs(o)) {
		gl_goobj_sym s = gl_goobj_sym_at(o, local);
		size_t hl;
		bool priv = gl_goobj_hash(o, local, &hl) || s.abi == GL_GOOBJ_ABI_STATIC;
		for (uint32_t k = 0; !priv && k + 7 <= nm.namelen; k++)
			priv = !memcmp(nm.name + k, "..stmp_", 7);
		if (priv && s.kind != GL_SK_TEXT && f->depth < 4) {
			f->depth++;
			bool same = same_data(f, o, local, target, why, wn);
			f->depth--;
			if (!same && !why[0])
				snprintf(why, wn, "the data %.*s differs", (int)(nm.namelen > 60 ? 60 : nm.namelen), nm.name);
			return same;
		}
	}
	gl_gobin_func fn;
	goload_err fe = {0};
	const char *hname = NULL;
	if (gl_gobin_func_for_pc(f->g, target, &fn, &fe) == 0 && fn.entry == target)
		hname = fn.name;
	if (!hname)
		hname = data_name_at(f, target);
	bool var = !hname && nm.namelen && name_is_var(o, r->sym, &nm);
	if (var) {
		/* A stripped host's variable: its address, if the function is
		 * unchanged, tells the agent where the running one is. */
		char *c = strndup(nm.name, nm.namelen);
		hostsym hv = {target, c};
		if (c && !GL_VEC_PUSH(&f->pending, hv))
			free(c);
	}
	if (!hname) {
		/* A target the host does not name: a stripped host's data, or a
		 * section symbol's interior (go:string.*). Not decided here. */
		return true;
	}
	if (!same_name(hname, nm.name, nm.namelen)) {
		/* Calls into the middle of duff's devices and such name the
		 * function containing the target. */
		snprintf(why, wn, "it references %.*s where the running code references %s", (int)nm.namelen, nm.name, hname);
		return false;
	}
	return true;
}

/* Whether name (of package prefix pre) is an init function or one of its
 * closures: pkg.init, pkg.init.N, pkg.init.func1, pkg.init.N.func1. */
static bool is_init(const char *name, size_t n, size_t pl)
{
	return n >= pl + 5 && !memcmp(name + pl, ".init", 5) && (n == pl + 5 || name[pl + 5] == '.');
}

static bool is_runtime_pkg(const char *pre)
{
	return !strcmp(pre, "runtime") || !strncmp(pre, "runtime/internal/", 17) || !strncmp(pre, "internal/runtime/", 17);
}

/* Compares function i of object o (package pk) with the host's. */
static int diff_func(fixer *f, const pkginfo *pk, const gl_goobj *o, uint32_t i)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	char name[1024];
	if (s.namelen + 6 >= sizeof name)
		return 0;
	memcpy(name, s.name, s.namelen);
	name[s.namelen] = 0;
	const gl_gobin_sym *hs = NULL;
	if (s.abi == 0) {
		char n0[1040];
		snprintf(n0, sizeof n0, "%s.abi0", name);
		hs = gl_gobin_sym_lookup(f->g, n0, strlen(n0));
	}
	if (!hs)
		hs = gl_gobin_sym_lookup(f->g, name, s.namelen);
	if (!hs || (hs->kind != 'T' && hs->kind != 't')) {
		/* a user's init, pkg.init.N (pkg.init, of the variables'
		 * initializers, may be missing from an unchanged host: Go 1.21's
		 * linker drops it when the inittask does not need it) */
		const char *tail = name + strlen(pk->prefix) + 5;
		if (is_init(name, s.namelen, strlen(pk->prefix)) && *tail && tail[1] &&
		    strspn(tail + 1, "0123456789") == strlen(tail + 1))
			refuse(f, "%s: a new package initializer (init) would not run in the running program: restart to apply it",
			       name);
		char *c = strdup(name);
		if (c && !GL_VEC_PUSH(&f->fresh, c))
			free(c);
		return 0;
	}
	f->ncompared++;
	gl_gobin_func hf;
	goload_err e = {0};
	if (gl_gobin_func_for_pc(f->g, hs->addr, &hf, &e) < 0 || hf.entry != hs->addr)
		return 0;
	/* Callers outside the rebuilt packages still pass the old arguments. */
	gl_goobj_funcinfo fi;
	if (gl_goobj_funcinfo_get(o, i, &fi, &e) == 0 && (int32_t)fi.args != hf.args)
		refuse(f, "%s: changed signature: it takes %u bytes of arguments and results, the running one %d", name, fi.args,
		       hf.args);
	gl_span d = gl_goobj_data(o, i);
	uint64_t hsize = hs->source == GL_SYMSRC_SYMTAB && hs->size ? hs->size : hf.end - hf.entry;
	const uint8_t *hp = gl_gobin_va(f->g, hs->addr, hsize);
	char why[1200] = "";
	bool same = hp && d.n <= hsize;
	if (!same && hp)
		snprintf(why, sizeof why, "%zu bytes of code, were %" PRIu64, (size_t)d.n, hsize);
	/* past the object's bytes, the host has only alignment padding */
	for (uint64_t k = d.n; same && k < hsize; k++)
		if (hp[k] != 0xcc) {
			same = false;
			snprintf(why, sizeof why, "%zu bytes of code, were more", (size_t)d.n);
		}
	/* Relocated bytes are masked; the first other byte that differs ends
	 * the prefix both codes share (where relocation sites still match). */
	uint8_t *mask = hp ? calloc(d.n ? d.n : 1, 1) : NULL;
	if (hp && !mask)
		return gl_err(&e, GOLOAD_E_NOMEM, "out of memory");
	uint32_t first, nr = mask ? gl_goobj_relocs(o, i, &first) : 0;
	for (uint32_t j = 0; j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > d.n)
			continue;
		memset(mask + r.off, 1, r.siz);
		if (r.type == GL_R_GOTPCREL && r.off >= 2)
			mask[r.off - 2] = 1; /* MOVQ may be relaxed to LEAQ by the linker */
		if (r.type == GL_R_TLS_IE && r.off >= 3)
			memset(mask + r.off - 3, 1, 3); /* relaxed to the local-exec form */
	}
	uint64_t shared = mask ? (d.n < hsize ? d.n : hsize) : 0;
	for (uint64_t k = 0; k < shared; k++)
		if (!mask[k] && d.p[k] != hp[k]) {
			if (same)
				snprintf(why, sizeof why, "code differs at +%#" PRIx64, k);
			same = false;
			shared = k;
		}
	/* Every target named in the shared prefix; the variables' addresses
	 * found there are the running ones (a stripped host names none).
	 * Past it the host's bytes hold other instructions: the agent's link
	 * checks the types referenced there against the host's. */
	for (uint32_t j = 0; j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > shared)
			continue;
		if (!same_target(f, o, &r, hs->addr + (uint64_t)r.off, why, sizeof why, false)) {
			same = false;
			break;
		}
	}
	free(mask);
	for (size_t k = 0; k < f->pending.len; k++)
		if (!GL_VEC_PUSH(&f->vars, f->pending.v[k]))
			free((char *)f->pending.v[k].name);
	f->pending.len = 0;
	if (same)
		return 0;
	if (f->verbose)
		fprintf(stderr, "goload %s: %s changed: %s\n", f->cmd, name, why);
	size_t pl = strlen(pk->prefix);
	if (is_runtime_pkg(pk->path))
		refuse(f, "%s: a change inside the runtime (%s) cannot be applied to a running program", name, why);
	else if (is_init(name, s.namelen, pl))
		refuse(f, "%s: a changed package initializer (init) already ran: restart to apply it (%s)", name, why);
	char *c = strdup(name);
	if (c && !GL_VEC_PUSH(&f->changed, c))
		free(c);
	return 0;
}

/* A variable or type of the package compared with the host's: size, and
 * for a variable with static data, its initial value. */
static void diff_data(fixer *f, const gl_goobj *o, uint32_t i)
{
	gl_goobj_sym s = gl_goobj_sym_at(o, i);
	size_t hl;
	if (!s.namelen || s.abi > 1 || gl_goobj_hash(o, i, &hl))
		return;
	char name[1024];
	if (s.namelen >= sizeof name)
		return;
	memcpy(name, s.name, s.namelen);
	name[s.namelen] = 0;
	const gl_gobin_sym *hs = gl_gobin_sym_lookup(f->g, name, s.namelen);
	if (!hs || hs->source == GL_SYMSRC_PCLNTAB)
		return; /* new, dropped by the host's linker, or a stripped host */
	bool type = s.namelen > 5 && !memcmp(name, "type:", 5);
	gl_span d = gl_goobj_data(o, i);
	if (type) {
		gl_gobin_type t;
		goload_err e = {0};
		uint64_t sz, pd;
		if (d.n < 16 || gl_gobin_type_at(f->g, hs->addr, &t, &e) < 0)
			return;
		memcpy(&sz, d.p, 8);
		memcpy(&pd, d.p + 8, 8);
		if (sz != t.size || pd != t.ptrdata)
			refuse(f, "%s: changed layout of an existing type: %" PRIu64 " bytes (%" PRIu64 " with pointers), the running one %" PRIu64
				  " (%" PRIu64 ")",
			       name + 5, sz, pd, t.size, t.ptrdata);
		return;
	}
	if (hs->size && hs->size != s.size) {
		refuse(f, "%s: a package-level variable of %u bytes, the running one has %" PRIu64 ": changed type", name, s.size,
		       hs->size);
		return;
	}
	bool odata = s.kind == GL_SK_DATA || s.kind == GL_SK_NOPTRDATA;
	bool hdata = hs->kind == 'D' || hs->kind == 'd';
	if (!odata && !hdata)
		return;
	/* The executable's bytes are the variable's initial value. */
	const uint8_t *hp = hdata ? gl_gobin_va(f->g, hs->addr, s.size) : NULL;
	bool same = odata == hdata && hp;
	uint32_t first, nr = same ? gl_goobj_relocs(o, i, &first) : 0;
	uint8_t *mask = calloc(s.size ? s.size : 1, 1);
	char why[1200] = "";
	for (uint32_t j = 0; same && mask && j < nr; j++) {
		gl_goobj_reloc r = gl_goobj_reloc_at(o, first + j);
		if (r.siz == 0 || r.off < 0 || (uint64_t)r.off + r.siz > s.size)
			continue;
		memset(mask + r.off, 1, r.siz);
		if (!same_target(f, o, &r, hs->addr + (uint64_t)r.off, why, sizeof why, false))
			same = false;
	}
	for (size_t k = 0; same && mask && k < s.size; k++)
		if (!mask[k] && (k < d.n ? d.p[k] : 0) != hp[k])
			same = false;
	free(mask);
	if (!same)
		refuse(f, "%s: changed initializer of an existing package-level variable (the running program's value is kept; restart to apply it)",
		       name);
}

static int diff_package(fixer *f, const pkginfo *pk)
{
	gl_goobj_archive *ar;
	goload_err e = {0};
	if (gl_goobj_archive_open_path(pk->archive, &ar, &e) < 0)
		return cmd_fail(f->cmd, &e);
	size_t pl = strlen(pk->prefix);
	for (size_t m = 0; m < gl_goobj_archive_nmembers(ar); m++) {
		if (gl_goobj_archive_member(ar, m)->kind != GL_GOOBJ_M_GO)
			continue;
		gl_goobj *o;
		if (gl_goobj_archive_open_member(ar, m, &o, &e) < 0) {
			gl_goobj_archive_close(ar);
			return cmd_fail(f->cmd, &e);
		}
		uint32_t nd = gl_goobj_ndefs(o);
		for (uint32_t i = 0; i < nd; i++) {
			gl_goobj_sym s = gl_goobj_sym_at(o, i);
			/* the package's own symbols: "prefix.X" (and type:prefix.X) */
			const char *nm = s.name;
			size_t n = s.namelen;
			if (n > 5 && !memcmp(nm, "type:", 5)) {
				nm += 5;
				n -= 5;
			}
			if (n <= pl || memcmp(nm, pk->prefix, pl) || nm[pl] != '.')
				continue;
			if (s.kind == GL_SK_TEXT) {
				if (s.abi <= 1 && !(s.flags & GL_SF_DUPOK) && diff_func(f, pk, o, i) < 0)
					break;
			} else if (s.kind == GL_SK_DATA || s.kind == GL_SK_NOPTRDATA || s.kind == GL_SK_BSS || s.kind == GL_SK_NOPTRBSS ||
				   (nm != s.name && s.kind == GL_SK_RODATA))
				diff_data(f, o, i);
		}
		gl_goobj_close(o);
	}
	gl_goobj_archive_close(ar);
	return 0;
}

/* A function changed, or one the host lacks out of line (dropped by its
 * linker, or new), inlined into a function of a package that was not
 * rebuilt: that caller still runs the old copy. */
static void check_inlined(fixer *f, const char *name)
{
	gl_buf b = {0};
	size_t n = 0;
	goload_err e = {0};
	int rc = gl_patch_inl_index_callers(f->inl, f->g, name, &b, &n, &e);
	if (f->verbose)
		fprintf(stderr, "goload %s: %s: %zu inlined copies%s%s\n", f->cmd, name, n, rc < 0 ? ": " : "", rc < 0 ? e.msg : "");
	if (rc < 0 || !n) {
		gl_buf_free(&b);
		return;
	}
	/* "F (file:line), G (file:line)" */
	for (char *c = (char *)b.p; c && *c;) {
		char *next = strstr(c, "), ");
		if (next) {
			next[1] = 0;
			next += 3;
		}
		char *paren = strstr(c, " (");
		size_t cl = paren ? (size_t)(paren - c) : strlen(c);
		char pkg[1024];
		char cn[1024];
		snprintf(cn, sizeof cn, "%.*s", (int)cl, c);
		size_t pkl = gl_gobin_func_pkg(cn, pkg, sizeof pkg);
		uint64_t v;
		if (!pkl || !gl_strmap_get(&f->rebuilt, pkg, strlen(pkg), &v))
			refuse(f, "%s is inlined into %s, of package %s, which was not rebuilt: add it to PACKAGES", name, c,
			       pkl ? pkg : "?");
		c = next;
	}
	gl_buf_free(&b);
}

/* ------------------------------------------------------------ --watch */

static struct timespec watch_latest;
static size_t watch_files;

static int watch_visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	size_t n = strlen(path);
	if (type == FTW_D && n > 2 && strrchr(path, '/')[1] == '.')
		return FTW_SKIP_SUBTREE; /* .git and the like */
	if (type != FTW_F || n < 3 || strcmp(path + n - 3, ".go"))
		return FTW_CONTINUE;
	watch_files++;
	if (st->st_mtim.tv_sec > watch_latest.tv_sec ||
	    (st->st_mtim.tv_sec == watch_latest.tv_sec && st->st_mtim.tv_nsec > watch_latest.tv_nsec))
		watch_latest = st->st_mtim;
	return FTW_CONTINUE;
}

/* The newest modification time of the .go files under the current folder. */
static struct timespec watch_scan(void)
{
	watch_latest = (struct timespec){0};
	watch_files = 0;
	nftw(".", watch_visit, 32, FTW_PHYS | FTW_ACTIONRETVAL);
	return watch_latest;
}

/* --watch: every saved change of a .go file runs the fix again (this
 * command without --watch), until interrupted. */
static int fix_watch(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 2, sizeof *args);
	int na = 0;
	args[na++] = "/proc/self/exe";
	args[na++] = "fix";
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--watch"))
			args[na++] = argv[i];
	args[na] = NULL;
	struct timespec last = watch_scan();
	fprintf(stderr, "goload fix: watching %zu .go files; every saved change is fixed live (Ctrl-C stops)\n", watch_files);
	for (;;) {
		struct timespec ts = {0, 300 * 1000 * 1000};
		nanosleep(&ts, NULL);
		struct timespec now = watch_scan();
		if (now.tv_sec == last.tv_sec && now.tv_nsec == last.tv_nsec)
			continue;
		last = now;
		pid_t pid = fork();
		if (pid == 0) {
			execv(args[0], args);
			_exit(127);
		}
		int st;
		if (pid > 0)
			waitpid(pid, &st, 0);
		fflush(stdout);
	}
}

/* ------------------------------------------------------------ the command */

static int fix_usage(void)
{
	fprintf(stderr,
		"usage: goload fix -p PID [-v] [-n] [PACKAGES]\n"
		"       goload fix -p PID --list\n"
		"       goload fix -p PID --revert [ID]\n"
		"       goload fix -p PID --watch [PACKAGES]\n"
		"  Rebuilds PACKAGES (default ./...) with the running program's build settings, compares every\n"
		"  function with the running code and applies the changed ones in one transaction through the\n"
		"  program's agent (github.com/goload/goload/agent). -n: print the plan only; --watch: fix again on\n"
		"  every saved change of a .go file under the current folder. See docs/fix.md.\n");
	return 2;
}

/* Appends "-flag=value" build flags and env entries from the host's build info. */
static void build_settings(gl_gobin *g, char **args, size_t *na, char **env, size_t *ne)
{
	static const char *flags[] = {"-buildmode", "-compiler", "-gcflags", "-asmflags", "-tags", "-pgo"};
	static const char *bools[] = {"-trimpath", "-race", "-msan", "-asan"};
	static const char *envs[] = {"CGO_ENABLED", "GOARCH", "GOOS", "GOAMD64", "GOEXPERIMENT", "GOARM64"};
	char b[4096];
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		const char *v = gl_gobin_build_setting(g, flags[i]);
		if (v && *v) {
			snprintf(b, sizeof b, "%s=%s", flags[i], v);
			args[(*na)++] = strdup(b);
		}
	}
	for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
		const char *v = gl_gobin_build_setting(g, bools[i]);
		if (v && !strcmp(v, "true"))
			args[(*na)++] = strdup(bools[i]);
	}
	for (size_t i = 0; i < sizeof envs / sizeof envs[0]; i++) {
		const char *v = gl_gobin_build_setting(g, envs[i]);
		snprintf(b, sizeof b, "%s=%s", envs[i], v ? v : "");
		if (v || !strcmp(envs[i], "GOEXPERIMENT"))
			env[(*ne)++] = strdup(b);
	}
	env[(*ne)++] = strdup("GOTOOLCHAIN=local");
}

static char *go_cmd(void)
{
	const char *g = getenv("GOLOAD_GO");
	return strdup(g && *g ? g : "go");
}

int cmd_fix(int argc, char **argv)
{
	int pid = 0;
	bool list = false, revert = false, verbose = false, dry = false, watch = false;
	const char *revert_id = NULL;
	char *pkgs[256];
	size_t npkgs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-p") && i + 1 < argc)
			pid = atoi(argv[++i]);
		else if (!strncmp(a, "-p=", 3))
			pid = atoi(a + 3);
		else if (!strcmp(a, "--list"))
			list = true;
		else if (!strcmp(a, "--revert")) {
			revert = true;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
				revert_id = argv[++i];
		} else if (!strcmp(a, "-v"))
			verbose = true;
		else if (!strcmp(a, "-n"))
			dry = true;
		else if (!strcmp(a, "--watch"))
			watch = true;
		else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return fix_usage(), 0;
		else if (a[0] == '-')
			return fix_usage();
		else if (npkgs < sizeof pkgs / sizeof pkgs[0] - 1)
			pkgs[npkgs++] = argv[i];
	}
	if (pid <= 0)
		return fix_usage();
	if (watch)
		return fix_watch(argc, argv);
	char sock[4096];
	agent_path(pid, sock, sizeof sock);
	char *resp = NULL;
	if (list) {
		int rc = agent_call(sock, "list\n", &resp, "fix");
		if (rc == 0) {
			printf("%-4s %-9s %-21s %s\n", "ID", "STATE", "APPLIED", "FUNCTIONS");
			for (char *l = resp; l && *l;) {
				char *nl = strchr(l, '\n');
				if (nl)
					*nl = 0;
				int id;
				char when[64], state[32];
				int off = 0;
				if (sscanf(l, "fix %d %63s %31s %n", &id, when, state, &off) == 3 && off)
					printf("%-4d %-9s %-21s %s\n", id, state, when, l + off);
				l = nl ? nl + 1 : NULL;
			}
		}
		free(resp);
		return rc == 0 ? 0 : 1;
	}
	if (revert) {
		char req[64];
		snprintf(req, sizeof req, "revert %s\n", revert_id ? revert_id : "");
		int rc = agent_call(sock, req, &resp, "fix");
		if (rc == 0)
			fputs(resp, stdout);
		free(resp);
		return rc == 0 ? 0 : 1;
	}

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fixer f = {.cmd = "fix", .verbose = verbose};
	goload_err e = {0};
	char exe[64];
	snprintf(exe, sizeof exe, "/proc/%d/exe", pid);
	if (gl_gobin_open_path(exe, &f.g, &e) < 0)
		return cmd_fail("fix", &e);
	const gl_gobin_buildinfo *bi = gl_gobin_get_buildinfo(f.g);
	/* data symbols by address, to name relocation targets (.symtab only) */
	for (size_t i = 0, n = gl_gobin_nsyms(f.g); i < n; i++) {
		const gl_gobin_sym *s = gl_gobin_sym_at(f.g, i);
		if (s->source != GL_SYMSRC_SYMTAB || s->kind == 'U' || s->kind == 'T' || s->kind == 't')
			continue;
		hostsym h = {s->addr, s->name};
		if (!GL_VEC_PUSH(&f.byaddr, h))
			return 1;
	}
	if (f.byaddr.len)
		qsort(f.byaddr.v, f.byaddr.len, sizeof f.byaddr.v[0], cmp_hostsym);
	if (!bi || !bi->go_version || !*bi->go_version) {
		fprintf(stderr, "goload fix: process %d's executable has no build info: its build settings are unknown\n", pid);
		return 1;
	}
	/* The toolchain must be the one that built the program: objects of
	 * another compiler cannot be compared with its code. */
	char *gocmd = go_cmd();
	char *venv[] = {"GOTOOLCHAIN=local", NULL};
	char *vargs[] = {gocmd, "env", "GOVERSION", NULL};
	char *out, *errout;
	int st = run(vargs, venv, &out, &errout);
	if (st != 0) {
		fprintf(stderr, "goload fix: %s env GOVERSION failed: %s\n", gocmd, errout ? errout : "could not run it");
		return 1;
	}
	out[strcspn(out, "\n")] = 0;
	if (strcmp(out, bi->go_version)) {
		fprintf(stderr,
			"goload fix: process %d was built by %s, the go command (%s) is %s: objects of another compiler cannot be "
			"compared with its code; put %s first on PATH or set GOLOAD_GO\n",
			pid, bi->go_version, gocmd, out, bi->go_version);
		return 1;
	}
	free(out);
	free(errout);

	/* go list -export -deps with the program's build settings */
	char *args[64 + 256];
	char *env[16];
	size_t na = 0, ne = 0;
	args[na++] = gocmd;
	args[na++] = "list";
	args[na++] = "-export";
	args[na++] = "-deps";
	args[na++] = "-f";
	args[na++] = "{{.ImportPath}}\t{{.Name}}\t{{.Export}}\t{{.DepOnly}}";
	build_settings(f.g, args, &na, env, &ne);
	if (!npkgs)
		args[na++] = "./...";
	for (size_t i = 0; i < npkgs; i++)
		args[na++] = pkgs[i];
	args[na] = NULL;
	env[ne] = NULL;
	if (verbose) {
		fprintf(stderr, "goload fix:");
		for (size_t i = 0; i < ne; i++)
			fprintf(stderr, " %s", env[i]);
		for (size_t i = 0; i < na; i++)
			fprintf(stderr, " %s", args[i]);
		fputc('\n', stderr);
	}
	st = run(args, env, &out, &errout);
	if (st != 0) {
		fprintf(stderr, "goload fix: building the packages failed:\n%s", errout ? errout : "");
		return 1;
	}
	free(errout);
	/* the host's packages, by function name prefix */
	size_t nf = gl_gobin_nfuncs(f.g);
	for (size_t i = 0; i < nf; i++) {
		gl_gobin_func fn;
		char pkg[1024];
		if (gl_gobin_func_at(f.g, i, &fn, &e) < 0)
			continue;
		size_t n = gl_gobin_func_pkg(fn.name, pkg, sizeof pkg);
		bool existed;
		if (n && !gl_strmap_get(&f.hostpkgs, pkg, n, NULL)) {
			char *k = strdup(pkg);
			gl_strmap_add(&f.hostpkgs, k, n, 1, &existed);
		}
	}
	if (gl_goobj_deps_new(&f.deps, &e) < 0)
		return cmd_fail("fix", &e);
	const char *mainpath = bi->path ? bi->path : "";
	for (char *l = out; l && *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = 0;
		char *fld[4] = {0};
		char *p = l;
		for (int k = 0; k < 4 && p; k++) {
			fld[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = 0;
		}
		l = nl ? nl + 1 : NULL;
		if (!fld[3] || !*fld[2])
			continue;
		pkginfo pk = {.path = fld[0], .name = fld[1], .archive = fld[2], .target = !strcmp(fld[3], "false")};
		bool ismain = !strcmp(pk.name, "main");
		pk.prefix = ismain ? "main" : pk.path;
		if (ismain && strcmp(pk.path, mainpath))
			continue; /* another program's main package */
		pk.inhost = gl_strmap_get(&f.hostpkgs, pk.prefix, strlen(pk.prefix), NULL);
		if (!ismain)
			gl_goobj_deps_add(f.deps, pk.path, strlen(pk.path), pk.archive, &e);
		if (!GL_VEC_PUSH(&f.pkgs, pk))
			return 1;
	}
	if (gl_patch_inl_index_build(f.g, &f.inl, &e) < 0)
		return cmd_fail("fix", &e);
	/* A package the host has no function of may still be in it, inlined
	 * everywhere: every package named is compared. */
	for (size_t i = 0; i < f.pkgs.len; i++) {
		pkginfo *pk = &f.pkgs.v[i];
		bool existed;
		if (pk->target)
			gl_strmap_add(&f.rebuilt, pk->prefix, strlen(pk->prefix), 1, &existed);
	}
	for (size_t i = 0; i < f.pkgs.len; i++) {
		pkginfo *pk = &f.pkgs.v[i];
		if (pk->target && diff_package(&f, pk) != 0)
			return 1;
	}
	for (size_t i = 0; i < f.changed.len; i++)
		check_inlined(&f, f.changed.v[i]);
	for (size_t i = 0; i < f.fresh.len; i++)
		check_inlined(&f, f.fresh.v[i]);
	if (f.nrefused) {
		gl_buf_u8(&f.refusals, 0);
		fprintf(stderr, "goload fix: refused, the program is left untouched:\n%s", (char *)f.refusals.p);
		return 1;
	}
	if (!f.changed.len) {
		if (!f.ncompared)
			printf("no function changed: none of the packages' functions is in process %d's program\n", pid);
		else
			printf("no function changed (%zu compared)\n", f.ncompared);
		return 0;
	}
	/* the request: every package of the host the build listed (their
	 * archives answer what the host's linker dropped), the changed functions */
	gl_buf req = {0};
	gl_buf_printf(&req, "fix\n");
	for (size_t i = 0; i < f.pkgs.len; i++)
		if (f.pkgs.v[i].inhost || f.pkgs.v[i].target)
			gl_buf_printf(&req, "pkg %s %s\n", f.pkgs.v[i].prefix, f.pkgs.v[i].archive);
	for (size_t i = 0; i < f.vars.len; i++)
		gl_buf_printf(&req, "var %s %#" PRIx64 "\n", f.vars.v[i].name, f.vars.v[i].addr);
	for (size_t i = 0; i < f.changed.len; i++) {
		gl_buf_printf(&req, "func %s\n", f.changed.v[i]);
		if (dry)
			printf("changed %s\n", f.changed.v[i]);
	}
	gl_buf_printf(&req, "end\n");
	gl_buf_u8(&req, 0);
	if (dry)
		return 0;
	int rc = agent_call(sock, (const char *)req.p, &resp, "fix");
	if (rc != 0) {
		free(resp);
		return 1;
	}
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	char id[32], pause[32];
	resp_field(resp, "id", id, sizeof id);
	resp_field(resp, "pause_us", pause, sizeof pause);
	size_t np = 0;
	for (char *l = resp; l && *l;) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = 0;
		if (!strncmp(l, "patched ", 8)) {
			printf("%s\n", l);
			np++;
		}
		l = nl ? nl + 1 : NULL;
	}
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("fix %s applied: %zu function(s), stop pause %s µs, %.0f ms from command to live\n", id, np, pause, ms);
	free(resp);
	return 0;
}
