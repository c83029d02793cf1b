/* Benchmark: `goload nm` against `go tool nm` over every std archive of the
 * machine's Go (`go list -export std`), one invocation each listing all
 * files, output to /dev/null. Prints best-of-N wall time, peak RSS (wait4)
 * and the ratios. go tool nm is run as the binary `go tool -n nm` names, without the
 * go command in front, so only nm itself is measured.
 *
 *   bench_nm [GOLOAD_BINARY] [RUNS]     (default: ./goload next to bench_nm, 3 runs)
 */
#define _GNU_SOURCE
#include "util/util.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct result {
	double wall;  /* seconds, best run */
	double cpu;   /* user + system seconds, best run (steadier on a shared machine) */
	long maxrss;  /* KiB, largest run */
	int status;
} result;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static result run(char **argv, int runs)
{
	result r = {1e30, 1e30, 0, 0};
	for (int i = 0; i < runs; i++) {
		double t0 = now();
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, 1);
			execvp(argv[0], argv);
			_exit(127);
		}
		int st = 0;
		struct rusage ru;
		if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
			r.status = -1;
			return r;
		}
		double t = now() - t0;
		if (t < r.wall)
			r.wall = t;
		double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
			     (double)ru.ru_stime.tv_usec / 1e6;
		if (cpu < r.cpu)
			r.cpu = cpu;
		if (ru.ru_maxrss > r.maxrss)
			r.maxrss = ru.ru_maxrss;
		if (st)
			r.status = st;
	}
	return r;
}

int main(int argc, char **argv)
{
	char self[4096], goload[4200];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	self[n > 0 ? n : 0] = 0;
	snprintf(goload, sizeof goload, "%s/goload", dirname(self));
	const char *bin = argc > 1 ? argv[1] : goload;
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	if (runs < 1)
		runs = 1;

	FILE *p = popen("GOTOOLCHAIN=local go list -export -f '{{.Export}}' std", "r");
	if (!p) {
		perror("go list");
		return 1;
	}
	GL_VEC(char *) files = {0};
	char line[8192];
	size_t bytes = 0;
	while (fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = 0;
		if (!*line)
			continue;
		char *s = strdup(line);
		if (!s || !GL_VEC_PUSH(&files, s))
			return 1;
		FILE *f = fopen(s, "rb");
		if (f) {
			fseek(f, 0, SEEK_END);
			bytes += (size_t)ftell(f);
			fclose(f);
		}
	}
	pclose(p);
	if (!files.len) {
		fprintf(stderr, "bench_nm: go list -export std listed nothing\n");
		return 1;
	}
	char nmpath[4096] = "", gonm[4200];
	p = popen("GOTOOLCHAIN=local go tool -n nm", "r");
	if (!p || !fgets(nmpath, sizeof nmpath, p)) {
		fprintf(stderr, "bench_nm: go tool -n nm failed\n");
		return 1;
	}
	pclose(p);
	nmpath[strcspn(nmpath, "\n")] = 0;
	snprintf(gonm, sizeof gonm, "%s", nmpath);
	char **gv = calloc(files.len + 2, sizeof *gv), **lv = calloc(files.len + 3, sizeof *lv);
	if (!gv || !lv)
		return 1;
	gv[0] = gonm;
	lv[0] = (char *)bin, lv[1] = "nm";
	for (size_t i = 0; i < files.len; i++)
		gv[1 + i] = lv[2 + i] = files.v[i];
	setenv("GOTOOLCHAIN", "local", 1);
	result g = run(gv, runs), l = run(lv, runs);
	printf("nm over %zu std archives (%.1f MiB), best of %d runs:\n", files.len, (double)bytes / (1 << 20), runs);
	printf("              %10s %10s %14s\n", "wall", "cpu", "peak RSS");
	printf("  go tool nm  %8.3f s %8.3f s %10ld KiB%s\n", g.wall, g.cpu, g.maxrss, g.status ? "  (exit status != 0)" : "");
	printf("  goload nm   %8.3f s %8.3f s %10ld KiB%s\n", l.wall, l.cpu, l.maxrss, l.status ? "  (exit status != 0)" : "");
	printf("  ratio       %8.2fx   %8.2fx   %8.2fx  (go tool nm / goload nm)\n", g.wall / l.wall, g.cpu / l.cpu,
	       (double)g.maxrss / (double)l.maxrss);
	for (size_t i = 0; i < files.len; i++)
		free(files.v[i]);
	GL_VEC_FREE(&files);
	free(gv);
	free(lv);
	return g.status || l.status;
}
