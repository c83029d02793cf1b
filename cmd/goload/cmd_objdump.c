/* Placeholder until the objdump command lands. */
#include "cmds.h"

#include <stdio.h>

int cmd_objdump(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "goload objdump: not implemented yet\n");
	return 1;
}
