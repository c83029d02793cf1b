/* goload fix: the original objects. A function's parameter and result
 * types, and a variable's initial value, are not in a stripped
 * executable, and the code alone does not tell an int64 parameter from a
 * float64 one when the frame keeps its size. Like kpatch-build, fix
 * compares the fixed objects with the objects the running program was
 * built from: the archives of the rebuilt packages as they were compiled
 * for that build, found in the Go build cache. A candidate is accepted
 * only when every function it shares with the executable has the same
 * code modulo relocations (and, with a symbol table, every variable the
 * same initial bytes); when several match and disagree on a signature or
 * an initializer, or none is found, the package is refused: nothing is
 * applied on a guess.
 *
 * The search reads the head of each archive in the cache written or used
 * since an hour before the executable was written (the go command marks
 * an entry used when its mtime is over an hour old, so the original of a
 * build is never older), and is done once per executable: the result is
 * kept in $XDG_CACHE_HOME/goload (or ~/.cache/goload). */
#define _GNU_SOURCE
#include "fix.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ the index */

static void index_path(const struct stat *st, char *buf, size_t n)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char dir[3000];
	if (x && *x)
		snprintf(dir, sizeof dir, "%s/goload", x);
	else
		snprintf(dir, sizeof dir, "%s/.cache/goload", home && *home ? home : "/tmp");
	mkdir(dir, 0700);
	snprintf(buf, n, "%s/fix-orig-%" PRIx64 "-%" PRIx64 "-%" PRIx64 "-%" PRIx64 ".%09ld", dir, (uint64_t)st->st_dev,
		 (uint64_t)st->st_ino, (uint64_t)st->st_size, (uint64_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

static pkginfo *pkg_by_prefix(fixer *f, const char *pre, size_t n)
{
	for (size_t i = 0; i < f->pkgs.len; i++)
		if (strlen(f->pkgs.v[i].prefix) == n && !memcmp(f->pkgs.v[i].prefix, pre, n))
			return &f->pkgs.v[i];
	return NULL;
}

static bool wanted(const pkginfo *pk) { return pk->target && pk->inhost; }

/* Reads "PREFIX PATH..." lines ("PREFIX -": none was found) for the
 * packages wanted; sets *done for those. */
static void index_read(fixer *f, const char *path, gl_strmap *done)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return;
	char line[65536];
	while (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = 0;
		char *sp = strchr(line, ' ');
		if (!sp)
			continue;
		pkginfo *pk = pkg_by_prefix(f, line, (size_t)(sp - line));
		if (!pk || !wanted(pk))
			continue;
		bool ok = true;
		GL_VEC(char *) v = {0};
		for (char *t = strtok(sp + 1, " "); t; t = strtok(NULL, " ")) {
			if (!strcmp(t, "-"))
				continue;
			struct stat st;
			char *c = strdup(t);
			ok = ok && c && stat(t, &st) == 0 && GL_VEC_PUSH(&v, c); /* trimmed from the cache since: search again */
			if (!ok)
				free(c);
		}
		if (!ok) {
			for (size_t k = 0; k < v.len; k++)
				free(v.v[k]);
			GL_VEC_FREE(&v);
			continue;
		}
		pk->origs.len = 0;
		for (size_t k = 0; k < v.len; k++)
			GL_VEC_PUSH(&pk->origs, v.v[k]);
		GL_VEC_FREE(&v);
		bool existed;
		gl_strmap_add(done, pk->prefix, strlen(pk->prefix), 1, &existed);
	}
	fclose(fp);
}

static void index_write(fixer *f, const char *path)
{
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%.4200s.%d", path, (int)getpid());
	FILE *fp = fopen(tmp, "w");
	if (!fp)
		return;
	for (size_t i = 0; i < f->pkgs.len; i++) {
		const pkginfo *pk = &f->pkgs.v[i];
		if (!wanted(pk))
			continue;
		fprintf(fp, "%s", pk->prefix);
		for (size_t k = 0; k < pk->origs.len; k++)
			fprintf(fp, " %s", pk->origs.v[k]);
		fprintf(fp, "%s\n", pk->origs.len ? "" : " -");
	}
	if (fclose(fp) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

/* ------------------------------------------------------------ the search */

/* The "go object ..." line of an archive's first member, and whether the
 * export data header says "main" (package main): from its first bytes. */
static bool archive_head(const char *path, char *hdr, size_t hn, bool *ismain)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	char b[1024];
	ssize_t n = read(fd, b, sizeof b - 1);
	close(fd);
	if (n < 80 || memcmp(b, "!<arch>\n__.PKGDEF", 17))
		return false;
	b[n] = 0;
	char *l = b + 68, *nl = strchr(l, '\n');
	if (!nl || memcmp(l, "go object ", 10))
		return false;
	snprintf(hdr, hn, "%.*s", (int)(nl - l), l);
	char *bid = nl + 1;
	char *nl2 = strchr(bid, '\n');
	*ismain = nl2 && !strncmp(bid, "build id ", 9) && !strncmp(nl2 + 1, "main\n", 5);
	return true;
}

/* The package path of an archive's Go object, from its
 * "go:cuinfo.packagename.PATH" symbol. */
static bool archive_pkg(const char *path, char *out, size_t n)
{
	gl_goobj_archive *ar;
	goload_err e = {0};
	if (gl_goobj_archive_open_path(path, &ar, &e) < 0)
		return false;
	bool found = false;
	for (size_t m = 0; m < gl_goobj_archive_nmembers(ar) && !found; m++) {
		gl_goobj *o;
		if (gl_goobj_archive_member(ar, m)->kind != GL_GOOBJ_M_GO || gl_goobj_archive_open_member(ar, m, &o, &e) < 0)
			continue;
		static const char pre[] = "go:cuinfo.packagename.";
		for (uint32_t i = 0, nd = gl_goobj_ndefs(o); i < nd && !found; i++) {
			gl_goobj_sym s = gl_goobj_sym_at(o, i);
			if (s.namelen > sizeof pre - 1 && s.namelen - (sizeof pre - 1) < n && !memcmp(s.name, pre, sizeof pre - 1)) {
				snprintf(out, n, "%.*s", (int)(s.namelen - (sizeof pre - 1)), s.name + sizeof pre - 1);
				found = true;
			}
		}
		gl_goobj_close(o);
	}
	gl_goobj_archive_close(ar);
	return found;
}

/* Whether archive path holds the code the host runs for package pk. */
static bool verify(fixer *f, const pkginfo *pk, const char *path)
{
	pkginfo c = *pk;
	c.archive = (char *)path;
	size_t nc = f->ncompared;
	f->probe = true;
	f->probe_diff = f->probe_vars = 0;
	f->probe_what[0] = 0;
	bool cur = f->cur_orig;
	f->cur_orig = false;
	int rc = fix_diff_package(f, &c);
	bool ok = rc == 0 && !f->probe_diff && f->ncompared > nc;
	if (!ok && !f->probe_what[0])
		snprintf(f->probe_what, sizeof f->probe_what, "%s",
			 rc != 0 ? "its archive cannot be read" : "it shares no function with the running program");
	f->probe = false;
	f->cur_orig = cur;
	f->ncompared = nc;
	return ok;
}

/* ------------------------------------------------------------ building them */

/* Sets the reason no original was built for every wanted package still
 * without one. */
static void GL_PRINTF(2, 3) missing_why(fixer *f, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < f->pkgs.len; i++) {
		pkginfo *pk = &f->pkgs.v[i];
		if (wanted(pk) && !pk->origs.len && !pk->origwhy)
			pk->origwhy = strdup(msg);
	}
}

/* The first line of a command's error output, without "fatal: ". */
static const char *first_line(char *s, char *buf, size_t n)
{
	if (!s)
		return "it could not run";
	while (*s == '\n')
		s++;
	if (!strncmp(s, "fatal: ", 7))
		s += 7;
	snprintf(buf, n, "%.*s", (int)strcspn(s, "\n"), s);
	return buf[0] ? buf : "no error message";
}

/* Runs git in dir with extra environment; *out gets its stdout (malloc'd),
 * why its first error line. */
static int git(char *const args[], char *const env[], const char *dir, char **out, char *why, size_t wn)
{
	char *errout = NULL;
	*out = NULL;
	int st = fix_run(args, env, dir, out, &errout);
	if (st != 0)
		first_line(st < 0 ? NULL : errout, why, wn);
	free(errout);
	return st;
}

static int rm_visit(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(p);
	return 0;
}

static volatile sig_atomic_t build_signal;

/* A signal while the original is built: the temporary tree is removed
 * first (the child go command gets it too). */
static void on_signal(int sig)
{
	build_signal = sig;
	pid_t c = fix_child;
	if (c > 0)
		kill(c, sig);
}

/* Builds the original objects of the packages the cache search did not
 * find, from the program's VCS revision: that revision of the git
 * repository of the current folder, checked out in a temporary folder
 * (through a temporary index: the repository's own index, work tree and
 * worktree list are not touched, no hook runs), built by the same go list
 * as the fixed packages with the program's build settings. Each archive
 * must pass the check a cache original passes (its functions equal to the
 * running code). Returns the number of packages whose originals were
 * built; the others get the reason in origwhy. */
static size_t build_originals(fixer *f, size_t nsearched, double search_s)
{
	const char *vcs = gl_gobin_build_setting(f->g, "vcs");
	const char *rev = gl_gobin_build_setting(f->g, "vcs.revision");
	const char *mod = gl_gobin_build_setting(f->g, "vcs.modified");
	const char *when = gl_gobin_build_setting(f->g, "vcs.time");
	char why[1024];
	if (!vcs || !rev || !*rev) {
		missing_why(f, "the program's build info records no VCS revision to build them from (built outside a "
			       "repository, with -buildvcs=false, or by go run/go test): build it from a clean git commit, or "
			       "keep its build cache, then restart it");
		return 0;
	}
	if (strcmp(vcs, "git")) {
		missing_why(f, "the program was built from a %s checkout (revision %s): only git revisions are built again; keep "
			       "its build cache, then restart it",
			    vcs, rev);
		return 0;
	}
	if (!mod || strcmp(mod, "false")) {
		missing_why(f, "the program was built from a modified tree (vcs.revision %s, vcs.modified=%s): revision %.12s "
			       "alone does not hold its sources; build it from a clean commit (commit or stash first), or keep "
			       "its build cache, then restart it",
			    rev, mod ? mod : "unknown", rev);
		return 0;
	}
	char *out = NULL;
	char *top_args[] = {"git", "rev-parse", "--show-toplevel", "--show-prefix", NULL};
	int gst = git(top_args, NULL, NULL, &out, why, sizeof why);
	if (gst == 127 || gst < 0) {
		free(out);
		missing_why(f, "git cannot run (%s) to build them from revision %s: install git, or keep the program's build cache",
			    why, rev);
		return 0;
	}
	if (gst != 0) {
		free(out);
		char cwd[4096];
		missing_why(f, "the source tree here (%s) is not a git checkout (%s): run goload fix in a clone holding "
			       "revision %s, or keep the program's build cache",
			    getcwd(cwd, sizeof cwd) ? cwd : ".", why, rev);
		return 0;
	}
	char *top = out, *prefix = strchr(out, '\n');
	if (prefix) {
		*prefix++ = 0;
		prefix[strcspn(prefix, "\n")] = 0;
	} else
		prefix = "";
	char spec[256];
	snprintf(spec, sizeof spec, "%.200s^{commit}", rev);
	char *has_args[] = {"git", "cat-file", "-e", spec, NULL};
	char *o2 = NULL;
	if (strspn(rev, "0123456789abcdef") != strlen(rev) || git(has_args, NULL, NULL, &o2, why, sizeof why) != 0) {
		missing_why(f, "revision %s, which the program was built from, is not in the git repository at %s: fetch it "
			       "(git fetch origin %s; a shallow clone may lack it), or keep the program's build cache",
			    rev, top, rev);
		free(o2);
		free(out);
		return 0;
	}
	free(o2);

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	const char *tmpd = getenv("TMPDIR");
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s/goload-orig-XXXXXX", tmpd && *tmpd ? tmpd : "/tmp");
	if (!mkdtemp(tmp)) {
		missing_why(f, "cannot make a temporary folder to build revision %.12s in: %s", rev, strerror(errno));
		free(out);
		return 0;
	}
	struct sigaction sa = {.sa_handler = on_signal}, old[3];
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	sigemptyset(&sa.sa_mask);
	build_signal = 0;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	char index_env[4200], src[4200], pfx[4300], dir[8400];
	snprintf(index_env, sizeof index_env, "GIT_INDEX_FILE=%s/index", tmp);
	snprintf(src, sizeof src, "%s/src", tmp);
	snprintf(pfx, sizeof pfx, "--prefix=%s/", src);
	snprintf(dir, sizeof dir, "%s/%s", src, prefix);
	char *genv[] = {index_env, NULL};
	char *read_args[] = {"git", "read-tree", spec, NULL};
	char *co_args[] = {"git", "checkout-index", "--all", "--force", pfx, NULL};
	size_t nbuilt = 0;
	char *lst = NULL, *errout = NULL;
	if (git(read_args, genv, top, &o2, why, sizeof why) != 0 ||
	    (free(o2), o2 = NULL, git(co_args, genv, top, &o2, why, sizeof why) != 0)) {
		missing_why(f, "checking out revision %.12s failed: %s", rev, why);
		goto out;
	}
	/* the import paths of the packages to build */
	GL_VEC(char *) paths = {0};
	for (size_t i = 0; i < f->pkgs.len; i++)
		if (wanted(&f->pkgs.v[i]) && !f->pkgs.v[i].origs.len && !GL_VEC_PUSH(&paths, f->pkgs.v[i].path))
			break;
	int st = fix_go_list(f, dir, "-buildvcs=false", paths.v, paths.len, &lst, &errout);
	GL_VEC_FREE(&paths);
	if (st != 0) {
		/* the go command's error, without its progress lines */
		gl_buf msg = {0};
		for (char *l = errout; l && *l;) {
			char *nl = strchr(l, '\n');
			size_t n = nl ? (size_t)(nl - l) : strlen(l);
			if (n && strncmp(l, "go: downloading ", 16) && strncmp(l, "go: finding ", 12) && msg.len < 600)
				gl_buf_printf(&msg, "%s%.*s", msg.len ? "; " : "", (int)n, l);
			l = nl ? nl + 1 : NULL;
		}
		gl_buf_u8(&msg, 0);
		missing_why(f, "building them from revision %.12s (in a checkout of it) failed: %s", rev,
			    msg.p && msg.p[0] ? (char *)msg.p : st < 0 ? "the go command could not run" : "no error message");
		gl_buf_free(&msg);
		goto out;
	}
	char *fld[4];
	for (char *l = lst; fix_list_next(&l, fld);) {
		if (!fld[3] || strcmp(fld[3], "false") || !*fld[2])
			continue;
		pkginfo *pk = NULL;
		for (size_t i = 0; i < f->pkgs.len && !pk; i++)
			if (!strcmp(f->pkgs.v[i].path, fld[0]) && !strcmp(f->pkgs.v[i].name, fld[1]))
				pk = &f->pkgs.v[i];
		if (!pk || !wanted(pk) || pk->origs.len)
			continue;
		char *c = NULL;
		if (!verify(f, pk, fld[2])) {
			snprintf(why, sizeof why,
				 "the build of revision %.12s does not reproduce the running code of %s: the program was built from "
				 "more than that revision's files (an -overlay, a go.work or a replaced module outside the "
				 "repository?); keep its build cache, then restart it",
				 rev, f->probe_what);
			pk->origwhy = strdup(why);
		} else if ((c = strdup(fld[2])) && GL_VEC_PUSH(&pk->origs, c))
			nbuilt++;
		else
			free(c);
	}
	missing_why(f, "revision %.12s has no such package", rev);
	if (nbuilt) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		char searched[128] = "";
		if (nsearched)
			snprintf(searched, sizeof searched, ", %zu build cache entries searched in %.1f s", nsearched, search_s);
		fprintf(stderr,
			"goload %s: the original objects were built from revision %.12s%s%s (not in the build cache%s): %zu "
			"package%s, %.1f s\n",
			f->cmd, rev, when ? " of " : "", when ? when : "", searched, nbuilt, nbuilt == 1 ? "" : "s",
			(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
out:
	free(o2);
	free(lst);
	free(errout);
	free(out);
	nftw(tmp, rm_visit, 32, FTW_DEPTH | FTW_PHYS);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (build_signal)
		raise(build_signal);
	return nbuilt;
}

int fix_find_originals(fixer *f, const char *exe)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct stat est;
	if (stat(exe, &est) < 0)
		return 0;
	char ipath[4200];
	index_path(&est, ipath, sizeof ipath);
	gl_strmap done = {0};
	index_read(f, ipath, &done);
	size_t need = 0;
	for (size_t i = 0; i < f->pkgs.len; i++)
		if (wanted(&f->pkgs.v[i]) && !gl_strmap_get(&done, f->pkgs.v[i].prefix, strlen(f->pkgs.v[i].prefix), NULL))
			need++;
	char hdr0[512];
	bool m0;
	for (size_t i = 0; i < f->pkgs.len && !f->header; i++)
		if (wanted(&f->pkgs.v[i]) && archive_head(f->pkgs.v[i].archive, hdr0, sizeof hdr0, &m0))
			f->header = hdr0;
	size_t nread = 0, nver = 0;
	if (!need || !f->gocache || !*f->gocache || !f->header)
		goto built;
	time_t since = est.st_mtim.tv_sec - 3600 - 300;
	char dpath[4200];
	for (int d = 0; d < 256; d++) {
		snprintf(dpath, sizeof dpath, "%s/%02x", f->gocache, d);
		DIR *dir = opendir(dpath);
		if (!dir)
			continue;
		struct dirent *de;
		while ((de = readdir(dir))) {
			size_t n = strlen(de->d_name);
			if (n < 3 || strcmp(de->d_name + n - 2, "-d"))
				continue;
			char p[4500];
			snprintf(p, sizeof p, "%s/%s", dpath, de->d_name);
			struct stat st;
			if (stat(p, &st) < 0 || st.st_mtim.tv_sec < since || st.st_size < 200)
				continue;
			char hdr[512];
			bool ismain;
			nread++;
			if (!archive_head(p, hdr, sizeof hdr, &ismain) || strcmp(hdr, f->header))
				continue;
			char pkg[1024];
			if (ismain)
				strcpy(pkg, "main");
			else if (!archive_pkg(p, pkg, sizeof pkg))
				continue;
			pkginfo *pk = pkg_by_prefix(f, pkg, strlen(pkg));
			if (!pk || !wanted(pk) || gl_strmap_get(&done, pk->prefix, strlen(pk->prefix), NULL))
				continue;
			nver++;
			if (verify(f, pk, p)) {
				char *c = strdup(p);
				if (c && GL_VEC_PUSH(&pk->origmis, f->probe_vars) && !GL_VEC_PUSH(&pk->origs, c))
					pk->origmis.len--;
				if (pk->origs.len != pk->origmis.len)
					free(c);
			}
		}
		closedir(dir);
	}
	/* Of the archives with the running code, those whose variables hold
	 * the executable's initial data: an earlier or later build whose code
	 * is the same but not a global's initializer is left out. */
	for (size_t i = 0; i < f->pkgs.len; i++) {
		pkginfo *pk = &f->pkgs.v[i];
		size_t min = SIZE_MAX, k = 0;
		for (size_t j = 0; j < pk->origs.len; j++)
			min = pk->origmis.v[j] < min ? pk->origmis.v[j] : min;
		for (size_t j = 0; j < pk->origs.len; j++)
			if (pk->origmis.v[j] == min)
				pk->origs.v[k++] = pk->origs.v[j];
			else
				free(pk->origs.v[j]);
		pk->origs.len = k;
		pk->origmis.len = 0;
	}
	if (f->verbose) {
		struct timespec t1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "goload %s: original objects: %zu cache entries read, %zu archives compared, %.0f ms\n", f->cmd,
			nread, nver, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
built:;
	/* Not in this machine's cache (built elsewhere, or trimmed): built
	 * again from the program's VCS revision. */
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	size_t nbuilt = 0, nmissing = 0;
	for (size_t i = 0; i < f->pkgs.len; i++)
		nmissing += wanted(&f->pkgs.v[i]) && !f->pkgs.v[i].origs.len;
	if (nmissing)
		nbuilt = build_originals(f, nread, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (need || nbuilt)
		index_write(f, ipath);
	gl_strmap_free(&done);
	f->header = NULL;
	return 0;
}

/* ------------------------------------------------------------ comparing */

typedef struct objset {
	gl_goobj_archive *ar;
	GL_VEC(gl_goobj *) objs;
	gl_strmap byname; /* name -> member << 32 | def */
} objset;

static bool objset_open(objset *s, const char *path, const char *prefix)
{
	goload_err e = {0};
	memset(s, 0, sizeof *s);
	if (gl_goobj_archive_open_path(path, &s->ar, &e) < 0)
		return false;
	size_t pl = strlen(prefix);
	for (size_t m = 0; m < gl_goobj_archive_nmembers(s->ar); m++) {
		gl_goobj *o;
		if (gl_goobj_archive_member(s->ar, m)->kind != GL_GOOBJ_M_GO || gl_goobj_archive_open_member(s->ar, m, &o, &e) < 0)
			continue;
		if (!GL_VEC_PUSH(&s->objs, o)) {
			gl_goobj_close(o);
			return false;
		}
		for (uint32_t i = 0, nd = gl_goobj_ndefs(o); i < nd; i++) {
			gl_goobj_sym sy = gl_goobj_sym_at(o, i);
			const char *nm = sy.name;
			size_t n = sy.namelen;
			if (n > 5 && !memcmp(nm, "type:", 5)) { /* the package's named types */
				nm += 5;
				n -= 5;
			}
			if (n > pl && !memcmp(nm, prefix, pl) && nm[pl] == '.' && sy.abi <= 1)
				gl_strmap_put(&s->byname, sy.name, sy.namelen, (uint64_t)(s->objs.len - 1) << 32 | i);
		}
	}
	return true;
}

static void objset_close(objset *s)
{
	for (size_t i = 0; i < s->objs.len; i++)
		gl_goobj_close(s->objs.v[i]);
	GL_VEC_FREE(&s->objs);
	gl_strmap_free(&s->byname);
	gl_goobj_archive_close(s->ar);
}

static void sig_add(void *ctx, bool result, const char *type, size_t len)
{
	gl_buf *b = ctx;
	gl_buf_printf(b, "%c%.*s\x1f", result ? 'r' : 'p', (int)len, type);
}

/* "(int64, string) (bool)" from a sig_add encoding. */
static void sig_show(const gl_buf *b, char *out, size_t n)
{
	gl_buf p = {0}, r = {0};
	const char *s = (const char *)b->p, *end = s + b->len;
	while (s < end) {
		const char *e = memchr(s, '\x1f', (size_t)(end - s));
		if (!e)
			break;
		gl_buf *t = *s == 'r' ? &r : &p;
		gl_buf_printf(t, "%s%.*s", t->len ? ", " : "", (int)(e - s - 1), s + 1);
		s = e + 1;
	}
	snprintf(out, n, "(%.*s)%s%.*s%s", (int)p.len, p.p ? (char *)p.p : "", r.len ? " (" : "", (int)r.len,
		 r.p ? (char *)r.p : "", r.len ? ")" : "");
	gl_buf_free(&p);
	gl_buf_free(&r);
}

/* The Go signature of def i of o, or false (with why) when it has none. */
static bool func_sig(gl_goobj_deps *deps, const gl_goobj *o, uint32_t i, gl_buf *out, char *why, size_t wn)
{
	goload_err e = {0};
	gl_goobj_resolver res = gl_goobj_deps_resolver(deps);
	if (gl_goobj_func_sig(o, i, &res, sig_add, out, &e) < 0) {
		snprintf(why, wn, "%s", e.msg);
		return false;
	}
	return true;
}

static bool is_changed(const fixer *f, const char *name)
{
	for (size_t k = 0; k < f->changed.len; k++)
		if (!strcmp(f->changed.v[k], name))
			return true;
	return false;
}

static bool same_bytes(gl_goobj_deps *nd, const gl_goobj *no, uint32_t ni, gl_goobj_deps *od, const gl_goobj *oo,
		       uint32_t oi, int depth);

/* Whether relocation target a (of object ao) and b (of bo) are the same:
 * the same name, and for data private to the object, the same bytes. */
static bool same_ref(gl_goobj_deps *ad, const gl_goobj *ao, gl_goobj_ref ar, gl_goobj_deps *bd, const gl_goobj *bo,
		     gl_goobj_ref br, int depth)
{
	gl_goobj_symname an, bn;
	goload_err e = {0};
	gl_goobj_resolver aresv = gl_goobj_deps_resolver(ad), bresv = gl_goobj_deps_resolver(bd);
	if (gl_goobj_ref_name(ao, ar, &aresv, &an, &e) < 0 || gl_goobj_ref_name(bo, br, &bresv, &bn, &e) < 0)
		return false;
	uint32_t al, bl;
	bool aloc = gl_goobj_ref_local(ao, ar, &al) && al < gl_goobj_ndefs(ao);
	bool bloc = gl_goobj_ref_local(bo, br, &bl) && bl < gl_goobj_ndefs(bo);
	if (aloc && bloc) {
		size_t hl;
		gl_goobj_sym as = gl_goobj_sym_at(ao, al), bs = gl_goobj_sym_at(bo, bl);
		bool apriv = gl_goobj_hash(ao, al, &hl) || as.abi == GL_GOOBJ_ABI_STATIC;
		bool bpriv = gl_goobj_hash(bo, bl, &hl) || bs.abi == GL_GOOBJ_ABI_STATIC;
		if (apriv && bpriv && as.kind != GL_SK_TEXT && bs.kind != GL_SK_TEXT)
			return depth < 4 && same_bytes(ad, ao, al, bd, bo, bl, depth + 1);
	}
	return an.namelen == bn.namelen && !memcmp(an.name, bn.name, an.namelen) && an.pkglen == bn.pkglen &&
	       !memcmp(an.pkg, bn.pkg, an.pkglen);
}

/* Whether two definitions hold the same value: size, bytes outside the
 * relocations, and relocations of the same kind to the same targets. */
static bool same_bytes(gl_goobj_deps *nd, const gl_goobj *no, uint32_t ni, gl_goobj_deps *od, const gl_goobj *oo,
		       uint32_t oi, int depth)
{
	gl_goobj_sym ns = gl_goobj_sym_at(no, ni), os = gl_goobj_sym_at(oo, oi);
	if (ns.size != os.size)
		return false;
	gl_span a = gl_goobj_data(no, ni), b = gl_goobj_data(oo, oi);
	for (uint32_t k = 0; k < ns.size; k++)
		if ((k < a.n ? a.p[k] : 0) != (k < b.n ? b.p[k] : 0))
			return false;
	uint32_t af, bf, na = gl_goobj_relocs(no, ni, &af), nb = gl_goobj_relocs(oo, oi, &bf);
	if (na != nb)
		return false;
	for (uint32_t j = 0; j < na; j++) {
		gl_goobj_reloc x = gl_goobj_reloc_at(no, af + j), y = gl_goobj_reloc_at(oo, bf + j);
		if (x.off != y.off || x.siz != y.siz || x.type != y.type || x.add != y.add ||
		    !same_ref(nd, no, x.sym, od, oo, y.sym, depth))
			return false;
	}
	return true;
}

void fix_compare_originals(fixer *f, const pkginfo *pk)
{
	if (!wanted(pk))
		return;
	if (!pk->origs.len) {
		fix_refuse(f,
			   "package %s: the signatures of its functions and the initial values of its variables cannot be "
			   "verified: the objects the running program was built from are not in the build cache (%s), and %s",
			   pk->path, f->gocache ? f->gocache : "go env GOCACHE failed",
			   pk->origwhy ? pk->origwhy : "they were not built again");
		return;
	}
	objset nw, *old = calloc(pk->origs.len, sizeof *old);
	if (!old || !objset_open(&nw, pk->archive, pk->prefix)) {
		free(old);
		fix_refuse(f, "package %s: cannot read %s", pk->path, pk->archive);
		return;
	}
	size_t nold = 0;
	for (; nold < pk->origs.len; nold++)
		if (!objset_open(&old[nold], pk->origs.v[nold], pk->prefix)) {
			fix_refuse(f, "package %s: cannot read %s", pk->path, pk->origs.v[nold]);
			goto out;
		}
	for (size_t t = 0; t < nw.byname.cap; t++) {
		const gl_strmap_ent *en = &nw.byname.t[t];
		if (!en->key)
			continue;
		const gl_goobj *no = nw.objs.v[en->val >> 32];
		uint32_t ni = (uint32_t)en->val;
		gl_goobj_sym ns = gl_goobj_sym_at(no, ni);
		size_t hl;
		if ((ns.flags & GL_SF_DUPOK) || gl_goobj_hash(no, ni, &hl))
			continue;
		char name[1100];
		snprintf(name, sizeof name, "%.*s", (int)(ns.namelen < 1000 ? ns.namelen : 1000), ns.name);
		bool text = ns.kind == GL_SK_TEXT;
		bool type = ns.namelen > 5 && !memcmp(ns.name, "type:", 5);
		bool var = !type && (ns.kind == GL_SK_DATA || ns.kind == GL_SK_NOPTRDATA || ns.kind == GL_SK_BSS ||
				     ns.kind == GL_SK_NOPTRBSS);
		if (type) {
			/* A named type of the package: its descriptor (size, fields
			 * and their types, methods) must be the running one's: a
			 * field's type swapped for one of the same size keeps the
			 * layout's size, not its meaning. */
			bool differs = false;
			uint64_t sz[2] = {0}, osz[2] = {0};
			for (size_t k = 0; k < nold && !differs; k++) {
				uint64_t v;
				differs = gl_strmap_get(&old[k].byname, ns.name, ns.namelen, &v) &&
					  !same_bytes(f->deps, no, ni, f->origdeps, old[k].objs.v[v >> 32], (uint32_t)v, 0);
				gl_span a = gl_goobj_data(no, ni), b = differs ? gl_goobj_data(old[k].objs.v[v >> 32], (uint32_t)v)
									   : gl_span_make(NULL, 0);
				if (differs && a.n >= 16 && b.n >= 16) {
					memcpy(sz, a.p, 16);
					memcpy(osz, b.p, 16);
				}
			}
			if (differs && gl_strmap_get(&f->layouts, ns.name, ns.namelen, NULL))
				continue; /* refused by the command's comparison with the executable */
			if (differs && (sz[0] != osz[0] || sz[1] != osz[1]))
				fix_refuse(f,
					   "%s: changed layout of an existing type: %" PRIu64 " bytes (%" PRIu64
					   " with pointers), the running one %" PRIu64 " (%" PRIu64 ")",
					   name + 5, sz[0], sz[1], osz[0], osz[1]);
			else if (differs)
				fix_refuse(f,
					   "%s: changed definition of an existing type (its fields, their types or its methods): the "
					   "running program's values and code keep the old one",
					   name + 5);
			continue;
		}
		if (!text && !var)
			continue;
		/* the value in each original (they must all agree) */
		gl_buf nsig = {0};
		char why[1200] = "";
		bool nok = text && func_sig(f->deps, no, ni, &nsig, why, sizeof why);
		bool refused = false, ambiguous = false;
		gl_buf first = {0};
		bool have_first = false;
		for (size_t k = 0; k < nold && !refused; k++) {
			uint64_t v;
			if (!gl_strmap_get(&old[k].byname, ns.name, ns.namelen, &v)) {
				gl_gobin_sym hs;
				if (text && gl_gobin_sym_lookup(f->g, name, strlen(name), &hs) && k == 0) {
					/* the host has it, its original does not say how it was declared */
					fix_refuse(f, "%s: the running program has this function but its original objects do not: its signature cannot be verified",
						   name);
					refused = true;
				}
				continue;
			}
			const gl_goobj *oo = old[k].objs.v[v >> 32];
			uint32_t oi = (uint32_t)v;
			if (var) {
				gl_goobj_sym os = gl_goobj_sym_at(oo, oi);
				if (os.size != ns.size)
					fix_refuse(f, "%s: a package-level variable of %u bytes, the running one has %u: changed type", name,
						   ns.size, os.size);
				else if (!same_bytes(f->deps, no, ni, f->origdeps, oo, oi, 0))
					fix_refuse(f,
						   "%s: changed initializer of an existing package-level variable (the running program's "
						   "value is kept; restart to apply it)",
						   name);
				else
					continue;
				refused = true;
				continue;
			}
			gl_buf osig = {0};
			char owhy[1200] = "";
			bool ook = func_sig(f->origdeps, oo, oi, &osig, owhy, sizeof owhy);
			if (ook && have_first && (osig.len != first.len || (osig.len && memcmp(osig.p, first.p, osig.len))))
				ambiguous = true;
			if (ook && !have_first) {
				gl_buf_append(&first, osig.p, osig.len);
				have_first = true;
			}
			if (!nok || !ook) {
				/* Compiler-made wrappers and assembly functions have no
				 * DWARF: their frame size is still compared. A changed one
				 * is not applied on a guess. */
				if (is_changed(f, name) && (nok != ook || !strstr(nok ? owhy : why, "wrapper"))) {
					fix_refuse(f, "%s: its signature cannot be verified (%s)", name, nok ? owhy : why);
					refused = true;
				}
			} else if (!ambiguous && (osig.len != nsig.len || (nsig.len && memcmp(osig.p, nsig.p, nsig.len)))) {
				char a[1200], b[1200];
				sig_show(&nsig, a, sizeof a);
				sig_show(&osig, b, sizeof b);
				fix_refuse(f, "%s: changed signature: %s, the running one %s", name, a, b);
				refused = true;
			}
			gl_buf_free(&osig);
		}
		if (ambiguous && !refused)
			fix_refuse(f,
				   "%s: %zu archives in the build cache match the running code of package %s but declare it with "
				   "different signatures: cannot tell which one the program was built from",
				   name, nold, pk->path);
		gl_buf_free(&first);
		gl_buf_free(&nsig);
	}
out:
	for (size_t k = 0; k < nold; k++)
		objset_close(&old[k]);
	free(old);
	objset_close(&nw);
}
