/* The planners' refusal: a goload_patch_reason in *reason and the message
 * in err; returns err's negative code. */
#ifndef GL_PATCH_REFUSE_H
#define GL_PATCH_REFUSE_H

#include "util/util.h"

#include <stdarg.h>

static inline int gl_patch_refuse(int *reason, int r, goload_err *err, int code, const char *fmt, ...) GL_PRINTF(5, 6);
static inline int gl_patch_refuse(int *reason, int r, goload_err *err, int code, const char *fmt, ...)
{
	*reason = r;
	va_list ap;
	va_start(ap, fmt);
	int rc = gl_verr(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

#endif
