/*
 * goload run PATTERN [--] [ARGS...] — run a main package without linking
 * a binary: the package is loaded into a small Go host (cmd/goload/runhost,
 * through the Go binding's goload.Run) that this command builds with the
 * go command on PATH, once per Go version, into the user's cache directory,
 * then executes in place of itself (so the exit code and signals are the
 * program's). See docs/debugging.md ("goload run").
 *
 *   GOLOAD_GO     the go command (default: go on PATH)
 *   GOLOAD_SRC    goload's source tree (default: the one this tool was built from)
 *   GOLOAD_CACHE  where the host is kept (default: $XDG_CACHE_HOME/goload or ~/.cache/goload)
 */
#include "cmds.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef GOLOAD_SOURCE_DIR
#define GOLOAD_SOURCE_DIR ""
#endif

static void run_usage(FILE *f)
{
	fprintf(f, "usage: goload run PATTERN [--] [ARGS...]\n\n"
		   "Loads the main package PATTERN (and what it needs) into a small Go host\n"
		   "and runs it with ARGS, as go run would, without linking a binary.\n"
		   "Environment: GOLOAD_GO (the go command), GOLOAD_SRC (goload's source tree),\n"
		   "GOLOAD_CACHE (where the host is cached).\n");
}

/* Runs argv in dir (NULL: here) with stdout sent to stderr (quiet) or to
 * out (up to n-1 bytes, NUL-terminated); returns its exit status or -1. */
static int spawn(char *const *argv, const char *dir, char *out, size_t n)
{
	int fds[2] = {-1, -1};
	if (out && pipe(fds) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (dir && chdir(dir) < 0)
			_exit(127);
		if (out) {
			dup2(fds[1], 1);
			close(fds[0]);
			close(fds[1]);
		} else {
			dup2(2, 1);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "goload run: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		close(fds[1]);
		size_t got = 0;
		ssize_t r;
		while ((r = read(fds[0], out + got, n - 1 - got)) > 0 || (r < 0 && errno == EINTR))
			if (r > 0)
				got += (size_t)r;
		out[got] = 0;
		close(fds[0]);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int cmd_run(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		run_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *pattern = argv[1];
	int first = 2;
	if (first < argc && !strcmp(argv[first], "--"))
		first++;
	const char *go = getenv("GOLOAD_GO");
	if (!go || !*go)
		go = "go";
	const char *src = getenv("GOLOAD_SRC");
	if (!src || !*src)
		src = GOLOAD_SOURCE_DIR;
	char probe[4096];
	snprintf(probe, sizeof probe, "%s/cmd/goload/runhost/main.go", src);
	if (!*src || access(probe, R_OK) < 0) {
		fprintf(stderr, "goload run: no goload source tree at \"%s\" (set GOLOAD_SRC)\n", src);
		return 1;
	}
	char ver[256];
	char *venv[] = {(char *)go, "env", "GOVERSION", NULL};
	if (spawn(venv, src, ver, sizeof ver) != 0 || !ver[0]) {
		fprintf(stderr, "goload run: %s env GOVERSION failed\n", go);
		return 1;
	}
	ver[strcspn(ver, "\r\n")] = 0;
	char cache[4096];
	const char *c = getenv("GOLOAD_CACHE"), *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (c && *c)
		snprintf(cache, sizeof cache, "%s", c);
	else if (x && *x)
		snprintf(cache, sizeof cache, "%s/goload", x);
	else if (home && *home)
		snprintf(cache, sizeof cache, "%s/.cache/goload", home);
	else
		snprintf(cache, sizeof cache, "/tmp/goload-cache-%d", (int)getuid());
	if (!gl_mkdirs(cache, 0755)) {
		fprintf(stderr, "goload run: cannot create %s: %s\n", cache, strerror(errno));
		return 1;
	}
	char host[4096 + 300];
	snprintf(host, sizeof host, "%s/runhost-%s", cache, ver);
	/* go build is a no-op when the cached host is up to date (same
	 * sources, same toolchain): its build ID says so. */
	char *build[] = {(char *)go, "build", "-o", host, "./cmd/goload/runhost", NULL};
	if (spawn(build, src, NULL, 0) != 0) {
		fprintf(stderr, "goload run: building the host (%s build in %s) failed\n", go, src);
		return 1;
	}
	char **av = calloc((size_t)(argc - first) + 3, sizeof *av);
	if (!av)
		return 1;
	av[0] = host;
	av[1] = (char *)pattern;
	for (int i = first; i < argc; i++)
		av[2 + i - first] = argv[i];
	execv(host, av);
	fprintf(stderr, "goload run: %s: %s\n", host, strerror(errno));
	free(av);
	return 1;
}
