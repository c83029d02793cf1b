/* goload — command-line face of the library. */
#include "cmds.h"

#include <stdio.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"inspect", cmd_inspect, "read a Go executable or shared object (info, funcs, line, types, itabs, symbols)"},
	{"nm", cmd_nm, "list symbols of Go object files and archives, like go tool nm"},
	{"objdump", cmd_objdump, "dump symbols, relocations and funcinfo of Go object files and archives"},
	{"run", cmd_run, "load a main package into a small Go host and run it with its arguments"},
	{"fix", cmd_fix, "hot-fix a running Go program from a source change (through its goload agent)"},
	{"ps", cmd_ps, "list the Go processes running a goload agent"},
};

int cmd_fail(const char *cmd, const goload_err *err)
{
	fprintf(stderr, "goload %s: %s: %s\n", cmd, goload_code_name(err->code), err->msg);
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: goload <command> [arguments]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-9s %s\n", "version", "print goload's version");
	fprintf(f, "\nRun 'goload <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "version") || !strcmp(name, "--version")) {
		printf("goload %s\n", goload_version());
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "goload: unknown command \"%s\"\n", name);
	usage(stderr);
	return 2;
}
