/*
 * Benchmark: list every function (name, entry, size) and the file:line of
 * every function entry of the `go` binary, against `go tool nm -size` on
 * the same binary. Prints wall time and peak RSS of both and the ratios.
 *
 *   bench_inspect_go [BINARY...] [RUNS]
 *
 * BINARY defaults to the `go` on PATH; several binaries (ELF, PE, Mach-O:
 * bench/inspect_formats.sh cross-builds cmd/go for Windows and macOS) are
 * measured one after the other, each with its own ratios.
 *
 * Each side runs in its own child process (output to /dev/null), so peak
 * RSS is that child's own (wait4's ru_maxrss, which also covers the nm
 * process `go tool` starts). The best of RUNS runs is reported.
 */
#include "gobin/gobin.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int list_funcs(const char *path)
{
	gl_gobin *g;
	goload_err err;
	if (gl_gobin_open_path(path, &g, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	FILE *out = fopen("/dev/null", "w");
	if (!out)
		return 1;
	size_t n = gl_gobin_nfuncs(g);
	for (size_t i = 0; i < n; i++) {
		gl_gobin_func f;
		uint64_t size;
		const char *file;
		int32_t line;
		if (gl_gobin_func_at(g, i, &f, &err) != 0 || gl_gobin_func_size(g, &f, &size, &err) != 0 ||
		    gl_gobin_func_line(g, &f, f.entry, &file, &line, &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		fprintf(out, "%" PRIx64 " %" PRIu64 " T %s %s:%d\n", f.entry, size, f.name, file, line);
	}
	fclose(out);
	gl_gobin_close(g);
	return 0;
}

typedef struct result {
	double secs;
	long maxrss_kb;
	int status;
} result;

/* Runs fn(arg) or execs argv in a child; measures it. */
static result measure(int (*fn)(const char *), const char *arg, char *const argv[])
{
	result r = {0, 0, -1};
	double t0 = now();
	pid_t pid = fork();
	if (pid == 0) {
		if (fn)
			_exit(fn(arg));
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0)
		return r;
	r.secs = now() - t0;
	r.maxrss_kb = ru.ru_maxrss;
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return r;
}

static void keep_best(result *best, result r)
{
	if (best->status != 0 || r.secs < best->secs)
		best->secs = r.secs;
	if (best->status != 0 || r.maxrss_kb < best->maxrss_kb)
		best->maxrss_kb = r.maxrss_kb;
	best->status = r.status;
}

static int bench_one(const char *path, int runs)
{
	char *nm_argv[] = {"go", "tool", "nm", "-size", (char *)path, NULL};
	result ours = {0, 0, -1}, nm = {0, 0, -1};
	/* Warm the page cache and go's tool cache once. */
	measure(NULL, NULL, nm_argv);
	for (int i = 0; i < runs; i++) {
		keep_best(&ours, measure(list_funcs, path, NULL));
		keep_best(&nm, measure(NULL, NULL, nm_argv));
	}
	if (ours.status != 0 || nm.status != 0) {
		fprintf(stderr, "bench_inspect_go: %s: a run failed (goload %d, go tool nm %d)\n", path, ours.status,
			nm.status);
		return 1;
	}
	gl_gobin *g;
	goload_err err;
	const char *fmt = "?", *os = "?", *arch = "?";
	size_t nfuncs = 0;
	if (gl_gobin_open_path(path, &g, &err) == 0) {
		const gl_gobin_info *in = gl_gobin_get_info(g);
		fmt = in->format;
		os = in->goos;
		arch = in->goarch;
		nfuncs = in->nfuncs;
	}
	printf("binary: %s (%s %s/%s, %zu functions; best of %d runs)\n", path, fmt, os, arch, nfuncs, runs);
	printf("%-42s %9s %12s\n", "", "wall ms", "peak RSS KiB");
	printf("%-42s %9.1f %12ld\n", "goload: funcs + entry file:line", ours.secs * 1e3, ours.maxrss_kb);
	printf("%-42s %9.1f %12ld\n", "go tool nm -size", nm.secs * 1e3, nm.maxrss_kb);
	printf("ratio (go tool nm / goload): time %.1fx, memory %.1fx\n", nm.secs / ours.secs,
	       (double)nm.maxrss_kb / (double)ours.maxrss_kb);
	if (nfuncs)
		gl_gobin_close(g);
	return 0;
}

int main(int argc, char **argv)
{
	char gopath[4096] = "";
	int runs = 5;
	const char **bins = calloc((size_t)argc + 1, sizeof *bins);
	int nbins = 0;
	if (!bins)
		return 1;
	for (int i = 1; i < argc; i++) {
		char *end;
		long v = strtol(argv[i], &end, 10);
		if (*argv[i] && !*end && v > 0)
			runs = (int)v;
		else
			bins[nbins++] = argv[i];
	}
	if (nbins == 0) {
		FILE *p = popen("command -v go", "r");
		if (!p || !fgets(gopath, sizeof gopath, p)) {
			fprintf(stderr, "bench_inspect_go: no go on PATH\n");
			return 1;
		}
		pclose(p);
		gopath[strcspn(gopath, "\n")] = 0;
		char *real = realpath(gopath, NULL);
		if (real) {
			snprintf(gopath, sizeof gopath, "%s", real);
			free(real);
		}
		bins[nbins++] = gopath;
	}
	int rc = 0;
	for (int i = 0; i < nbins; i++)
		rc |= bench_one(bins[i], runs);
	free(bins);
	return rc;
}
