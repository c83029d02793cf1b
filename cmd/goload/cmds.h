/* Subcommands of the goload tool. Each lives in cmd_<name>.c, returns the
 * process exit status (0 ok, 1 error, 2 usage) and prints errors to stderr
 * as "goload <cmd>: <message>". */
#ifndef GOLOAD_CMDS_H
#define GOLOAD_CMDS_H

#include "goload.h"

int cmd_inspect(int argc, char **argv);
int cmd_nm(int argc, char **argv);
int cmd_objdump(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_fix(int argc, char **argv);
int cmd_ps(int argc, char **argv);

/* Prints "goload <cmd>: <code name>: <message>" to stderr, returns 1. */
int cmd_fail(const char *cmd, const goload_err *err);

#endif
