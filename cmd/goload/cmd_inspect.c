/* Placeholder until the inspect command lands. */
#include "cmds.h"

#include <stdio.h>

int cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "goload inspect: not implemented yet\n");
	return 1;
}
