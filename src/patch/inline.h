/* Callers holding inlined copies of a function (src/patch/inline.c). */
#ifndef GL_PATCH_INLINE_H
#define GL_PATCH_INLINE_H

#include "gobin/gobin.h"

/* Appends "caller (file:line), ..." to out (NUL-terminated), one entry per
 * function whose inline tree holds name, and sets *n to their number. */
int gl_patch_inlined_callers(const gl_gobin *g, const char *name, gl_buf *out, size_t *n, goload_err *err);

#endif
