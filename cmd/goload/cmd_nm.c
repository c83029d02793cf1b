/* goload nm: go tool nm's flags and output (see goload_nm). */
#include "cmds.h"

#include <stdio.h>
#include <string.h>

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: goload nm [-n] [-size] [-sort order] [-type] file...\n"
		   "  -n\n      an alias for -sort address (numeric),\n      for compatibility with other nm commands\n"
		   "  -size\n      print symbol size in decimal between address and type\n"
		   "  -sort {address,name,none,size}\n      sort output in the given order (default name)\n"
		   "      size orders from largest to smallest\n"
		   "  -type\n      print symbol type after name\n");
	return rc;
}

/* Go's flag package: -x and --x are the same; -x=v or -x v for values. */
static const char *flag_name(const char *a)
{
	if (a[0] != '-' || !a[1])
		return NULL;
	a++;
	if (a[0] == '-')
		a++;
	return a;
}

int cmd_nm(int argc, char **argv)
{
	goload_nm_opts o = {GOLOAD_NM_SORT_NAME, false, false, false};
	int i = 1;
	for (; i < argc; i++) {
		const char *f = flag_name(argv[i]);
		if (!f)
			break;
		if (!*f) { /* "--" ends the flags */
			i++;
			break;
		}
		const char *val = strchr(f, '=');
		size_t flen = val ? (size_t)(val - f) : strlen(f);
		if (flen == 1 && f[0] == 'n') {
			o.sort = GOLOAD_NM_SORT_ADDRESS;
		} else if (flen == 4 && !strncmp(f, "size", 4)) {
			o.print_size = !val || !strcmp(val + 1, "true");
		} else if (flen == 4 && !strncmp(f, "type", 4)) {
			o.print_type = !val || !strcmp(val + 1, "true");
		} else if (flen == 4 && !strncmp(f, "sort", 4)) {
			const char *v = val ? val + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v) {
				fprintf(stderr, "nm: flag needs an argument: -sort\n");
				return usage(stderr, 2);
			}
			if (!strcmp(v, "address"))
				o.sort = GOLOAD_NM_SORT_ADDRESS;
			else if (!strcmp(v, "name"))
				o.sort = GOLOAD_NM_SORT_NAME;
			else if (!strcmp(v, "size"))
				o.sort = GOLOAD_NM_SORT_SIZE;
			else if (!strcmp(v, "none"))
				o.sort = GOLOAD_NM_SORT_NONE;
			else {
				fprintf(stderr, "nm: unknown sort order \"%s\"\n", v);
				return 2;
			}
		} else if ((flen == 1 && f[0] == 'h') || (flen == 4 && !strncmp(f, "help", 4))) {
			return usage(stdout, 0);
		} else {
			fprintf(stderr, "flag provided but not defined: %s\n", argv[i]);
			return usage(stderr, 2);
		}
	}
	if (i >= argc)
		return usage(stderr, 2);
	o.file_prefix = argc - i > 1;
	int rc = 0;
	for (; i < argc; i++) {
		goload_err err = {0};
		if (goload_nm(argv[i], &o, stdout, &err) < 0)
			rc = cmd_fail("nm", &err);
	}
	fflush(stdout);
	return rc;
}
