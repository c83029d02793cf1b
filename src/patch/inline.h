/* Callers holding inlined copies of a function (src/patch/inline.c). */
#ifndef GL_PATCH_INLINE_H
#define GL_PATCH_INLINE_H

#include "gobin/gobin.h"

/* Every (inlined function, caller) pair of an executable's inline trees:
 * built once per image (one pass over every function's pcinline table),
 * then each question is a binary search over the names. */
typedef struct gl_patch_inl_index gl_patch_inl_index;

int gl_patch_inl_index_build(const gl_gobin *g, gl_patch_inl_index **out, goload_err *err);
void gl_patch_inl_index_free(gl_patch_inl_index *x);

/* Appends "caller (file:line), ..." to out (NUL-terminated), one entry per
 * function whose inline tree holds name, and sets *n to their number. */
int gl_patch_inl_index_callers(const gl_patch_inl_index *x, const gl_gobin *g, const char *name, gl_buf *out,
			       size_t *n, goload_err *err);

/* The index as bytes (appended to out), and an index read back from such
 * bytes for the same executable g (they stay mapped while it is used): the
 * host index cache keeps it. Names and ranges are checked as they are
 * read. */
bool gl_patch_inl_index_write(const gl_patch_inl_index *x, gl_buf *out);
gl_patch_inl_index *gl_patch_inl_index_read(gl_span bytes, const gl_gobin *g);

/* The same without an index (builds one and frees it). */
int gl_patch_inlined_callers(const gl_gobin *g, const char *name, gl_buf *out, size_t *n, goload_err *err);

#endif
