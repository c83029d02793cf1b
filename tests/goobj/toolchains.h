/* The installed Go toolchains for the goobj tests (scripts/gotoolchains.sh),
 * restricted to the machine's own Go under GOLOAD_QUICK=1. */
#ifndef GOLOAD_TEST_TOOLCHAINS_H
#define GOLOAD_TEST_TOOLCHAINS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct toolchain {
	int minor;
	char version[64]; /* "go1.26.8" */
	char go[4000];    /* its go binary */
	bool mine;        /* the machine's own go */
} toolchain;

static inline bool test_quick(void)
{
	const char *q = getenv("GOLOAD_QUICK");
	return q && !strcmp(q, "1");
}

/* Fills tc[0..cap) and returns how many. */
static inline int toolchains(toolchain *tc, int cap)
{
	const char *src = getenv("GOLOAD_SRC");
	char own[64] = "", cmd[4200], line[4200];
	FILE *p = popen("GOTOOLCHAIN=local go env GOVERSION", "r");
	if (p && fgets(own, sizeof own, p))
		own[strcspn(own, "\n")] = 0;
	if (p)
		pclose(p);
	snprintf(cmd, sizeof cmd, "bash '%s/scripts/gotoolchains.sh'", src ? src : ".");
	p = popen(cmd, "r");
	int n = 0;
	while (p && n < cap && fgets(line, sizeof line, p)) {
		toolchain *t = &tc[n];
		if (sscanf(line, "%d %63s %3999s", &t->minor, t->version, t->go) != 3)
			continue;
		t->mine = !strcmp(t->version, own);
		if (!test_quick() || t->mine)
			n++;
	}
	if (p)
		pclose(p);
	return n;
}

#endif
