/* goload fix / goload ps: hot-fix a running Go service from a source change.
 *
 * fix rebuilds the packages with the running binary's own build settings
 * (its build info), compares each function of the new objects with the
 * running binary's code modulo relocations (every relocated target named,
 * or compared by content), refuses what cannot be applied safely, and asks
 * the service's agent (package github.com/goload/goload/agent) to load
 * the changed functions and apply them in one transaction. See docs/fix.md. */
#define _GNU_SOURCE
#include "fix.h"

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

/* The command run() is waiting for (a signal handler forwards to it). */
volatile pid_t fix_child;

/* Runs argv in dir (NULL: the current folder) with extra environment
 * entries ("K=V"; "K=" sets empty); stdout into *out, stderr into *errout
 * (both malloc'd). Returns the exit status, -1 when it could not run. */
int fix_run(char *const argv[], char *const env[], const char *dir, char **out, char **errout)
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
		if (dir && (chdir(dir) < 0 || setenv("PWD", dir, 1) < 0)) {
			fprintf(stderr, "%s: %s\n", dir, strerror(errno));
			_exit(127);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	fix_child = pid > 0 ? pid : 0;
	gl_buf b = {0};
	char tmp[8192];
	ssize_t r;
	while (pid > 0 && ((r = read(po[0], tmp, sizeof tmp)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			gl_buf_append(&b, tmp, (size_t)r);
	close(po[0]);
	int st = 0, w;
	while (pid > 0 && (w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	fix_child = 0;
	if (pid < 0 || w < 0) {
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

int fix_go_list(fixer *f, const char *dir, const char *extra, char *const *pkgs, size_t npkgs, char **out, char **errout)
{
	char *args[64 + 256];
	char *env[16];
	size_t na = 0, ne = 0;
	args[na++] = f->gocmd;
	args[na++] = "list";
	args[na++] = "-export";
	args[na++] = "-deps";
	args[na++] = "-f";
	args[na++] = "{{.ImportPath}}\t{{.Name}}\t{{.Export}}\t{{.DepOnly}}";
	build_settings(f->g, args, &na, env, &ne);
	size_t nset = na;
	if (extra)
		args[na++] = (char *)extra;
	if (!npkgs)
		args[na++] = "./...";
	for (size_t i = 0; i < npkgs && na < sizeof args / sizeof args[0] - 1; i++)
		args[na++] = pkgs[i];
	args[na] = NULL;
	env[ne] = NULL;
	if (f->verbose) {
		fprintf(stderr, "goload %s:%s%s", f->cmd, dir ? " (in " : "", dir ? dir : "");
		fprintf(stderr, "%s", dir ? ")" : "");
		for (size_t i = 0; i < ne; i++)
			fprintf(stderr, " %s", env[i]);
		for (size_t i = 0; i < na; i++)
			fprintf(stderr, " %s", args[i]);
		fputc('\n', stderr);
	}
	int st = fix_run(args, env, dir, out, errout);
	for (size_t i = 0; i < ne; i++)
		free(env[i]);
	for (size_t i = 6; i < nset; i++)
		free(args[i]);
	return st;
}

bool fix_list_next(char **cur, char *fld[4])
{
	char *l = *cur;
	if (!l || !*l)
		return false;
	char *nl = strchr(l, '\n');
	if (nl)
		*nl = 0;
	*cur = nl ? nl + 1 : NULL;
	for (int k = 0; k < 4; k++) {
		fld[k] = l;
		l = l ? strchr(l, '\t') : NULL;
		if (l)
			*l++ = 0;
	}
	return true;
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
		gl_gobin_sym s;
		if (!gl_gobin_sym_at(f.g, i, &s) || s.source != GL_SYMSRC_SYMTAB || s.kind == 'U' || s.kind == 'T' ||
		    s.kind == 't')
			continue;
		hostsym h = {s.addr, s.name};
		if (!GL_VEC_PUSH(&f.byaddr, h))
			return 1;
	}
	if (f.byaddr.len)
		qsort(f.byaddr.v, f.byaddr.len, sizeof f.byaddr.v[0], fix_cmp_hostsym);
	if (!bi || !bi->go_version || !*bi->go_version) {
		fprintf(stderr, "goload fix: process %d's executable has no build info: its build settings are unknown\n", pid);
		return 1;
	}
	/* The toolchain must be the one that built the program: objects of
	 * another compiler cannot be compared with its code. */
	char *gocmd = go_cmd();
	char *venv[] = {"GOTOOLCHAIN=local", NULL};
	char *vargs[] = {gocmd, "env", "GOVERSION", "GOCACHE", NULL};
	char *out, *errout;
	int st = fix_run(vargs, venv, NULL, &out, &errout);
	if (st != 0) {
		fprintf(stderr, "goload fix: %s env GOVERSION failed: %s\n", gocmd, errout ? errout : "could not run it");
		return 1;
	}
	char *cache = strchr(out, '\n');
	if (cache) {
		*cache++ = 0;
		cache[strcspn(cache, "\n")] = 0;
		f.gocache = strdup(cache);
	}
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
	f.gocmd = gocmd;
	st = fix_go_list(&f, NULL, NULL, pkgs, npkgs, &out, &errout);
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
	char *fld[4];
	for (char *l = out; fix_list_next(&l, fld);) {
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
	/* The objects the running program was built from: signatures and
	 * initial values are compared with them (fix_orig.c). */
	fix_find_originals(&f, exe);
	if (gl_goobj_deps_new(&f.origdeps, &e) < 0)
		return cmd_fail("fix", &e);
	for (size_t i = 0; i < f.pkgs.len; i++) {
		pkginfo *pk = &f.pkgs.v[i];
		if (strcmp(pk->name, "main"))
			gl_goobj_deps_add(f.origdeps, pk->path, strlen(pk->path), pk->origs.len ? pk->origs.v[0] : pk->archive, &e);
	}
	for (size_t i = 0; i < f.pkgs.len; i++) {
		pkginfo *pk = &f.pkgs.v[i];
		if (!pk->target)
			continue;
		f.cur_orig = pk->origs.len > 0;
		if (fix_diff_package(&f, pk) != 0)
			return 1;
		fix_compare_originals(&f, pk);
		f.cur_orig = false;
	}
	for (size_t i = 0; i < f.changed.len; i++)
		fix_check_inlined(&f, f.changed.v[i]);
	for (size_t i = 0; i < f.fresh.len; i++)
		fix_check_inlined(&f, f.fresh.v[i]);
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
	/* the host's packages as its linker saw them (the originals where
	 * found): a stripped host's data symbols are recovered from them */
	for (size_t i = 0; i < f.pkgs.len; i++)
		if (strcmp(f.pkgs.v[i].name, "main"))
			gl_buf_printf(&req, "dep %s %s\n", f.pkgs.v[i].path,
				      f.pkgs.v[i].origs.len ? f.pkgs.v[i].origs.v[0] : f.pkgs.v[i].archive);
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
	char id[32], pause[32], parts[96];
	resp_field(resp, "id", id, sizeof id);
	resp_field(resp, "pause_us", pause, sizeof pause);
	resp_field(resp, "pause_parts_us", parts, sizeof parts); /* stop check write start (newer agents) */
	unsigned long stop_us, check_us, write_us, start_us;
	char split[224] = "", rt[32];
	resp_field(resp, "pause_runtime_le_us", rt, sizeof rt); /* the runtime's record of the stop (Go 1.22+) */
	if (sscanf(parts, "%lu %lu %lu %lu", &stop_us, &check_us, &write_us, &start_us) == 4)
		snprintf(split, sizeof split, " (stop the world %lu, check %lu, write %lu, start %lu%s%s)", stop_us,
			 check_us, write_us, start_us, rt[0] ? "; the runtime records <= " : "", rt);
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
	printf("fix %s applied: %zu function(s), stop pause %s µs, %.0f ms from command to live%s\n", id, np, pause, ms,
	       split);
	free(resp);
	return 0;
}
