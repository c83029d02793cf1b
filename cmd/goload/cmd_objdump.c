/* goload objdump: symbols, relocations and funcinfo of Go objects (goload_objdump). */
#include "cmds.h"

#include <stdio.h>
#include <string.h>

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: goload objdump [--syms] [--relocs] [--funcinfo] [--json] [--importcfg FILE] file...\n"
		   "  --syms      symbols: class, kind, name, ABI, size, align, flags, data (default)\n"
		   "  --relocs    relocations: offset, size, type name, target, addend\n"
		   "  --funcinfo  funcinfo: args, locals, FuncID, flags, start line, files, inline tree\n"
		   "  --json      one JSON document per file\n"
		   "  --importcfg FILE  name package references RefName leaves out through the\n"
		   "              dependencies listed as \"packagefile PATH=FILE\" (fingerprints checked)\n");
	return rc;
}

int cmd_objdump(int argc, char **argv)
{
	static const struct {
		const char *name;
		unsigned bit;
	} flags[] = {{"syms", GOLOAD_OBJDUMP_SYMS}, {"relocs", GOLOAD_OBJDUMP_RELOCS},
		     {"funcinfo", GOLOAD_OBJDUMP_FUNCINFO}, {"json", GOLOAD_OBJDUMP_JSON}};
	unsigned what = 0;
	const char *importcfg = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *f = argv[i] + (argv[i][1] == '-' ? 2 : 1);
		if (!*f) {
			i++;
			break;
		}
		if (!strcmp(f, "h") || !strcmp(f, "help"))
			return usage(stdout, 0);
		if (!strcmp(f, "importcfg")) {
			if (++i >= argc) {
				fprintf(stderr, "goload objdump: flag %s needs an argument\n", argv[i - 1]);
				return usage(stderr, 2);
			}
			importcfg = argv[i];
			continue;
		}
		size_t k = 0;
		while (k < sizeof flags / sizeof flags[0] && strcmp(f, flags[k].name))
			k++;
		if (k == sizeof flags / sizeof flags[0]) {
			fprintf(stderr, "goload objdump: unknown flag %s\n", argv[i]);
			return usage(stderr, 2);
		}
		what |= flags[k].bit;
	}
	if (i >= argc)
		return usage(stderr, 2);
	int rc = 0;
	for (; i < argc; i++) {
		goload_err err = {0};
		if (goload_objdump_cfg(argv[i], what, importcfg, stdout, &err) < 0)
			rc = cmd_fail("objdump", &err);
	}
	fflush(stdout);
	return rc;
}
