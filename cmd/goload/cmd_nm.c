/* Placeholder until the nm command lands. */
#include "cmds.h"

#include <stdio.h>

int cmd_nm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "goload nm: not implemented yet\n");
	return 1;
}
