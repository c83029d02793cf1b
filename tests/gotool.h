/* The newest installed toolchain's go binary for the C test programs, from
 * scripts/gotoolchains.sh (under $GOLOAD_SRC). */
#ifndef GOLOAD_TEST_GOTOOL_H
#define GOLOAD_TEST_GOTOOL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char go_path[4096];

static bool find_go(void)
{
	const char *src = getenv("GOLOAD_SRC");
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "%s/scripts/gotoolchains.sh | tail -1 | awk '{print $3}'", src ? src : ".");
	FILE *p = popen(cmd, "r");
	if (!p)
		return false;
	bool ok = fgets(go_path, sizeof go_path, p) != NULL;
	pclose(p);
	go_path[strcspn(go_path, "\n")] = 0;
	return ok && go_path[0];
}

#endif
