/*
 * Go versions as data.
 *
 * Every supported Go release has one table for what its object files say
 * (gl_objtab: symbol kinds, relocation types, aux kinds, builtin list,
 * flags; src/versions/obj_tables.c) and one for what its runtime expects
 * (gl_rttab: struct layouts, FuncIDs, magics, moduledata offsets;
 * src/versions/rt_tables.c). Code asks these tables; it never compares
 * version strings. Which table applies to a binary is decided by probing
 * (a layout that validates), the version string is only a hint.
 */
#ifndef GL_VERSIONS_H
#define GL_VERSIONS_H

#include <stdbool.h>
#include <stdint.h>

/* Go 1.<minor>; goload knows 1.15 .. GL_GO_MINOR_MAX for reading
 * executables and 1.21 .. GL_GO_MINOR_MAX for objects and loading. */
#define GL_GO_MINOR_MIN_EXE 15
#define GL_GO_MINOR_MIN_OBJ 21
#define GL_GO_MINOR_MAX 27

struct gl_objtab; /* defined in versions/obj_tables.h */
struct gl_rttab;  /* defined in versions/rt_tables.h */

/* Object-file table for Go 1.<minor>, or NULL when unknown. */
const struct gl_objtab *gl_objtab_for(int minor);
/* Runtime table for Go 1.<minor>, or NULL when unknown. */
const struct gl_rttab *gl_rttab_for(int minor);

/* Parses "go1.21.13", "go1.22rc1", "devel go1.23-abc ..." into the minor
 * number (21, 22, 23); -1 when it is not a Go 1.x version string. */
int gl_go_minor(const char *version);

#endif
